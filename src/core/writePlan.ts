/**
 * What a workspace write (Clean Up, Sync from S3) will do, file by file, as data:
 * the edits, the text before and after, and the changes in the domain's terms
 * (which entry is kept and why, which URL is upgraded, which entry is added).
 * The decision's summary is counted from these planned files only, so it says
 * exactly what *Apply* writes (SPEC.md §9). Sentences are made at the edge.
 */
import type { CleanupPlan } from './cleanup';
import type { DuplicateGroup } from './duplicates';
import type { TextEdit } from './edits';
import type { FileSyncPlan, SyncMatchRule } from './s3Sync';
import { hasParameters, str } from './versions';

/** Why the kept entry of a group wins (§2 priority), against the runner-up. */
export type KeptReason = 'parameters' | 'completedAt' | 'newest' | 'first';

/** One change of a planned file, in the domain's terms. */
export type FileChange =
  | { kind: 'merge'; kept: string; because: KeptReason; removed: { label: string; rule: string }[] }
  | { kind: 'upgrade-url'; label: string }
  | { kind: 'add'; label: string }
  | { kind: 'update'; label: string; rule: SyncMatchRule; fields: string[]; urlUpgraded: boolean }
  | { kind: 'resync'; label: string };

/** One file a write changes. `path` is whatever the caller names files by. */
export interface PlannedWrite {
  path: string;
  /** The text the edits were planned on. */
  oldText: string;
  newText: string;
  edits: TextEdit[];
  changes: FileChange[];
}

/** The numbers of a decision's summary. */
export interface WriteTotals {
  files: number;
  /** Duplicate groups merged, and the entries they remove. */
  groupsMerged: number;
  entriesRemoved: number;
  /** Regular S3 URLs rewritten to the accelerated form (clean-up upgrades and sync updates). */
  urlsUpgraded: number;
  entriesAdded: number;
  /** Sync: entries whose loraUrl or status change. */
  entriesUpdated: number;
  /** Sync: entries where only `lastSynced` moves. */
  entriesResynced: number;
}

/** Why `group.winner` is kept over the next member (the first §2 rule that tells them apart). */
export function keptReason(group: DuplicateGroup): KeptReason {
  const w = group.winner,
    next = group.members[1];
  if (!next) return 'first';
  if (hasParameters(w.value) !== hasParameters(next.value)) return 'parameters';
  if (!!str(w.value, 'completedAt') !== !!str(next.value, 'completedAt')) return 'completedAt';
  // Same on both: the timestamp decides unless it is equal or missing (then the position does).
  return timeOf(w) !== timeOf(next) ? 'newest' : 'first';
}

function timeOf(v: DuplicateGroup['winner']): number {
  const t = str(v.value, 'timestamp');
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/** A clean-up of one analysed file (`oldText`: the text it was planned on) as a planned write; undefined when it changes nothing. */
export function cleanupWrite(
  path: string,
  oldText: string,
  plan: CleanupPlan,
  groups: readonly DuplicateGroup[],
): PlannedWrite | undefined {
  if (!plan.changed) return undefined;
  const changes: FileChange[] = [];
  plan.merges.forEach((m, i) => {
    const g = groups[i];
    changes.push({
      kind: 'merge',
      kept: m.kept.label,
      because: g ? keptReason(g) : 'first',
      removed: m.removed.map((r) => ({ label: r.label, rule: r.rule })),
    });
  });
  for (const u of plan.urlUpgrades) changes.push({ kind: 'upgrade-url', label: u.label });
  return { path, oldText, newText: plan.newText, edits: plan.edits, changes };
}

/** One file of an S3 sync as a planned write (undefined when it changes nothing). */
export function syncWrite(path: string, oldText: string, plan: FileSyncPlan): PlannedWrite | undefined {
  if (!plan.changed) return undefined;
  const changes: FileChange[] = [];
  for (const u of plan.updates) {
    const fields = u.changes.map((c) => c.field);
    if (fields.every((f) => f === 'lastSynced')) {
      changes.push({ kind: 'resync', label: u.label });
      continue;
    }
    const url = u.changes.find((c) => c.field === 'loraUrl');
    changes.push({
      kind: 'update',
      label: u.label,
      rule: u.rule,
      fields: fields.filter((f) => f !== 'lastSynced'),
      urlUpgraded: url !== undefined && typeof url.from === 'string' && url.from !== '',
    });
  }
  for (const a of plan.additions) changes.push({ kind: 'add', label: JSON.stringify(String(a.entry.id)) });
  return { path, oldText, newText: plan.newText, edits: plan.edits, changes };
}

/** The summary's numbers: counted from the planned files (only those with edits). */
export function totalsOf(files: readonly PlannedWrite[]): WriteTotals {
  const t: WriteTotals = {
    files: 0,
    groupsMerged: 0,
    entriesRemoved: 0,
    urlsUpgraded: 0,
    entriesAdded: 0,
    entriesUpdated: 0,
    entriesResynced: 0,
  };
  for (const f of files) {
    if (f.edits.length === 0) continue;
    t.files++;
    for (const c of f.changes) {
      if (c.kind === 'merge') {
        t.groupsMerged++;
        t.entriesRemoved += c.removed.length;
      } else if (c.kind === 'upgrade-url') t.urlsUpgraded++;
      else if (c.kind === 'add') t.entriesAdded++;
      else if (c.kind === 'update') {
        t.entriesUpdated++;
        if (c.urlUpgraded) t.urlsUpgraded++;
      } else t.entriesResynced++;
    }
  }
  return t;
}
