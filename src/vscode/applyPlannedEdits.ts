/**
 * Writes core edits (offsets into a known text) through the editor: ONE
 * WorkspaceEdit across files, so one undo takes it back; open documents get
 * the edits, documents that were clean are saved afterwards (unsaved work
 * stays unsaved); backups per the `backups` setting go into the same edit.
 * With `preview`, the edit is shown in the refactor preview first.
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
  /** With `preview`: the edit was shown and not applied (the user discarded it). */
  declined?: boolean;
}

export interface ApplyPlannedOptions {
  /** Show the edit in the refactor preview (`needsConfirmation`) before it applies; the user may discard it. */
  preview?: boolean;
  /** How the preview names a file's change. */
  label?: (uri: vscode.Uri) => string;
}

export async function applyPlannedEdits(files: readonly PlannedFileEdit[], options: ApplyPlannedOptions = {}): Promise<AppliedEdits> {
  const preview = options.preview === true;
  const meta = (label: string): vscode.WorkspaceEditEntryMetadata | undefined => (preview ? { label, needsConfirmation: true } : undefined);
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
      edit.createFile(f.uri.with({ path: f.uri.path + '.backup' }), { overwrite: true, contents: bytes }, meta(`Back up ${shortName(f.uri)}`));
    }
    const conv = new OffsetConverter(f.text);
    const label = meta(options.label?.(f.uri) ?? shortName(f.uri));
    for (const e of f.edits) edit.replace(f.uri, conv.range(e.offset, e.length), e.newText, label);
    touched.push(f.uri);
  }
  if (touched.length === 0) return { applied: false, written: [], conflicts };
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  // The extension host sends the open documents' versions with the edit: one typed into meanwhile makes it fail, not corrupt.
  // VS Code starts every change that needs confirmation unticked: say so, or "Apply" seems to do nothing.
  if (preview) void vscode.window.showInformationMessage('Training Versions: tick the changes to accept in the Refactor Preview (a file or group ticks all of its changes), then Apply. Discard writes nothing.');
  const applied = await vscode.workspace.applyEdit(edit, preview ? { isRefactoring: true } : undefined);
  // Not applied after the preview: the user discarded it (the editor does not say why; a typed-into document is rare then).
  if (!applied && preview) return { applied: false, written: [], conflicts, declined: true };
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
