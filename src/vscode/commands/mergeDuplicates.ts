/**
 * "Merge Duplicates" on a version row: the merge of that version's duplicate
 * group, exactly as the quick fix and the engine do it (SPEC.md §2), written
 * through the editor (one undoable edit, backup per the `backups` setting,
 * saved when the document was clean).
 */
import * as vscode from 'vscode';
import { describeVersion } from '../../core/duplicates';
import { mergeGroupEdits } from '../../core/merge';
import { applyPlannedEdits } from '../applyPlannedEdits';
import type { CommandDeps } from './deps';
import { notFound, resolveVersion, versionRefOf } from './treeVersion';

export interface MergeResult {
  applied: boolean;
  /** The kept entry's id. */
  kept?: string;
  removed: string[];
  message: string;
}

export async function mergeDuplicates(deps: CommandDeps, arg: unknown): Promise<MergeResult> {
  const ref = versionRefOf(arg);
  const found = ref && (await resolveVersion(deps.index, ref));
  if (!found) {
    const message = notFound(ref);
    void vscode.window.showWarningMessage(`Training Versions: ${message}`);
    return { applied: false, removed: [], message };
  }
  const { doc, file, version } = found;
  const group = file.analysis.writable ? file.analysis.groups.find((g) => g.members.includes(version)) : undefined;
  if (!group) {
    const message = `${describeVersion(version)} has no duplicate to merge with (anymore).`;
    void vscode.window.showInformationMessage(`Training Versions: ${message}`);
    return { applied: false, removed: [], message };
  }
  const edits = mergeGroupEdits(file.analysis.doc, group);
  const result = await applyPlannedEdits([{ uri: doc.uri, text: file.text, edits }]);
  const removed = group.members.slice(1).map((m) => m.id ?? `#${m.index + 1}`);
  const where = vscode.workspace.asRelativePath(doc.uri);
  if (!result.applied) {
    const message = `The merge in ${where} was not applied: the file changed meanwhile. Try again.`;
    deps.log.warn(message);
    void vscode.window.showWarningMessage(`Training Versions: ${message}`);
    return { applied: false, kept: group.winner.id, removed: [], message };
  }
  const message = `Merged ${group.members.length - 1} duplicate ${group.members.length === 2 ? 'entry' : 'entries'} into ${describeVersion(group.winner)} in ${where}.`;
  deps.log.info(message);
  void vscode.window.showInformationMessage(`Training Versions: ${message}`);
  return { applied: true, kept: group.winner.id, removed, message };
}
