/**
 * The RunPod status check, once (SPEC.md §4), for the CLI and the editor:
 * which entries to ask about, asking RunPod (the stored id first, the base id
 * only after a 404, one request per distinct id, a bounded number at once),
 * the endpoint's /health beside it, the plan of every file, and the write.
 * What differs per surface is injected: the clients (one per endpoint), the
 * clock, progress, cancellation and the writer. No vscode, no wording beyond
 * data: each surface renders the result (flows/statusText.ts has the shared words).
 */
import { analyze, type Analysis } from '../core/findings';
import { baseJobId, styleIdOfFolder } from '../core/identity';
import type { RunpodFailure, StopReason } from '../core/runpodFailure';
import {
  type FileStatusPlan,
  type JobLookup,
  type StatusSummary,
  planStatusFile,
  selectStatusTargets,
  summarizeStatus,
} from '../core/runpodPlan';
import type { RunpodHealth, RunpodJobResult } from '../core/runpodSchemas';
import { isFinished } from '../core/runpodStatus';
import { styleFolderOf } from '../services/files';
import type { RunpodAnswer, RunpodApi, RunpodRequestStats } from '../services/runpodClient';

/** Finished results (and ids RunPod did not know) remembered for a session, by stored id. Owned by the caller. */
export type StatusCache = Map<string, JobLookup>;

export function createStatusCache(): StatusCache {
  return new Map();
}

/** A file to check: its path and text, and its analysis when the caller already has one. */
export interface StatusFileInput {
  path: string;
  text: string;
  analysis?: Analysis;
}

/** Files whose jobs ran on one endpoint, and the client that asks it. */
export interface StatusGroup {
  client: RunpodApi & { stats?: RunpodRequestStats };
  files: readonly StatusFileInput[];
  preferAcceleratedUrls?: boolean;
}

export interface StatusProgress {
  done: number;
  total: number;
  jobId: string;
}

export interface StatusCheckOptions<W> {
  /** Check only the version with this id (or base id), whatever its status. */
  only?: string;
  /** The clock of the check: completedAt / failedAt, and the age that tells expired from not found. */
  now: () => number;
  /** Finished results from earlier checks of this session: not asked again. */
  cache?: StatusCache;
  progress?: (p: StatusProgress) => void;
  signal?: AbortSignal;
  /** Ask each endpoint's /health too (default true). */
  health?: boolean;
  /** Jobs asked at once per endpoint (default 8; the client bounds its own requests too). */
  concurrency?: number;
  /**
   * Writes the changed files. Not called when nothing changed, when RunPod
   * refused the key (nothing changes then, not even what an earlier answer
   * said) or when the check was cancelled.
   */
  write?: (changed: FileStatusPlan[]) => Promise<W>;
}

/** The endpoint's queue and workers, asked beside the status requests. */
export interface EndpointHealth {
  host: string;
  endpointId: string;
  answer: RunpodAnswer<RunpodHealth>;
}

export type StatusNote =
  /** `only` was given and no file has that version. */
  | { kind: 'no-such-version'; only: string; files: number }
  /** RunPod knew none of the jobs asked: worth a word about the endpoint id. */
  | { kind: 'none-known'; count: number };

export interface StatusCheckResult<W = unknown> {
  files: FileStatusPlan[];
  summary: StatusSummary;
  /** Set when the run stopped before asking about every job. */
  stopped?: { reason: StopReason; failure?: RunpodFailure };
  notes: StatusNote[];
  health: EndpointHealth[];
  /** Requests made, 429s met, retries and time waited for them, over every endpoint. */
  requests: RunpodRequestStats;
  /** What `write` returned, when it was called. */
  written?: W;
}

interface Prepared {
  file: StatusFileInput;
  analysis: Analysis;
  selection: ReturnType<typeof selectStatusTargets>;
  preferAcceleratedUrls: boolean;
}

