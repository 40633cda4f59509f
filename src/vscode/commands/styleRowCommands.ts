/**
 * The style row's own menu (open its file, fix all in it, check its jobs) and
 * *Upgrade URL* on a version with a regular S3 URL. Workspace-wide commands are
 * reused with the row's scope as argument; nothing is computed twice.
 */
import * as vscode from 'vscode';
import { fixFor } from '../../core/findings';
import { workspaceEditFor } from '../codeActions';
import { StyleNode, VersionNode } from '../stylesTree';
import type { CommandDeps } from './deps';
import { notFound, resolveVersion, versionRefOf } from './treeVersion';

function styleFileOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof StyleNode || arg instanceof VersionNode) return arg.uri;
  return arg instanceof vscode.Uri ? arg : undefined;
}

/** Opens the style's training_versions.json. */
export async function openStyleFile(arg: unknown): Promise<boolean> {
  const uri = styleFileOf(arg);
  if (!uri) return false;
  await vscode.window.showTextDocument(uri);
  return true;
}

/** Every fix of one style's file: the clean-up, scoped to that file (preview and backups as usual). */
export function fixAllInStyle(arg: unknown, options: { preview?: boolean } = {}): Thenable<unknown> {
  const uri = styleFileOf(arg);
  if (!uri) return Promise.resolve(undefined);
  return vscode.commands.executeCommand('trainingVersions.cleanupWorkspace', { uris: [uri], ...options });
}

/** `trainingVersions.checkStatus` for the jobs of one style: `{ styleFolder }`. */
export function checkStyleStatus(arg: unknown): Thenable<unknown> {
  const uri = styleFileOf(arg);
  return vscode.commands.executeCommand('trainingVersions.checkStatus', uri ? { styleFolder: vscode.Uri.joinPath(uri, '..') } : undefined);
}

/** Rewrites one version's regular S3 URL to its accelerated form: the quick fix's edit, undoable. */
export async function upgradeUrl(deps: Pick<CommandDeps, 'index'>, arg: unknown): Promise<boolean> {
  const ref = versionRefOf(arg);
  const found = ref && (await resolveVersion(deps.index, ref));
  if (!found) {
    void vscode.window.showWarningMessage(`Training Versions: ${notFound(ref)}`);
    return false;
  }
  const { file, version } = found;
  const finding = file.analysis.findings.find((f) => f.code === 'non-accelerated-url' && f.entryIndex === version.index);
  const edits = finding && fixFor(file.analysis, finding);
  if (!edits || edits.length === 0) {
    void vscode.window.showInformationMessage('Training Versions: this version has no regular S3 URL to upgrade.');
    return false;
  }
  return vscode.workspace.applyEdit(workspaceEditFor(file.uri, file.analysis, file.text, edits));
}
