/**
 * SPEC.md §4, the pure half of RunPod: parsing a status response (or webhook
 * body), mapping it to the property changes of an entry, choosing which entries
 * to ask about, planning the text edits of a check, and matching a webhook
 * payload to its entry. No I/O: the HTTP client lives in services/runpod.ts.
 */
import { isPlainObject } from './document';
import { describeVersion } from './duplicates';
import { applyEdits, type TextEdit } from './edits';
import { type Analysis, analyze } from './findings';
import { baseJobId, parseModelStem, parseS3Url } from './identity';
import { type PropertyChange, setPropertiesEdits } from './jsonEdit';
import { upgradeUrl } from './merge';
import { IN_FLIGHT, type Version, type VersionStatus, isEmptyValue, str } from './versions';

export const DEFAULT_RUNPOD_API_URL = 'https://api.runpod.ai/v2';

export const RUNPOD_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const;
export type RunpodStatus = (typeof RUNPOD_STATUSES)[number];

/** §4 status map. */
export const STATUS_MAP: Record<RunpodStatus, VersionStatus> = {
  IN_QUEUE: 'pending',
  IN_PROGRESS: 'training',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'failed',
  TIMED_OUT: 'failed',
};

/** Where the hint for an expired job points: the evidence that remains. */
export const EXPIRED_HINT =
  'RunPod no longer holds this job (results are kept about 30 min after completion, job data at most the job TTL, 24 h by default). ' +
  'This is not a failure: run an S3 sync to find its model file.';

/** A status response (or webhook body) that passed validation. */
export interface RunpodJobResult {
  /** The job id RunPod answered for (absent only when the response left it out). */
  id?: string;
  status: RunpodStatus;
  output?: unknown;
  error?: unknown;
  /** The whole parsed body. */
  raw: Record<string, unknown>;
}

/** True for a status after which the job never changes again. */
export function isFinished(status: RunpodStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED' || status === 'TIMED_OUT';
}

/** Parses and validates a status response / webhook body; never throws. */
export function parseStatusBody(text: string): { ok: true; result: RunpodJobResult } | { ok: false; message: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, message: `the response is not JSON (${excerpt(text)})` };
  }
  return validateStatusBody(body);
}

/** Validates an already parsed status response / webhook body. */
export function validateStatusBody(body: unknown): { ok: true; result: RunpodJobResult } | { ok: false; message: string } {
  if (!isPlainObject(body)) return { ok: false, message: 'the response is not a JSON object' };
  const status = body.status;
  if (typeof status !== 'string') return { ok: false, message: 'the response has no "status"' };
  if (!(RUNPOD_STATUSES as readonly string[]).includes(status)) {
    return { ok: false, message: `unknown RunPod status "${excerpt(status)}" (expected one of ${RUNPOD_STATUSES.join(', ')})` };
  }
  if (body.id !== undefined && (typeof body.id !== 'string' || body.id === '')) return { ok: false, message: '"id" of the response is not a job id' };
  return { ok: true, result: { id: body.id as string | undefined, status: status as RunpodStatus, output: body.output, error: body.error, raw: body } };
}

/** A short, single-line excerpt of a body for messages. */
export function excerpt(text: string, max = 120): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one === '') return 'empty body';
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** Replaces every occurrence of `secret` (and its URL-encoded form) in `text`. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let out = text.split(secret).join('***');
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) out = out.split(encoded).join('***');
  return out;
}

/** RunPod's `error` as the string the file stores: objects are stringified. */
export function stringifyError(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error.trim() === '' ? undefined : error;
  if (typeof error === 'object') {
    const s = JSON.stringify(error);
    return s === '{}' || s === '[]' ? undefined : s;
  }
  return String(error);
}

