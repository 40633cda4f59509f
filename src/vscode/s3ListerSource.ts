/**
 * Which S3 lister factory syncs build their lister with: built once at activation and
 * owned by the S3 part, so nothing is reassigned on the command deps after they are built.
 * The default loads the AWS SDK (dist/s3.js) on its first call; tests swap in a local S3 API.
 */
import * as vscode from 'vscode';
import type { S3Lister, S3Settings } from '../services/s3';

/** Builds the lister a sync lists the bucket with, from the `trainingVersions.s3.*` settings. */
export type S3ListerFactory = (settings: S3Settings) => Promise<S3Lister>;

export class S3ListerSource {
  private override: S3ListerFactory | undefined;

  constructor(private readonly fallback: S3ListerFactory) {}

  /** The factory a sync uses now. */
  current(): S3ListerFactory {
    return this.override ?? this.fallback;
  }

  /** Syncs build their lister with `factory` until the returned Disposable is disposed. */
  use(factory: S3ListerFactory): vscode.Disposable {
    this.override = factory;
    return new vscode.Disposable(() => {
      if (this.override === factory) this.override = undefined;
    });
  }
}
