/**
 * Writes core edits (offsets into a known text) through the editor: ONE
 * WorkspaceEdit across files, so one undo takes it back; open documents get
 * the edits, documents that were clean are saved afterwards (unsaved work
 * stays unsaved). With backups (the `backups` setting, the default), every file
 * it changes gets `<file>.backup` — its bytes before this apply — in the same
 * edit (SPEC.md §9). One-file editor fixes pass `backups: false`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { applyEdits, type TextEdit } from '../core/edits';
import { OffsetConverter } from './convert';
import { readSettings } from './settings';

export interface PlannedFileEdit {
  uri: vscode.Uri;
  /** The text the edits were planned on, as the editor sees it (no BOM). */
  text: string;
  edits: readonly TextEdit[];
}

export interface UndoOutcome {
  /** Files set back to their text before the apply (their backups too). */
  undone: vscode.Uri[];
  /** Files edited again since the apply: left as they are. */
  changedSince: vscode.Uri[];
}

export interface AppliedEdits {
  /** False when nothing was left to apply, or the editor refused the edit. */
  applied: boolean;
  written: vscode.Uri[];
  /** Files whose text is no longer the planned one: left alone. */
  conflicts: vscode.Uri[];
  /** The user cancelled the decision: nothing was written. */
  declined?: boolean;
  /** The `<file>.backup` files this apply wrote. */
  backups: vscode.Uri[];
  /**
   * Takes this apply back as one more edit: each written file gets its text
   * from before the apply, each backup its previous content (or is removed),
   * unless the file was edited since. Undefined when nothing was written.
   */
  undo?: () => Promise<UndoOutcome>;
}

export interface ApplyPlannedOptions {
  /** 'setting' (default): `<file>.backup` per the `trainingVersions.backups` setting; false: none (one-file editor fixes). */
  backups?: 'setting' | false;
}

export function backupUriOf(uri: vscode.Uri): vscode.Uri {
  return uri.with({ path: uri.path + '.backup' });
}

export async function applyPlannedEdits(files: readonly PlannedFileEdit[], options: ApplyPlannedOptions = {}): Promise<AppliedEdits> {
  const edit = new vscode.WorkspaceEdit();
  const touched: { uri: vscode.Uri; before: string; after: string; backup?: { uri: vscode.Uri; previous: Uint8Array | undefined } }[] = [];
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
    let backup: { uri: vscode.Uri; previous: Uint8Array | undefined } | undefined;
    if (options.backups !== false && readSettings(f.uri).backups) {
      const uri = backupUriOf(f.uri);
      // The backup it replaces, so that an undo of this apply puts it back.
      const previous = await vscode.workspace.fs.readFile(uri).then(
        (b) => b,
        () => undefined,
      );
      edit.createFile(uri, { overwrite: true, contents: bytes });
      backup = { uri, previous };
    }
    const conv = new OffsetConverter(f.text);
    for (const e of f.edits) edit.replace(f.uri, conv.range(e.offset, e.length), e.newText);
    touched.push({ uri: f.uri, before: f.text, after: applyEdits(f.text, [...f.edits]), backup });
  }
  if (touched.length === 0) return { applied: false, written: [], conflicts, backups: [] };
  // The extension host sends the open documents' versions with the edit: one typed into meanwhile makes it fail, not corrupt.
  const applied = await applyAndSave(
    edit,
    touched.map((t) => t.uri),
  );
  if (!applied) return { applied: false, written: [], conflicts: [...conflicts, ...touched.map((t) => t.uri)], backups: [] };
  return {
    applied: true,
    written: touched.map((t) => t.uri),
    conflicts,
    backups: touched.flatMap((t) => (t.backup ? [t.backup.uri] : [])),
    undo: () => undoApply(touched),
  };
}

/** Applies `edit`, then saves the documents of `uris` that were clean before it. */
async function applyAndSave(edit: vscode.WorkspaceEdit, uris: readonly vscode.Uri[]): Promise<boolean> {
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  for (const uri of uris) {
    const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === uri.toString());
    if (d && d.isDirty && !dirtyBefore.has(uri.toString())) await d.save();
  }
  return true;
}

async function undoApply(
  touched: readonly { uri: vscode.Uri; before: string; after: string; backup?: { uri: vscode.Uri; previous: Uint8Array | undefined } }[],
): Promise<UndoOutcome> {
  const edit = new vscode.WorkspaceEdit();
  const undone: vscode.Uri[] = [];
  const changedSince: vscode.Uri[] = [];
  for (const t of touched) {
    const doc = await vscode.workspace.openTextDocument(t.uri).then(
      (d) => d,
      () => undefined,
    );
    if (!doc || doc.getText() !== t.after) {
      changedSince.push(t.uri);
      continue;
    }
    edit.replace(t.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), t.before);
    if (t.backup) {
      if (t.backup.previous) edit.createFile(t.backup.uri, { overwrite: true, contents: t.backup.previous });
      else edit.deleteFile(t.backup.uri, { ignoreIfNotExists: true });
    }
    undone.push(t.uri);
  }
  if (undone.length && !(await applyAndSave(edit, undone))) return { undone: [], changedSince: touched.map((t) => t.uri) };
  return { undone, changedSince };
}

/** `1_ink_intensity/training_versions.json` for messages. */
export function shortName(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1) || path.basename(uri.path);
}
