/**
 * One-file fixes from the styles tree: "Merge Duplicates" on a version row and
 * "Fix All in This Style" on a style row. They are editor edits (SPEC.md §9):
 * exactly the edits the quick fix / fix-all of that file carries
 * (`codeActions.ts` `fixEditsFor`), one undoable edit, saved when the document
 * was clean, NO backup; one notification says what changed, with Undo.
 */
import * as vscode from 'vscode';
import { planCleanup } from '../../core/cleanup';
import { describeVersion } from '../../core/duplicates';
import type { TextEdit } from '../../core/edits';
import { applyPlannedEdits } from '../applyPlannedEdits';
import { fixAllEditsFor, fixEditsFor } from '../codeActions';
import type { IndexedFile } from '../workspaceIndex';
import type { CommandDeps } from './deps';

/** What the merge and fix commands use. */
type FixDeps = Pick<CommandDeps, 'index' | 'log' | 'writes'>;
import { notFound, resolveVersion, type VersionRef } from './treeVersion';

export interface MergeResult {
  applied: boolean;
  /** The kept entry's id. */
  kept?: string;
  removed: string[];
  message: string;
}

export async function mergeDuplicates(deps: FixDeps, ref: VersionRef | undefined): Promise<MergeResult> {
  const found = ref && (await resolveVersion(deps.index, ref));
  if (!found) {
    const message = notFound(ref);
    void vscode.window.showWarningMessage(`Training Versions: ${message}`);
    return { applied: false, removed: [], message };
  }
  const { file, version } = found;
  const gi = file.analysis.writable ? file.analysis.groups.findIndex((g) => g.members.includes(version)) : -1;
  const finding = file.analysis.findings.find((f) => f.code === 'duplicate-version' && f.group === gi);
  const edits = finding && fixEditsFor(file.analysis, finding);
  if (gi < 0 || !edits?.length) {
    const message = `${describeVersion(version)} has no duplicate to merge with (anymore).`;
    void vscode.window.showInformationMessage(`Training Versions: ${message}`);
    return { applied: false, removed: [], message };
  }
  const group = file.analysis.groups[gi];
  const removed = group.members.slice(1).map((m) => m.id ?? `#${m.index + 1}`);
  const n = group.members.length - 1;
  const r = await applyOneFileFix(
    deps,
    file,
    edits,
    `Merged ${n} duplicate ${n === 1 ? 'entry' : 'entries'} into ${describeVersion(group.winner)}`,
  );
  return { applied: r.applied, kept: group.winner.id, removed: r.applied ? removed : [], message: r.message };
}

export interface FixStyleResult {
  applied: boolean;
  message: string;
}

/** "Fix All in This Style": the file's fix-all (every merge, every URL upgrade), as the Source Action gives it. */
export async function fixStyle(deps: FixDeps, uri: vscode.Uri | undefined): Promise<FixStyleResult> {
  const doc =
    uri &&
    (await vscode.workspace.openTextDocument(uri).then(
      (d) => d,
      () => undefined,
    ));
  if (!doc) {
    const message = 'Select a style in the Training Versions view.';
    void vscode.window.showWarningMessage(`Training Versions: ${message}`);
    return { applied: false, message };
  }
  const file = deps.index.forDocument(doc);
  const edits = fixAllEditsFor(file.analysis);
  if (edits.length === 0) {
    const message = file.analysis.writable
      ? `Nothing to fix in ${vscode.workspace.asRelativePath(doc.uri)}: no duplicates to merge and no S3 URL to upgrade.`
      : `${vscode.workspace.asRelativePath(doc.uri)} does not parse: fix its JSON first (see the Problems panel).`;
    void vscode.window.showInformationMessage(`Training Versions: ${message}`);
    return { applied: false, message };
  }
  // Counted as the clean-up plans them (a regular URL inside a group goes with its merge).
  const plan = planCleanup(file.analysis);
  const merges = plan.merges.length;
  const urls = plan.urlUpgrades.length;
  const what = [
    merges && `merged ${merges} duplicate ${merges === 1 ? 'group' : 'groups'}`,
    urls && `upgraded ${urls} S3 ${urls === 1 ? 'URL' : 'URLs'}`,
  ]
    .filter(Boolean)
    .join(' and ');
  const r = await applyOneFileFix(deps, file, edits, what.charAt(0).toUpperCase() + what.slice(1));
  return { applied: r.applied, message: r.message };
}

/** Applies one file's fix as an editor edit (no backup) and says what changed, with Undo. */
async function applyOneFileFix(
  deps: FixDeps,
  file: IndexedFile,
  edits: TextEdit[],
  what: string,
): Promise<{ applied: boolean; message: string }> {
  const where = vscode.workspace.asRelativePath(file.uri);
  const applied = await applyPlannedEdits([{ uri: file.uri, text: file.text, edits }], { backups: false });
  if (!applied.applied) {
    const message = `The change to ${where} was not applied: the file changed meanwhile. Try again.`;
    deps.log.warn(message);
    void vscode.window.showWarningMessage(`Training Versions: ${message}`);
    return { applied: false, message };
  }
  const message = deps.writes.notifyWritten('information', `${what} in ${where}.`, applied);
  return { applied: true, message };
}
