/**
 * `Training Versions: Clean Up Workspace`: every fix in every file as one
 * WorkspaceEdit, shown in the refactor preview before it applies; backups per
 * the `backups` setting (created by the same edit).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { planCleanup } from '../../core/cleanup';
import { converterFor } from '../convert';
import { readSettings } from '../settings';
import type { CommandDeps } from './deps';

export interface CleanupOptions {
  /** Show the refactor preview (default true); tests pass false. */
  preview?: boolean;
  /** Only these files (default: the whole workspace). */
  uris?: vscode.Uri[];
}

export interface CleanupResult {
  files: number;
  merged: number;
  removed: number;
  upgraded: number;
  skipped: string[];
  applied: boolean;
}

export async function cleanupWorkspace(deps: CommandDeps, options: CleanupOptions = {}): Promise<CleanupResult> {
  const { index, log } = deps;
  await index.whenReady();
  const wanted = options.uris ? new Set(options.uris.map((u) => u.toString())) : undefined;
  const edit = new vscode.WorkspaceEdit();
  const result: CleanupResult = { files: 0, merged: 0, removed: 0, upgraded: 0, skipped: [], applied: false };
  const touched: vscode.Uri[] = [];
  const openDocs = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const files = index.all().filter((f) => !wanted || wanted.has(f.uri.toString()));
  files.sort((a, b) => a.uri.path.localeCompare(b.uri.path, 'en', { numeric: true }));
  for (const f0 of files) {
    const doc = openDocs.get(f0.uri.toString());
    const f = doc ? index.forDocument(doc) : f0;
    if (!f.analysis.writable) {
      result.skipped.push(vscode.workspace.asRelativePath(f.uri));
      continue;
    }
    const plan = planCleanup(f.analysis);
    if (!plan.changed) continue;
    result.files++;
    result.merged += plan.merges.length;
    result.removed += plan.merges.reduce((n, m) => n + m.removed.length, 0);
    result.upgraded += plan.urlUpgrades.length;
    const rel = vscode.workspace.asRelativePath(f.uri);
    const needsConfirmation = options.preview !== false;
    if (readSettings(f.uri).backups) {
      const bytes = await vscode.workspace.fs.readFile(f.uri);
      edit.createFile(f.uri.with({ path: f.uri.path + '.backup' }), { overwrite: true, contents: bytes }, {
        label: `Back up ${path.basename(path.dirname(f.uri.path))}/training_versions.json`, needsConfirmation,
      });
    }
    const conv = converterFor(f.analysis, f.text);
    const label = `${plan.merges.length} merge(s), ${plan.urlUpgrades.length} URL upgrade(s) in ${rel}`;
    for (const e of plan.edits) edit.replace(f.uri, conv.range(e.offset, e.length), e.newText, { label, needsConfirmation });
    touched.push(f.uri);
  }
  if (result.skipped.length) log.warn(`Clean up skipped ${result.skipped.length} file(s) that do not parse or lack a "versions" array: ${result.skipped.join(', ')}`);
  if (result.files === 0) {
    const msg = `Nothing to clean up${result.skipped.length ? ` (${result.skipped.length} file(s) skipped: they do not parse)` : ''}.`;
    log.info(msg);
    if (options.preview !== false) void vscode.window.showInformationMessage(`Training Versions: ${msg}`);
    return result;
  }
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  result.applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  if (result.applied) {
    // Save what was clean before, so the files on disk match (the user's unsaved work stays unsaved).
    for (const uri of touched) {
      const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === uri.toString());
      if (d && d.isDirty && !dirtyBefore.has(uri.toString())) await d.save();
    }
    log.info(`Clean up: merged ${result.merged} group(s) (${result.removed} entries removed), upgraded ${result.upgraded} URL(s) in ${result.files} file(s).`);
  } else {
    log.info('Clean up was cancelled; nothing changed.');
  }
  return result;
}
