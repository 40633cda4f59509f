/** Finds the entry a tree row (or `{ uri, versionId }`) names, in the file's text as the editor sees it now. */
import * as vscode from 'vscode';
import type { Version } from '../../core/versions';
import type { IndexedFile, WorkspaceIndex } from '../workspaceIndex';

/** What tree commands accept: a version row, or `{ uri, versionId, entryIndex? }`. */
export interface VersionRef {
  uri: vscode.Uri;
  versionId?: string;
  entryIndex?: number;
}

export interface ResolvedVersion {
  doc: vscode.TextDocument;
  file: IndexedFile;
  version: Version;
}

/**
 * Opens the document (without showing it) and finds the entry: the one at
 * `entryIndex` when its id still matches, else the first with that id.
 */
export async function resolveVersion(index: WorkspaceIndex, ref: VersionRef): Promise<ResolvedVersion | undefined> {
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(ref.uri);
  } catch {
    return undefined;
  }
  const file = index.forDocument(doc);
  const vs = file.analysis.versions;
  const at = ref.entryIndex === undefined ? undefined : vs.find((v) => v.index === ref.entryIndex);
  const version =
    at && (ref.versionId === undefined || at.id === ref.versionId)
      ? at
      : ref.versionId !== undefined
        ? vs.find((v) => v.id === ref.versionId)
        : undefined;
  return version ? { doc, file, version } : undefined;
}

export function notFound(ref: VersionRef | undefined): string {
  return ref?.versionId
    ? `The version "${ref.versionId}" is no longer in ${vscode.workspace.asRelativePath(ref.uri)}. Refresh the view.`
    : 'Select a version in the Training Versions view.';
}
