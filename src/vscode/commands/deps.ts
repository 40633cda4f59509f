/**
 * Everything commands are built from, assembled once in `activate` before anything is
 * registered and never changed afterwards. Each command names the part it uses
 * (`Pick<CommandDeps, ...>`), so a test hands in only that.
 */
import type * as vscode from 'vscode';
import type { StatusCheckDeps } from '../runpodCheck';
import type { RunpodCheckEvents } from '../runpodCheckEvents';
import type { S3ListerSource } from '../s3ListerSource';
import type { StylesView } from '../stylesView';
import type { WriteDecisions } from '../writeDecision';

export interface CommandDeps extends StatusCheckDeps {
  readonly context: vscode.ExtensionContext;
  /** Manual status checks announce themselves, so polling never asks at the same time. */
  readonly runpodEvents: RunpodCheckEvents;
  /** The S3 lister factory of a sync (the AWS SDK by default); tests point it at a local S3 API. */
  readonly s3Listers: S3ListerSource;
  /** The decision that ends Clean Up and Sync, and the notification after every apply. */
  readonly writes: WriteDecisions;
  /** The sidebar's styles view. */
  readonly styles: StylesView;
}
