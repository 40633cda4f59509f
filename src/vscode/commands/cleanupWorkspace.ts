/**
 * `Training Versions: Clean Up Workspace`: every fix in every file as one
 * WorkspaceEdit, shown in the refactor preview before it applies; backups per
 * the `backups` setting (created by the same edit).
 */
import * as vscode from 'vscode';
import { planCleanup } from '../../core/cleanup';
import { applyPlannedEdits, type PlannedFileEdit, shortName } from '../applyPlannedEdits';
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
  /** Files that changed while the clean-up was planned: left alone. */
  conflicts: string[];
}

export async function cleanupWorkspace(deps: CommandDeps, options: CleanupOptions = {}): Promise<CleanupResult> {
  const { index, log } = deps;
  await index.whenReady();
  const wanted = options.uris ? new Set(options.uris.map((u) => u.toString())) : undefined;
  const result: CleanupResult = { files: 0, merged: 0, removed: 0, upgraded: 0, skipped: [], applied: false, conflicts: [] };
  const openDocs = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const files = index.all().filter((f) => !wanted || wanted.has(f.uri.toString()));
  files.sort((a, b) => a.uri.path.localeCompare(b.uri.path, 'en', { numeric: true }));
  const planned: PlannedFileEdit[] = [];
  const labels = new Map<string, string>();
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
    planned.push({ uri: f.uri, text: f.text, edits: plan.edits });
    labels.set(f.uri.toString(), `${plan.merges.length} merge(s), ${plan.urlUpgrades.length} URL upgrade(s) in ${shortName(f.uri)}`);
  }
  if (result.skipped.length) log.warn(`Clean up skipped ${result.skipped.length} file(s) that do not parse or lack a "versions" array: ${result.skipped.join(', ')}`);
  if (result.files === 0) {
    const msg = `Nothing to clean up${result.skipped.length ? ` (${result.skipped.length} file(s) skipped: they do not parse)` : ''}.`;
    log.info(msg);
    if (options.preview !== false) void vscode.window.showInformationMessage(`Training Versions: ${msg}`);
    return result;
  }
  const applied = await applyPlannedEdits(planned, { preview: options.preview !== false, label: (uri) => labels.get(uri.toString()) ?? shortName(uri) });
  result.applied = applied.applied;
  result.conflicts = applied.conflicts.map((u) => shortName(u));
  if (result.conflicts.length) log.warn(`Clean up left ${result.conflicts.length} file(s) alone: they changed while it was planned: ${result.conflicts.join(', ')}`);
  if (result.applied) {
    log.info(`Clean up: merged ${result.merged} group(s) (${result.removed} entries removed), upgraded ${result.upgraded} URL(s) in ${applied.written.length} file(s).`);
  } else {
    log.info('Clean up was not applied (discarded in the preview); nothing changed.');
  }
  return result;
}
