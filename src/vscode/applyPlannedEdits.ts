/**
 * Writes core edits (offsets into a known text) through the editor: ONE
 * WorkspaceEdit across files, so one undo takes it back; open documents get
 * the edits, documents that were clean are saved afterwards (unsaved work
 * stays unsaved); backups per the `backups` setting go into the same edit.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TextEdit } from '../core/edits';
import { OffsetConverter } from './convert';
import { readSettings } from './settings';

export interface PlannedFileEdit {
  uri: vscode.Uri;
  /** The text the edits were planned on, as the editor sees it (no BOM). */
  text: string;
  edits: readonly TextEdit[];
}

export interface AppliedEdits {
  /** False when nothing was left to apply, or the editor refused the edit. */
  applied: boolean;
  written: vscode.Uri[];
  /** Files whose text is no longer the planned one: left alone. */
  conflicts: vscode.Uri[];
}

export async function applyPlannedEdits(files: readonly PlannedFileEdit[]): Promise<AppliedEdits> {
  const edit = new vscode.WorkspaceEdit();
  const touched: vscode.Uri[] = [];
  const conflicts: vscode.Uri[] = [];
  for (const f of files) {
    if (f.edits.length === 0) continue;
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(f.uri);
    } catch {
      conflicts.push(f.uri);
      continue;
    }
    // Compared after the read: the check above must see the text the edit applies to.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.uri.toString() && !d.isClosed);
    const current = doc ? doc.getText() : new TextDecoder('utf-8').decode(bytes);
    if (current !== f.text) {
      conflicts.push(f.uri);
      continue;
    }
    if (readSettings(f.uri).backups) {
      edit.createFile(f.uri.with({ path: f.uri.path + '.backup' }), { overwrite: true, contents: bytes });
    }
    const conv = new OffsetConverter(f.text);
    for (const e of f.edits) edit.replace(f.uri, conv.range(e.offset, e.length), e.newText);
    touched.push(f.uri);
  }
  if (touched.length === 0) return { applied: false, written: [], conflicts };
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  // The extension host sends the open documents' versions with the edit: one typed into meanwhile makes it fail, not corrupt.
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) return { applied: false, written: [], conflicts: [...conflicts, ...touched] };
  for (const uri of touched) {
    const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === uri.toString());
    if (d && d.isDirty && !dirtyBefore.has(uri.toString())) await d.save();
  }
  return { applied: true, written: touched, conflicts };
}

/** `1_ink_intensity/training_versions.json` for messages. */
export function shortName(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1) || path.basename(uri.path);
}
