/**
 * `Training Versions: Clean Up Workspace`: every fix in every file, ending in one
 * decision (SPEC.md §9, `writeDecision.ts`): a summary with Apply, Review
 * changes and Cancel; Apply writes it all as one undoable edit with backups per
 * the `backups` setting, then one notification says what was written.
 */
import * as vscode from 'vscode';
import { type CleanupDecision, type CleanupWriteReport, runCleanupFlow } from '../../flows/cleanup';
import { shortName } from '../applyPlannedEdits';
import type { DecisionChoice, DecisionOutcome } from '../writeDecision';
import type { CommandDeps } from './deps';
import { comparePaths } from '../../core/order';

export interface CleanupOptions {
  /** `false`: apply without asking (scripts, tests); default: ask. */
  preview?: boolean;
  /** Answer the decision without asking (scripts, tests): 'apply', 'cancel' or 'review' (opens the review, then cancels). */
  answer?: DecisionChoice;
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
  /** The decision's answer ('none': nothing to clean up, nothing asked). */
  choice: 'apply' | 'cancel' | 'none';
  /** Files that changed while the clean-up was planned: left alone. */
  conflicts: string[];
  written: string[];
  backups: string[];
  /** The notification shown at the end (empty after Cancel). */
  message: string;
}

export async function cleanupWorkspace(
  deps: Pick<CommandDeps, 'index' | 'log' | 'writes'>,
  options: CleanupOptions = {},
): Promise<CleanupResult> {
  const { index, log } = deps;
  await index.whenReady();
  const wanted = options.uris ? new Set(options.uris.map((u) => u.toString())) : undefined;
  const result: CleanupResult = {
    files: 0,
    merged: 0,
    removed: 0,
    upgraded: 0,
    skipped: [],
    applied: false,
    choice: 'none',
    conflicts: [],
    written: [],
    backups: [],
    message: '',
  };
  const openDocs = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const answer = options.answer ?? (options.preview === false ? 'apply' : undefined);
  type IndexFile = ReturnType<typeof index.all>[number];
  let outcome: DecisionOutcome | undefined;
  const flow = await runCleanupFlow<IndexFile, CleanupDecision>({
    files: async () => {
      const files = index.all().filter((f) => !wanted || wanted.has(f.uri.toString()));
      return files.sort((a, b) => comparePaths(a.uri.path, b.uri.path));
    },
    // An open document's text, saved or not, is what the clean-up plans on.
    read: (f0) => {
      const doc = openDocs.get(f0.uri.toString());
      const f = doc ? index.forDocument(doc) : f0;
      return { path: shortName(f.uri), text: f.text, analysis: f.analysis };
    },
    // The decision and the WorkspaceEdit are one step of WriteDecisions (the review sits between them).
    decide: async (planned) => {
      outcome = await deps.writes.decide({ flow: 'cleanup', files: planned.map((p) => ({ ...p.write, uri: p.file.uri })), answer });
      return { apply: outcome.choice === 'apply' };
    },
    // Already written by the decision's Apply: the report says which files were and which had changed.
    write: async (planned) => {
      const o = outcome!;
      const conflicts = new Set(o.conflicts.map((u) => u.toString()));
      const written = new Set(o.written.map((u) => u.toString()));
      return planned.flatMap(({ file }): CleanupWriteReport<IndexFile>[] =>
        written.has(file.uri.toString())
          ? [{ kind: 'written', file }]
          : conflicts.has(file.uri.toString())
            ? [{ kind: 'conflict', file }]
            : [],
      );
    },
    onPlanned: (files) => {
      for (const r of files) if (r.kind === 'skipped') result.skipped.push(vscode.workspace.asRelativePath(r.file.uri));
      if (result.skipped.length)
        log.warn(
          `Clean up skipped ${result.skipped.length} file(s) that do not parse or lack a "versions" array: ${result.skipped.join(', ')}`,
        );
    },
  });
  if (!outcome) {
    const msg =
      `Nothing to clean up: no duplicates to merge and no S3 URL to upgrade in ` +
      `${flow.files.length - result.skipped.length} ` +
      `file(s)${result.skipped.length ? ` (${result.skipped.length} skipped: they do not parse)` : ''}.`;
    log.info(msg);
    result.message = msg;
    // Never silent, but a modal for "nothing" would be too much: a notification.
    void vscode.window.showInformationMessage(`Training Versions: ${msg}`, 'Show Log').then((c) => c && log.show());
    return result;
  }
  const t = outcome.choice === 'apply' ? outcome.writtenTotals : outcome.totals;
  Object.assign(result, {
    files: t.files,
    merged: t.groupsMerged,
    removed: t.entriesRemoved,
    upgraded: t.urlsUpgraded,
    applied: outcome.applied,
    choice: outcome.choice,
    message: outcome.message,
    conflicts: outcome.conflicts.map(shortName),
    written: outcome.written.map(shortName),
    backups: outcome.backups.map(shortName),
  });
  if (result.conflicts.length)
    log.warn(`Clean up left ${result.conflicts.length} file(s) alone: they changed while it was planned: ${result.conflicts.join(', ')}`);
  return result;
}