/** The model URL carried by `output` (`loraUrl`, `lora_url` or `url`), when it is an http(s) URL. */
export function loraUrlOfOutput(output: unknown): string | undefined {
  if (!isPlainObject(output)) return undefined;
  for (const key of ['loraUrl', 'lora_url', 'url']) {
    const v = output[key];
    if (typeof v === 'string' && /^https?:\/\/\S+$/i.test(v.trim())) return v.trim();
  }
  return undefined;
}

/**
 * The loraUrl to store when RunPod reports `incoming`, or undefined to keep the
 * current one. §1: an accelerated URL is never replaced by a regular one; a
 * regular URL is upgraded when preferred; another spelling of the same object
 * is not churn worth writing unless it is the accelerated one.
 */
export function chooseLoraUrl(current: string | undefined, incoming: string, preferAccelerated: boolean): string | undefined {
  const next = (preferAccelerated ? upgradeUrl(incoming) : undefined) ?? incoming;
  if (current === undefined || current === '') return next;
  if (current === next) return undefined;
  const cur = parseS3Url(current);
  const nxt = parseS3Url(next);
  const nextAccelerated = nxt?.accelerated === true;
  if (cur?.accelerated && !nextAccelerated) return undefined;
  if (cur && nxt && cur.bucket === nxt.bucket && cur.key === nxt.key) return nextAccelerated && !cur.accelerated ? next : undefined;
  return next;
}

/** A timestamp RunPod (or the handler's output) gave for `key`, as ISO 8601. */
export function responseTimestamp(result: RunpodJobResult, key: 'completedAt' | 'failedAt'): string | undefined {
  const snake = key === 'completedAt' ? 'completed_at' : 'failed_at';
  const sources = [result.raw, isPlainObject(result.output) ? result.output : undefined];
  for (const src of sources) {
    if (!src) continue;
    for (const k of [key, snake]) {
      const iso = toIso(src[k]);
      if (iso !== undefined) return iso;
    }
  }
  return undefined;
}

function toIso(v: unknown): string | undefined {
  let ms: number;
  if (typeof v === 'string' && v.trim() !== '') ms = Date.parse(v);
  else if (typeof v === 'number' && Number.isFinite(v) && v > 0) ms = v < 1e11 ? v * 1000 : v; // seconds or milliseconds
  else return undefined;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export interface StatusUpdateOptions {
  /** The time of the check (ms since epoch): completedAt / failedAt when RunPod gives none. */
  now: number;
  /** Upgrade a regular S3 URL from the output to its accelerated form (default true). */
  preferAcceleratedUrls?: boolean;
}

/** What one RunPod result does to one entry. */
export interface StatusUpdate {
  /** The entry's status after the update. */
  status: VersionStatus;
  /** Property changes; only values that differ from the entry's (a second application yields none). */
  changes: PropertyChange[];
  /** True while RunPod still works on the job (the entry's status is pending/training). */
  running: boolean;
  /** Why something RunPod said was not applied. */
  notes: string[];
}

/** Maps a RunPod result to the property changes of `version` (SPEC.md §4). */
export function statusUpdate(version: Version, result: RunpodJobResult, options: StatusUpdateOptions): StatusUpdate {
  const v = version.value;
  const current = str(v, 'status');
  const target = STATUS_MAP[result.status];
  const notes: string[] = [];
  const changes: PropertyChange[] = [];
  const set = (key: string, value: string) => {
    if (v[key] !== value) changes.push({ key, raw: JSON.stringify(value) });
  };
  const nowIso = new Date(options.now).toISOString();

  if (current === 'completed' && target !== 'completed') {
    // A completed entry names a model that exists; a later attempt's state does not undo it.
    notes.push(`RunPod reports ${result.status}, but the entry is already completed; kept as completed.`);
    return { status: 'completed', changes, running: false, notes };
  }
  set('status', target);
  if (result.status === 'COMPLETED') {
    const at = responseTimestamp(result, 'completedAt');
    if (at !== undefined) set('completedAt', at);
    else if (isEmptyValue(v.completedAt)) set('completedAt', nowIso);
    const url = loraUrlOfOutput(result.output);
    if (url !== undefined) {
      const current = str(v, 'loraUrl');
      const chosen = chooseLoraUrl(current, url, options.preferAcceleratedUrls ?? true);
      if (chosen !== undefined) set('loraUrl', chosen);
      else if (current !== undefined && current !== url && parseS3Url(current)?.accelerated && !parseS3Url(url)?.accelerated) {
        notes.push(`kept the accelerated loraUrl rather than RunPod's regular ${url}.`);
      }
    } else if (isEmptyValue(v.loraUrl)) {
      notes.push('RunPod gave no model URL (output.loraUrl, output.lora_url or output.url); an S3 sync can fill loraUrl.');
    }
  } else if (target === 'failed') {
    const at = responseTimestamp(result, 'failedAt');
    if (at !== undefined) set('failedAt', at);
    else if (isEmptyValue(v.failedAt) || current !== 'failed') set('failedAt', nowIso);
    const message = stringifyError(result.error);
    if (message !== undefined) set('error', message);
    else if (isEmptyValue(v.error)) set('error', `RunPod reported ${result.status}`);
  } else if (current === 'failed') {
    notes.push(`RunPod runs the job again (${result.status}); the earlier error and failedAt are left in place.`);
  }
  return { status: target, changes, running: IN_FLIGHT.includes(target), notes };
}

// ---------------------------------------------------------------------------
// Which entries a check asks about.

/** An entry whose job status is asked. */
export interface StatusTarget {
  version: Version;
  id: string;
  baseId: string;
}

export interface SkippedEntry {
  version: Version;
  reason: string;
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
      skipped.push({ version: v, reason: `"${v.id}" is an S3 file stem, not a RunPod job id; an S3 sync keeps this entry current.` });
      continue;
    }
    targets.push({ version: v, id: v.id, baseId: baseJobId(v.id) });
  }
  return { targets, skipped };
}

