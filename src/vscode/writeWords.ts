/**
 * The editor's sentences for workspace writes (Clean Up, Sync from S3): the
 * decision's summary, the review's labels, the notification after an apply.
 * Pure (no `vscode` import), so node tests read exactly what the user reads;
 * the numbers come from `core/writePlan.ts`.
 */
import type { FileChange, KeptReason, PlannedWrite, WriteTotals } from '../core/writePlan';

export type WriteFlow = 'cleanup' | 'sync';

export const FLOW_TITLES: Record<WriteFlow, string> = { cleanup: 'Clean Up Workspace', sync: 'Sync from S3' };

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** "a, b and c" */
function joinAnd(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What the flow will do, as verbs in the imperative ("merge 3 duplicate groups", "upgrade 1 URL"). */
function plannedParts(flow: WriteFlow, t: WriteTotals): string[] {
  if (flow === 'cleanup') {
    return [
      t.groupsMerged ? `merge ${plural(t.groupsMerged, 'duplicate group')}` : '',
      t.urlsUpgraded ? `upgrade ${plural(t.urlsUpgraded, 'URL')}` : '',
    ].filter(Boolean);
  }
  return [
    t.entriesAdded ? `add ${plural(t.entriesAdded, 'entry', 'entries')}` : '',
    t.entriesUpdated
      ? `update ${plural(t.entriesUpdated, 'entry', 'entries')}${t.urlsUpgraded ? ` (${plural(t.urlsUpgraded, 'URL')} upgraded)` : ''}`
      : '',
    t.entriesResynced ? `mark ${plural(t.entriesResynced, 'entry', 'entries')} as synced` : '',
  ].filter(Boolean);
}

/** The decision's one-line summary: "Merge 3 duplicate groups and upgrade 1 URL in 4 files." */
export function decisionSummary(flow: WriteFlow, t: WriteTotals): string {
  const parts = plannedParts(flow, t);
  return `${capital(joinAnd(parts.length ? parts : ['change']))} in ${plural(t.files, 'file')}.`;
}

const KEPT_WORDS: Record<KeptReason, string> = {
  parameters: 'it has the training parameters',
  completedAt: 'it has completedAt',
  newest: 'it is the newest',
  first: 'it comes first in the file',
};

/** One change of a file, in words ("keep "V7" (it has the training parameters), remove "style_1_vV7" (same S3 object)"). */
export function changeWords(c: FileChange): string {
  switch (c.kind) {
    case 'merge':
      return `keep ${c.kept} (${KEPT_WORDS[c.because]}), remove ${c.removed.map((r) => `${r.label} (${r.rule})`).join(', ')}`;
    case 'upgrade-url':
      return `upgrade the URL of ${c.label} to S3 Transfer Acceleration`;
    case 'add':
      return `add ${c.label}`;
    case 'update':
      return `update ${c.label}: ${c.fields.join(', ')}`;
    case 'resync':
      return `mark ${c.label} as synced`;
  }
}

/** The decision's detail: one line per file, then what happens to backups. */
export function decisionDetail(files: readonly { name: string; write: PlannedWrite }[], backups: number): string {
  const lines = files.map(({ name, write }) => `${name}: ${write.changes.map(changeWords).join('; ')}.`);
  lines.push(
    backups > 0
      ? `Apply writes every change above as one edit (Undo takes it back) and first copies ` +
          `${backups === files.length ? (files.length === 1 ? 'the file' : 'each file') : plural(backups, 'file')} to training_versions.json.backup.`
      : 'Apply writes every change above as one edit (Undo takes it back); no backup (trainingVersions.backups is off).',
  );
  return lines.join('\n');
}

/** The review's label of one file: its style folder and what changes, without a `/` (it is shown as a path). */
export function reviewLabel(name: string, write: PlannedWrite): string {
  const folder = name.replace(/\/training_versions\.json$/, '');
  return `${folder} — ${write.changes.map(changeWords).join('; ')}`.replace(/[/\\]/g, '∕');
}

/** The review's title: "Review Clean Up Workspace: Merge 3 duplicate groups and upgrade 1 URL" (the editor adds "(4 files)"). */
export function reviewTitle(flow: WriteFlow, t: WriteTotals): string {
  return `Review ${FLOW_TITLES[flow]}: ${decisionSummary(flow, t).replace(/ in \d+ files?\.$/, '')}`;
}

/** What was written, in the past tense ("Merged 3 duplicate groups (4 entries removed) and upgraded 1 URL in 4 files."). */
export function appliedSummary(flow: WriteFlow, t: WriteTotals): string {
  const parts =
    flow === 'cleanup'
      ? [
          t.groupsMerged
            ? `merged ${plural(t.groupsMerged, 'duplicate group')} (${plural(t.entriesRemoved, 'entry', 'entries')} removed)`
            : '',
          t.urlsUpgraded ? `upgraded ${plural(t.urlsUpgraded, 'URL')}` : '',
        ]
      : [
          t.entriesAdded ? `added ${plural(t.entriesAdded, 'entry', 'entries')}` : '',
          t.entriesUpdated ? `updated ${plural(t.entriesUpdated, 'entry', 'entries')}` : '',
          t.entriesResynced ? `marked ${plural(t.entriesResynced, 'entry', 'entries')} as synced` : '',
        ];
  const done = parts.filter(Boolean);
  return `${capital(joinAnd(done.length ? done : ['changed']))} in ${plural(t.files, 'file')}.`;
}

/** The sentence about backups an apply wrote. */
export function backupsSentence(n: number): string {
  return n === 0
    ? ''
    : `Backups: ${n === 1 ? 'the previous text is' : `the previous texts of ${plural(n, 'file')} are`} in training_versions.json.backup.`;
}

/** Files an apply left alone because they changed after the plan was made. */
export function conflictsSentence(names: readonly string[], flow: WriteFlow): string {
  return names.length === 0
    ? ''
    : `${plural(names.length, 'file')} changed meanwhile and ` +
        `${names.length === 1 ? 'was' : 'were'} left alone (${names.join(', ')}): run ` +
        `${FLOW_TITLES[flow]} again.`;
}
