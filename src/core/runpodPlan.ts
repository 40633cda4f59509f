/**
 * SPEC.md §4, a status check without I/O: which entries to ask about, what was
 * learned per stored id (`JobLookup`), the per-entry reports and the text
 * edits of each file, and the counts. Reports are data; sentences are made by
 * the surfaces (flows/statusText.ts holds the words both share).
 */
import { describeVersion } from './duplicates';
import { applyEdits, type TextEdit } from './edits';
import type { Analysis } from './findings';
import { baseJobId, parseModelStem } from './identity';
import { setPropertiesEdits } from './jsonEdit';
import type { RunpodFailure, StopReason } from './runpodFailure';
import type { RunpodJobResult } from './runpodSchemas';
import { RESULT_RETENTION_MS } from './runpodStatus';
import { type StatusUpdateOptions, type UpdateNote, statusUpdate } from './runpodUpdate';
import { IN_FLIGHT, type Version, str } from './versions';

/** An entry whose job status is asked. */
export interface StatusTarget {
  version: Version;
  /** The id exactly as stored: asked first. */
  id: string;
  /** Asked once more only when `id` answers 404. */
  baseId: string;
}

export interface SkippedEntry {
  version: Version;
  reason: 'stem-id';
}

/**
 * The entries of an analysed file to ask RunPod about: every pending / starting
 * / training entry with a string id, or, with `only`, the entry of that id (or
 * base id) whatever its status. Ids that are S3 file stems are skipped: those
 * entries were written by the S3 sync and have no RunPod job.
 */
export function selectStatusTargets(analysis: Analysis, only?: string): { targets: StatusTarget[]; skipped: SkippedEntry[] } {
  const targets: StatusTarget[] = [];
  const skipped: SkippedEntry[] = [];
  if (!analysis.writable) return { targets, skipped };
  const onlyBase = only === undefined ? undefined : baseJobId(only);
  const exact = only !== undefined && analysis.versions.some((v) => v.id === only);
  for (const v of analysis.versions) {
    if (v.id === undefined || v.id === '') continue;
    if (only !== undefined) {
      if (exact ? v.id !== only : v.baseId !== onlyBase) continue;
    } else {
      const status = str(v.value, 'status');
      if (status === undefined || !IN_FLIGHT.includes(status)) continue;
    }
    if (parseModelStem(v.id)) {
      skipped.push({ version: v, reason: 'stem-id' });
      continue;
    }
    targets.push({ version: v, id: v.id, baseId: baseJobId(v.id) });
  }
  return { targets, skipped };
}

/** Which form of the id answered: the stored one, or the base id after a 404 (SPEC.md §1). */
export type AskedAs = 'id' | 'base-id';

/** What was learned about one stored id. */
export type JobLookup =
  | { kind: 'result'; result: RunpodJobResult; askedAs: AskedAs }
  /** 404 for every form asked (the stored id, then its base id when it differs). */
  | { kind: 'unknown-id'; asked: string[] }
  | { kind: 'error'; failure: RunpodFailure }
  | { kind: 'not-checked'; reason: StopReason };

export type JobOutcome = 'updated' | 'unchanged' | 'unknown-status' | 'expired' | 'not-found' | 'error' | 'skipped' | 'not-checked';

/** The result of a check for one entry: data only. */
export interface JobReport {
  index: number;
  id: string;
  baseId: string;
  /** `"V8" (id)`. */
  label: string;
  outcome: JobOutcome;
  /** RunPod still works on the job. */
  running: boolean;
  /** The entry's status before and after. */
  from?: string;
  to?: string;
  /** The status RunPod sent, as it sent it. */
  runpodStatus?: string;
  /** Which form of the id answered. */
  askedAs?: AskedAs;
  /** The id RunPod answered for, when it differs from the stored one. */
  answeredId?: string;
  /** Keys the update sets, with their new raw JSON values. */
  changes: { key: string; raw: string }[];
  notes: UpdateNote[];
  failure?: RunpodFailure;
  /** not-checked: why. */
  stopReason?: StopReason;
  /** skipped: why. */
  skipReason?: SkippedEntry['reason'];
  /** expired / not-found: the ids asked, and how old the entry is (from its `timestamp`). */
  asked?: string[];
  ageMs?: number;
}

/** The plan of one file: reports per entry, the edits and the resulting text. */
export interface FileStatusPlan {
  path: string;
  text: string;
  jobs: JobReport[];
  edits: TextEdit[];
  newText: string;
  changed: boolean;
  /** Set when the file is not usable (does not parse, no versions array): never written. */
  unusable?: { code: string; message: string };
}

export interface PlanOptions extends StatusUpdateOptions {
  /** A 404 for an entry older than this is *expired*, for a younger one *not found*. Default: RunPod's result retention (30 min). */
  retentionMs?: number;
}

function ageOf(v: Version, now: number): number | undefined {
  const t = str(v.value, 'timestamp');
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isNaN(ms) ? undefined : now - ms;
}

