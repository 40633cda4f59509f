/** What every command receives: passed in, never module-global, so tests can hand in their own. */
import type * as vscode from 'vscode';
import type { StatusCache } from '../../flows/status';
import type { S3Lister, S3Settings } from '../../services/s3';
import type { RunpodCheckEvents, RunpodClientFactory } from '../runpodCheck';
import type { StylesView } from '../stylesView';
import type { WriteDecisions } from '../writeDecision';
import type { WorkspaceIndex } from '../workspaceIndex';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  index: WorkspaceIndex;
  log: vscode.LogOutputChannel;
  /** Where the RunPod API key lives (never settings or files). */
  secrets: vscode.SecretStorage;
  /** Builds the RunPod status client from settings and the key; tests point it elsewhere. */
  runpodClientFactory: RunpodClientFactory;
  /** Finished and expired RunPod jobs, remembered for the session: not asked again. */
  runpodCache: StatusCache;
  /** Manual status checks announce themselves, so polling never asks at the same time. */
  runpodEvents: RunpodCheckEvents;
  /** Builds the S3 lister of a sync (default `createS3Lister`, which loads the AWS SDK then); tests point it at a local S3 API. */
  s3ListerFactory: S3ListerFactory;
  /** The decision that ends Clean Up and Sync, and the notification after every apply. */
  writes: WriteDecisions;
  /** The sidebar's styles view (absent where no view is registered). */
  styles?: StylesView;
}

/** Builds the lister a sync lists the bucket with, from the `trainingVersions.s3.*` settings. */
export type S3ListerFactory = (settings: S3Settings) => Promise<S3Lister>;
