/**
 * The small commands of the styles tree's rows and title bar: copy / open the
 * LoRA URL, check one job's RunPod status, sync one style from S3, reveal the
 * file in the Explorer, and the "show only problems" toggle. Status checks and
 * syncs are the workspace commands, given the row's scope as their argument.
 */
import * as vscode from 'vscode';
import { linkUrl } from '../../core/s3Url';
import type { StylesView } from '../stylesView';
import type { CommandDeps } from './deps';
import { notFound, resolveVersion, type VersionRef } from './treeVersion';

/** The LoRA URL of a version row, read from the file now (undefined when it has none). */
async function loraUrlOf(deps: Pick<CommandDeps, 'index'>, ref: VersionRef | undefined): Promise<string | undefined> {
  const found = ref && (await resolveVersion(deps.index, ref));
  const url = found?.version.value.loraUrl;
  const link = linkUrl(url);
  if (link !== undefined) return link;
  void vscode.window.showWarningMessage(`Training Versions: ${found ? 'This version has no LoRA URL.' : notFound(ref)}`);
  return undefined;
}

export async function copyLoraUrl(deps: Pick<CommandDeps, 'index'>, ref: VersionRef | undefined): Promise<string | undefined> {
  const url = await loraUrlOf(deps, ref);
  if (url === undefined) return undefined;
  await vscode.env.clipboard.writeText(url);
  vscode.window.setStatusBarMessage('$(copy) LoRA URL copied', 3000);
  return url;
}

export async function openLoraUrl(deps: Pick<CommandDeps, 'index'>, ref: VersionRef | undefined): Promise<boolean> {
  const url = await loraUrlOf(deps, ref);
  return url === undefined ? false : vscode.env.openExternal(vscode.Uri.parse(url, true));
}

/** `trainingVersions.checkStatus` for one version row. */
export function checkVersionStatus(ref: VersionRef | undefined): Thenable<unknown> {
  if (!ref) return vscode.commands.executeCommand('trainingVersions.checkStatus');
  return vscode.commands.executeCommand('trainingVersions.checkStatus', { uri: ref.uri, versionId: ref.versionId });
}

/** `trainingVersions.syncS3` for the style of a row. */
export function syncStyle(styleFolder: vscode.Uri | undefined): Thenable<unknown> {
  return vscode.commands.executeCommand('trainingVersions.syncS3', styleFolder ? { styleFolder } : undefined);
}

/** Reveals the row's training_versions.json in the Explorer. */
export function revealInExplorer(uri: vscode.Uri | undefined): Thenable<unknown> {
  if (!uri) return Promise.resolve(undefined);
  return vscode.commands.executeCommand('revealInExplorer', uri);
}

export function setOnlyProblems(view: StylesView | undefined, on: boolean): void {
  view?.setOnlyProblems(on);
}
