/**
 * The style row's own menu (open its file, fix all in it, check its jobs) and
 * *Upgrade URL* on a version with a regular S3 URL. Workspace-wide commands are
 * reused with the row's scope as argument; nothing is computed twice.
 */
import * as vscode from 'vscode';
import { fixFor } from '../../core/findings';
import { workspaceEditFor } from '../codeActions';
import type { CleanupOptions } from './cleanupWorkspace';
import type { CommandDeps } from './deps';
import { notFound, resolveVersion, type VersionRef } from './treeVersion';

/** Opens the style's training_versions.json. */
export async function openStyleFile(uri: vscode.Uri | undefined): Promise<boolean> {
  if (!uri) return false;
  await vscode.window.showTextDocument(uri);
  return true;
}

/** Every fix of one style's file: the clean-up, scoped to that file (preview and backups as usual). */
export function fixAllInStyle(uri: vscode.Uri | undefined, options: Omit<CleanupOptions, 'uris'>): Thenable<unknown> {
  if (!uri) return Promise.resolve(undefined);
  return vscode.commands.executeCommand('trainingVersions.cleanupWorkspace', { uris: [uri], ...options });
}

/** `trainingVersions.checkStatus` for the jobs of one style: `{ styleFolder }`. */
export function checkStyleStatus(uri: vscode.Uri | undefined): Thenable<unknown> {
  return vscode.commands.executeCommand('trainingVersions.checkStatus', uri ? { styleFolder: vscode.Uri.joinPath(uri, '..') } : undefined);
}

/** Rewrites one version's regular S3 URL to its accelerated form: the quick fix's edit, undoable. */
export async function upgradeUrl(deps: Pick<CommandDeps, 'index'>, ref: VersionRef | undefined): Promise<boolean> {
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