// ---------------------------------------------------------------------------
// Planning a check: lookups per base id → per-entry reports and edits.

/** What was learned about one job (one base id). */
export type JobLookup =
  | { kind: 'result'; result: RunpodJobResult }
  | { kind: 'expired'; detail?: string }
  | { kind: 'error'; message: string }
  | { kind: 'not-checked'; message: string };

export type JobOutcome = 'updated' | 'unchanged' | 'expired' | 'error' | 'skipped' | 'not-checked';

/** The result of a check for one entry. */
export interface JobReport {
  index: number;
  id: string;
  baseId: string;
  /** `"V8" (id)` for messages. */
  label: string;
  outcome: JobOutcome;
  /** RunPod still works on the job. */
  running: boolean;
  /** The entry's status before and after. */
  from?: string;
  to?: string;
  runpodStatus?: RunpodStatus;
  /** Keys the update sets. */
  fields: string[];
  message: string;
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
  unusable?: string;
}

/** Plans one file from the lookups of its targets. Edits come only from `setPropertiesEdits`. */
export function planStatusFile(
  path: string,
  analysis: Analysis,
  selection: { targets: StatusTarget[]; skipped: SkippedEntry[] },
  lookups: ReadonlyMap<string, JobLookup>,
  options: StatusUpdateOptions,
): FileStatusPlan {
  const text = analysis.doc.text;
  if (!analysis.writable) {
    const first = analysis.findings.find((f) => f.severity === 'error');
    return { path, text, jobs: [], edits: [], newText: text, changed: false, unusable: first ? `${first.code}: ${first.message}` : 'not a training_versions.json' };
  }
  const jobs: JobReport[] = [];
  const edits: TextEdit[] = [];
  for (const s of selection.skipped) {
    const id = s.version.id ?? '';
    jobs.push({ index: s.version.index, id, baseId: baseJobId(id), label: describeVersion(s.version), outcome: 'skipped', running: false, fields: [], message: s.reason });
  }
  for (const t of selection.targets) {
    const base = { index: t.version.index, id: t.id, baseId: t.baseId, label: describeVersion(t.version), from: str(t.version.value, 'status'), fields: [] as string[] };
    const lookup = lookups.get(t.baseId) ?? { kind: 'not-checked', message: 'not checked' };
    if (lookup.kind === 'expired') {
      jobs.push({ ...base, outcome: 'expired', running: false, to: base.from, message: `${EXPIRED_HINT} Status kept${base.from ? ` "${base.from}"` : ''}.` });
      continue;
    }
    if (lookup.kind === 'error' || lookup.kind === 'not-checked') {
      jobs.push({ ...base, outcome: lookup.kind, running: false, to: base.from, message: lookup.message });
      continue;
    }
    const r = lookup.result;
    if (r.id !== undefined && baseJobId(r.id) !== t.baseId) {
      jobs.push({ ...base, outcome: 'error', running: false, to: base.from, message: `RunPod answered for another job (${r.id}); nothing changed.` });
      continue;
    }
    const u = statusUpdate(t.version, r, options);
    edits.push(...setPropertiesEdits(analysis.doc, t.version.node, u.changes));
    const fields = u.changes.map((c) => c.key);
    const sets = u.changes.map((c) => `${c.key} ${excerpt(c.raw, 100)}`).join(', ');
    const what = u.changes.length === 0 ? `no change (RunPod: ${r.status})` : `${base.from ?? '(no status)'} → ${u.status} (RunPod: ${r.status}); sets ${sets}`;
    jobs.push({ ...base, outcome: u.changes.length ? 'updated' : 'unchanged', running: u.running, to: u.status, runpodStatus: r.status, fields, message: [what, ...u.notes].join('; ') });
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
  errors: number;
  skipped: number;
  notChecked: number;
  /** Files whose text changes. */
  filesChanged: number;
}

export function summarizeStatus(files: readonly FileStatusPlan[]): StatusSummary {
  const s: StatusSummary = { checked: 0, updated: 0, unchanged: 0, running: 0, expired: 0, errors: 0, skipped: 0, notChecked: 0, filesChanged: 0 };
  for (const f of files) {
    if (f.changed) s.filesChanged++;
    for (const j of f.jobs) {
      if (j.outcome !== 'skipped') s.checked++;
      if (j.running) s.running++;
      if (j.outcome === 'updated') s.updated++;
      else if (j.outcome === 'unchanged') s.unchanged++;
      else if (j.outcome === 'expired') s.expired++;
      else if (j.outcome === 'error') s.errors++;
      else if (j.outcome === 'skipped') s.skipped++;
      else s.notChecked++;
    }
  }
  return s;
}

/** One line: "2 updated, 1 still running, 1 expired, 0 errors". */
export function describeSummary(s: StatusSummary): string {
  const parts = [`${s.updated} updated`, `${s.running} still running`, `${s.expired} expired`, `${s.errors} error${s.errors === 1 ? '' : 's'}`];
  if (s.notChecked) parts.push(`${s.notChecked} not checked`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  let line = parts.join(', ');
  if (s.expired) line += '. Expired jobs keep their status: run an S3 sync to find their model files';
  return line;
}

/** What a `runpod.pollSeconds` loop does after a check. */
export interface PollDecision {
  again: boolean;
  delayMs: number;
  reason: string;
}

/** Poll again while jobs are running; stop when none are left, on errors, or when polling is off. */
export function pollDecision(summary: StatusSummary, pollSeconds: number, stopped?: { message: string }): PollDecision {
  const delayMs = Math.max(0, pollSeconds) * 1000;
  if (!(pollSeconds > 0)) return { again: false, delayMs, reason: 'polling is off (runpod.pollSeconds is 0)' };
  if (stopped) return { again: false, delayMs, reason: `stopped: ${stopped.message}` };
  if (summary.errors > 0) return { again: false, delayMs, reason: `stopped after ${summary.errors} error${summary.errors === 1 ? '' : 's'}` };
  if (summary.running === 0) return { again: false, delayMs, reason: 'no job is running any more' };
  return { again: true, delayMs, reason: `${summary.running} job${summary.running === 1 ? '' : 's'} still running` };
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// ---------------------------------------------------------------------------
// Webhooks.

export interface WebhookMatch {
  version: Version;
  by: 'id' | 'base-id';
  /** Other entries of the same job (duplicates a cleanup merges). */
  others: Version[];
}

/**
 * The entry a webhook for `jobId` updates (the seed's handler): an exact id
 * match first, else an entry whose base id equals the payload id, else equal base ids.
 */
export function matchWebhookEntry(versions: readonly Version[], jobId: string): WebhookMatch | undefined {
  const base = baseJobId(jobId);
  const tiers: ((v: Version) => boolean)[] = [(v) => v.id === jobId, (v) => v.baseId === jobId, (v) => v.baseId === base];
  for (let t = 0; t < tiers.length; t++) {
    const hit = versions.find(tiers[t]);
    if (hit) {
      return { version: hit, by: t === 0 ? 'id' : 'base-id', others: versions.filter((v) => v !== hit && v.baseId === base) };
    }
  }
  return undefined;
}

export interface WebhookOptions extends StatusUpdateOptions {
  styleId?: string;
}

export type WebhookApplyResult =
  | {
      ok: true;
      versionId: string;
      index: number;
      by: 'id' | 'base-id';
      status: VersionStatus;
      fields: string[];
      edits: TextEdit[];
      newText: string;
      changed: boolean;
      message: string;
    }
  | { ok: false; reason: 'invalid-payload' | 'invalid-file' | 'no-match'; message: string };

/** Applies a webhook body (the same JSON as a status response) to a training_versions.json text. */
export function applyWebhookPayload(text: string, payloadText: string, options: WebhookOptions): WebhookApplyResult {
  const parsed = parseStatusBody(payloadText);
  if (!parsed.ok) return { ok: false, reason: 'invalid-payload', message: `Not a RunPod webhook payload: ${parsed.message}. Paste the JSON body RunPod sent ({ "id", "status", "output", ... }).` };
  const result = parsed.result;
  if (result.id === undefined) return { ok: false, reason: 'invalid-payload', message: 'Not a RunPod webhook payload: it has no "id", so it cannot be matched to a version.' };
  const analysis = analyze(text, { styleId: options.styleId, preferAcceleratedUrls: options.preferAcceleratedUrls, now: options.now });
  if (!analysis.writable) {
    const first = analysis.findings.find((f) => f.severity === 'error');
    return { ok: false, reason: 'invalid-file', message: `The file cannot be updated: ${first ? first.message : 'it is not a training_versions.json'}` };
  }
  const match = matchWebhookEntry(analysis.versions, result.id);
  if (!match) {
    return { ok: false, reason: 'no-match', message: `No version matches job ${result.id} (neither its id nor its base id ${baseJobId(result.id)}); nothing changed. Check that the payload belongs to this style's file.` };
  }
  const u = statusUpdate(match.version, result, options);
  const edits = setPropertiesEdits(analysis.doc, match.version.node, u.changes);
  const newText = edits.length ? applyEdits(text, edits) : text;
  const label = describeVersion(match.version);
  const what = u.changes.length ? `${label} is now ${u.status} (sets ${u.changes.map((c) => c.key).join(', ')})` : `${label} already reflects ${result.status}; nothing changed`;
  const extra = [...u.notes];
  if (match.others.length) extra.push(`${match.others.length} other entr${match.others.length === 1 ? 'y is' : 'ies are'} the same job: run a cleanup to merge them`);
  return {
    ok: true,
    versionId: match.version.id!,
    index: match.version.index,
    by: match.by,
    status: u.status,
    fields: u.changes.map((c) => c.key),
    edits,
    newText,
    changed: newText !== text,
    message: [what, ...extra].join('; ') + '.',
  };
}