/** Plans one file from the lookups of its targets (keyed by stored id). Edits come only from `setPropertiesEdits`. */
export function planStatusFile(
  path: string,
  analysis: Analysis,
  selection: { targets: StatusTarget[]; skipped: SkippedEntry[] },
  lookups: ReadonlyMap<string, JobLookup>,
  options: PlanOptions,
): FileStatusPlan {
  const text = analysis.doc.text;
  if (!analysis.writable) {
    const first = analysis.findings.find((f) => f.severity === 'error');
    return {
      path,
      text,
      jobs: [],
      edits: [],
      newText: text,
      changed: false,
      unusable: first
        ? { code: first.code, message: first.message }
        : { code: 'not-training-versions', message: 'not a training_versions.json' },
    };
  }
  const retention = options.retentionMs ?? RESULT_RETENTION_MS;
  const jobs: JobReport[] = [];
  const edits: TextEdit[] = [];
  for (const s of selection.skipped) {
    const id = s.version.id ?? '';
    jobs.push({
      index: s.version.index,
      id,
      baseId: baseJobId(id),
      label: describeVersion(s.version),
      outcome: 'skipped',
      running: false,
      changes: [],
      notes: [],
      skipReason: s.reason,
    });
  }
  for (const t of selection.targets) {
    const from = str(t.version.value, 'status');
    const base = {
      index: t.version.index,
      id: t.id,
      baseId: t.baseId,
      label: describeVersion(t.version),
      from,
      to: from,
      running: false,
      changes: [],
      notes: [],
    };
    const lookup: JobLookup = lookups.get(t.id) ?? { kind: 'not-checked', reason: 'cancelled' };
    if (lookup.kind === 'unknown-id') {
      const ageMs = ageOf(t.version, options.now);
      // Without a timestamp the age is unknown: RunPod's retention is the likelier cause.
      const outcome = ageMs !== undefined && ageMs < retention ? 'not-found' : 'expired';
      jobs.push({ ...base, outcome, asked: lookup.asked, ageMs });
      continue;
    }
    if (lookup.kind === 'error') {
      jobs.push({ ...base, outcome: 'error', failure: lookup.failure });
      continue;
    }
    if (lookup.kind === 'not-checked') {
      jobs.push({ ...base, outcome: 'not-checked', stopReason: lookup.reason });
      continue;
    }
    const r = lookup.result;
    const answeredId = r.id !== undefined && r.id !== t.id ? r.id : undefined;
    if (r.id !== undefined && baseJobId(r.id) !== t.baseId) {
      jobs.push({
        ...base,
        outcome: 'error',
        runpodStatus: r.status,
        askedAs: lookup.askedAs,
        answeredId,
        failure: {
          kind: 'malformed',
          host: '',
          endpointId: '',
          jobId: t.id,
          attempts: 1,
          detail: `RunPod answered for another job (${r.id})`,
        },
      });
      continue;
    }
    const u = statusUpdate(t.version, r, options);
    edits.push(...setPropertiesEdits(analysis.doc, t.version.node, u.changes));
    const outcome = u.unknown ? 'unknown-status' : u.changes.length ? 'updated' : 'unchanged';
    jobs.push({
      ...base,
      outcome,
      running: u.running,
      to: u.status,
      runpodStatus: r.status,
      askedAs: lookup.askedAs,
      answeredId,
      changes: u.changes,
      notes: u.notes,
    });
  }
  jobs.sort((a, b) => a.index - b.index);
  const newText = edits.length ? applyEdits(text, edits) : text;
  return { path, text, jobs, edits, newText, changed: newText !== text };
}

/** Counts of a check, over every file. */
export interface StatusSummary {
  /** Entries asked about (targets). */
  checked: number;
  updated: number;
  unchanged: number;
  /** Entries whose job RunPod still works on. */
  running: number;
  expired: number;
  notFound: number;
  /** Entries RunPod answered with a status it does not document. */
  unknown: number;
  errors: number;
  skipped: number;
  notChecked: number;
  /** Entries answered only under their base id. */
  byBaseId: number;
  /** Files whose text changes. */
  filesChanged: number;
}

export function emptySummary(): StatusSummary {
  return {
    checked: 0,
    updated: 0,
    unchanged: 0,
    running: 0,
    expired: 0,
    notFound: 0,
    unknown: 0,
    errors: 0,
    skipped: 0,
    notChecked: 0,
    byBaseId: 0,
    filesChanged: 0,
  };
}

export function summarizeStatus(files: readonly FileStatusPlan[]): StatusSummary {
  const s = emptySummary();
  for (const f of files) {
    if (f.changed) s.filesChanged++;
    for (const j of f.jobs) {
      if (j.outcome !== 'skipped') s.checked++;
      if (j.running) s.running++;
      if (j.askedAs === 'base-id') s.byBaseId++;
      switch (j.outcome) {
        case 'updated':
          s.updated++;
          break;
        case 'unchanged':
          s.unchanged++;
          break;
        case 'unknown-status':
          s.unknown++;
          break;
        case 'expired':
          s.expired++;
          break;
        case 'not-found':
          s.notFound++;
          break;
        case 'error':
          s.errors++;
          break;
        case 'skipped':
          s.skipped++;
          break;
        case 'not-checked':
          s.notChecked++;
          break;
      }
    }
  }
  return s;
}
