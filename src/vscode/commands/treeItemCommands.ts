/**
 * The small commands of the styles tree's rows and title bar: copy / open the
 * LoRA URL, check one job's RunPod status, sync one style from S3, reveal the
 * file in the Explorer, and the "show only problems" toggle. Status checks and
 * syncs are the workspace commands, given the row's scope as their argument.
 */
import * as vscode from 'vscode';
import { linkUrl } from '../../core/s3Url';
import { StyleNode, VersionNode } from '../stylesTree';
import type { StylesView } from '../stylesView';
import type { CommandDeps } from './deps';
import { notFound, resolveVersion, versionRefOf } from './treeVersion';

/** The LoRA URL of a version row, read from the file now (undefined when it has none). */
async function loraUrlOf(deps: Pick<CommandDeps, 'index'>, arg: unknown): Promise<string | undefined> {
  const ref = versionRefOf(arg);
  const found = ref && (await resolveVersion(deps.index, ref));
  const url = found?.version.value.loraUrl;
  const link = linkUrl(url);
  if (link !== undefined) return link;
  void vscode.window.showWarningMessage(`Training Versions: ${found ? 'This version has no LoRA URL.' : notFound(ref)}`);
  return undefined;
}

export async function copyLoraUrl(deps: Pick<CommandDeps, 'index'>, arg: unknown): Promise<string | undefined> {
  const url = await loraUrlOf(deps, arg);
  if (url === undefined) return undefined;
  await vscode.env.clipboard.writeText(url);
  vscode.window.setStatusBarMessage('$(copy) LoRA URL copied', 3000);
  return url;
}

export async function openLoraUrl(deps: Pick<CommandDeps, 'index'>, arg: unknown): Promise<boolean> {
  const url = await loraUrlOf(deps, arg);
  return url === undefined ? false : vscode.env.openExternal(vscode.Uri.parse(url, true));
}

/** `trainingVersions.checkStatus` for one version row. */
export function checkVersionStatus(arg: unknown): Thenable<unknown> {
  const ref = versionRefOf(arg);
  if (!ref) return vscode.commands.executeCommand('trainingVersions.checkStatus');
  return vscode.commands.executeCommand('trainingVersions.checkStatus', { uri: ref.uri, versionId: ref.versionId });
}

/** The style folder of a style or version row. */
export function styleFolderUriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof StyleNode) return arg.folderUri;
  if (arg instanceof VersionNode) return arg.style.folderUri;
  if (arg instanceof vscode.Uri) return arg.path.endsWith('.json') ? vscode.Uri.joinPath(arg, '..') : arg;
  return undefined;
}

/** `trainingVersions.syncS3` for the style of a row. */
export function syncStyle(arg: unknown): Thenable<unknown> {
  const styleFolder = styleFolderUriOf(arg);
  return vscode.commands.executeCommand('trainingVersions.syncS3', styleFolder ? { styleFolder } : undefined);
}

/** Reveals the row's training_versions.json in the Explorer. */
export function revealInExplorer(arg: unknown): Thenable<unknown> {
  const uri = arg instanceof StyleNode || arg instanceof VersionNode ? arg.uri : arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) return Promise.resolve(undefined);
  return vscode.commands.executeCommand('revealInExplorer', uri);
}

export function setOnlyProblems(view: StylesView | undefined, on: boolean): void {
  view?.setOnlyProblems(on);
}