/** Runs a status check over every group; see the module comment. */
export async function runStatusCheck<W = unknown>(
  groups: readonly StatusGroup[],
  options: StatusCheckOptions<W>,
): Promise<StatusCheckResult<W>> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let stopped: StatusCheckResult['stopped'];
  const lookups = new Map<string, JobLookup>();
  const health: EndpointHealth[] = [];
  const prepared: Prepared[] = [];
  const requests: RunpodRequestStats = { requests: 0, rateLimited: 0, retries: 0, waitedMs: 0 };
  const analysisNow = options.now();

  for (const g of groups) {
    for (const file of g.files) {
      const analysis =
        file.analysis ??
        analyze(file.text, {
          styleId: styleIdOfFolder(styleFolderOf(file.path)),
          preferAcceleratedUrls: g.preferAcceleratedUrls,
          now: analysisNow,
        });
      prepared.push({
        file,
        analysis,
        selection: selectStatusTargets(analysis, options.only),
        preferAcceleratedUrls: g.preferAcceleratedUrls ?? true,
      });
    }
  }
  const total = new Set(prepared.flatMap((p) => p.selection.targets.map((t) => t.id))).size;
  let done = 0;
  const tick = (jobId: string) => options.progress?.({ done: ++done, total, jobId });

  try {
    let offset = 0;
    for (const g of groups) {
      const mine = prepared.slice(offset, offset + g.files.length);
      offset += g.files.length;
      const ids = [...new Set(mine.flatMap((p) => p.selection.targets.map((t) => t.id)))].filter((id) => !lookups.has(id));
      if (ids.length === 0 || stopped) continue;
      const before = g.client.stats ? { ...g.client.stats } : undefined;
      const healthAnswer = options.health === false ? undefined : g.client.health(stop.signal);
      await askAll(g.client, ids, lookups, {
        cache: options.cache,
        signal: stop.signal,
        concurrency: options.concurrency ?? 8,
        tick,
        onStop: (reason, failure) => {
          if (stopped) return;
          stopped = { reason, failure };
          stop.abort();
        },
      });
      if (healthAnswer) health.push({ host: g.client.host, endpointId: g.client.endpointId, answer: await healthAnswer });
      if (before && g.client.stats) {
        for (const k of Object.keys(requests) as (keyof RunpodRequestStats)[]) requests[k] += g.client.stats[k] - before[k];
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (!stopped && options.signal?.aborted) stopped = { reason: 'cancelled' };
  if (stopped) {
    for (const p of prepared)
      for (const t of p.selection.targets) if (!lookups.has(t.id)) lookups.set(t.id, { kind: 'not-checked', reason: stopped.reason });
  }

  const at = options.now();
  const files = prepared.map((p) =>
    planStatusFile(p.file.path, p.analysis, p.selection, lookups, { now: at, preferAcceleratedUrls: p.preferAcceleratedUrls }),
  );
  const summary = summarizeStatus(files);
  const notes: StatusNote[] = [];
  if (options.only !== undefined && prepared.every((p) => p.selection.targets.length === 0 && p.selection.skipped.length === 0)) {
    notes.push({ kind: 'no-such-version', only: options.only, files: prepared.length });
  }
  const unknownIds = summary.expired + summary.notFound;
  if (unknownIds > 1 && unknownIds === summary.checked) notes.push({ kind: 'none-known', count: unknownIds });

  const result: StatusCheckResult<W> = { files, summary, stopped, notes, health, requests };
  const changed = files.filter((f) => f.changed);
  if (options.write && changed.length && stopped?.reason !== 'unauthorized' && stopped?.reason !== 'cancelled') {
    result.written = await options.write(changed);
  }
  return result;
}

interface AskOptions {
  cache?: StatusCache;
  signal: AbortSignal;
  concurrency: number;
  tick: (jobId: string) => void;
  onStop: (reason: StopReason, failure?: RunpodFailure) => void;
}

/**
 * Asks about every id with a fixed number of workers (so the abort signal
 * never gathers more listeners than that, however many jobs there are).
 * Each id exactly as stored first; only on a 404, its base id; every id
 * (stored or base) is requested at most once per check.
 */
async function askAll(client: RunpodApi, ids: readonly string[], lookups: Map<string, JobLookup>, o: AskOptions): Promise<void> {
  const requested = new Map<string, Promise<RunpodAnswer<RunpodJobResult>>>();
  const ask = (id: string) => {
    let p = requested.get(id);
    if (!p) requested.set(id, (p = client.status(id, o.signal)));
    return p;
  };
  const settle = (a: RunpodAnswer<RunpodJobResult>): boolean => {
    if (a.kind === 'failure' && (a.failure.kind === 'unauthorized' || a.failure.kind === 'rate-limited')) {
      o.onStop(a.failure.kind, a.failure);
      return true;
    }
    return false;
  };
  const one = async (id: string): Promise<JobLookup | undefined> => {
    const first = await ask(id);
    if (first.kind === 'cancelled') return undefined;
    if (first.kind === 'ok') return { kind: 'result', result: first.value, askedAs: 'id' };
    if (first.kind === 'failure') return settle(first) ? undefined : { kind: 'error', failure: first.failure };
    const base = baseJobId(id);
    if (base === id) return { kind: 'unknown-id', asked: [id] };
    const second = await ask(base);
    if (second.kind === 'cancelled') return undefined;
    if (second.kind === 'ok') return { kind: 'result', result: second.value, askedAs: 'base-id' };
    if (second.kind === 'failure') return settle(second) ? undefined : { kind: 'error', failure: second.failure };
    return { kind: 'unknown-id', asked: [id, base] };
  };
  let next = 0;
  const worker = async () => {
    while (next < ids.length && !o.signal.aborted) {
      const id = ids[next++];
      const cached = o.cache?.get(id);
      if (cached) {
        lookups.set(id, cached);
        o.tick(id);
        continue;
      }
      const lookup = await one(id);
      if (lookup) {
        lookups.set(id, lookup);
        const finished = (lookup.kind === 'result' && isFinished(lookup.result.status)) || lookup.kind === 'unknown-id';
        if (o.cache && finished) o.cache.set(id, lookup);
        o.tick(id);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, ids.length)) }, worker));
}
