/**
 * The RunPod status client (Node's fetch) and `checkStatuses`, the check that
 * both the CLI and the editor run. Every request times out; 429 and 5xx are
 * retried with backoff (Retry-After honoured), a bounded number of times; the
 * number of requests in flight and per 10 s window is bounded. The API key goes
 * into the `authorization` header only and is redacted from every message.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type Analysis, analyze } from '../core/findings';
import { baseJobId, styleIdOfFolder } from '../core/identity';
import {
  DEFAULT_RUNPOD_API_URL, type FileStatusPlan, type JobLookup, type PollDecision, type RunpodJobResult, type StatusSummary, excerpt,
  isFinished, parseRetryAfter, parseStatusBody, planStatusFile, pollDecision, redactSecret, selectStatusTargets, summarizeStatus,
} from '../core/runpod';
import { styleFolderOf } from './files';

/** A client that cannot work as configured (missing endpoint id, unusable key). */
export class RunpodConfigError extends Error {}

export interface RunpodClientOptions {
  /** Default `https://api.runpod.ai/v2`. */
  apiUrl?: string;
  endpointId: string;
  apiKey: string;
  /** Per request, including reading the body. Default 15 000. */
  timeoutMs?: number;
  /** Retries of a 429 / 5xx answer. Default 3. */
  maxRetries?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** Request starts per `windowMs` (RunPod allows 2000 per 10 s per endpoint). Default 1000. */
  maxRequestsPerWindow?: number;
  windowMs?: number;
  /** First backoff delay when no Retry-After is given; doubles per retry. Default 500. */
  backoffMs?: number;
  /** Longest wait the client accepts before a retry; a longer Retry-After ends the retries. Default 30 000. */
  maxRetryWaitMs?: number;
  fetch?: typeof fetch;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Receives one line per request / retry; the key is already redacted. */
  log?: (line: string) => void;
}

/** The answer to one status request: expected cases are values, not exceptions. */
export type StatusResponse =
  | { kind: 'ok'; result: RunpodJobResult; attempts: number }
  | { kind: 'expired'; message: string; attempts: number }
  | { kind: 'unauthorized'; status: number; message: string; attempts: number }
  | { kind: 'rate-limited'; message: string; attempts: number }
  | { kind: 'timeout'; message: string; attempts: number }
  | { kind: 'http-error'; status: number; message: string; attempts: number }
  | { kind: 'malformed'; message: string; attempts: number }
  | { kind: 'network-error'; message: string; attempts: number }
  | { kind: 'cancelled'; message: string; attempts: number };

type Attempt =
  | { kind: 'response'; status: number; body: string; retryAfter: string | null }
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'network-error'; message: string };

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the caller looks at its signal
  }
};

/** Counts permits; waiters are served in order. */
class Semaphore {
  private free: number;
  private readonly waiters: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    if (this.free > 0) {
      this.free--;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

/** GET <apiUrl>/<endpointId>/status/<baseId> with retries, timeouts and bounds. */
export class RunpodClient {
  readonly apiUrl: string;
  readonly endpointId: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxPerWindow: number;
  private readonly windowMs: number;
  private readonly backoffMs: number;
  private readonly maxRetryWaitMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly logFn?: (line: string) => void;
  private readonly slots: Semaphore;
  /** Start times of recent requests, oldest first (the rate window). */
  private readonly starts: number[] = [];
  private gateChain: Promise<void> = Promise.resolve();
  /** No request starts before this time (set by a 429). */
  private pausedUntil = 0;

  constructor(options: RunpodClientOptions) {
    const apiUrl = (options.apiUrl ?? DEFAULT_RUNPOD_API_URL).trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[^/\s]+/i.test(apiUrl)) throw new RunpodConfigError(`The RunPod API URL must be an http(s) URL, not "${redactSecret(apiUrl, options.apiKey)}".`);
    const endpointId = (options.endpointId ?? '').trim();
    if (!endpointId) throw new RunpodConfigError('No RunPod endpoint id: set it (CLI: --endpoint-id; editor: trainingVersions.runpod.endpointId).');
    if (!options.apiKey) throw new RunpodConfigError('No RunPod API key (CLI: environment RUNPOD_API_KEY; editor: Training Versions: Set RunPod API Key).');
    // Checked here so that fetch never builds (and echoes) an invalid header from the key.
    if (!/^[\x21-\x7e]+$/.test(options.apiKey)) throw new RunpodConfigError('The RunPod API key contains spaces, line breaks or other characters an HTTP header cannot carry; set it again without them.');
    this.apiUrl = apiUrl;
    this.endpointId = endpointId;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 3);
    this.maxPerWindow = Math.max(1, options.maxRequestsPerWindow ?? 1000);
    this.windowMs = options.windowMs ?? 10_000;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.logFn = options.log;
    this.slots = new Semaphore(Math.max(1, options.concurrency ?? 8));
  }

  /** The status URL of a job (base id, suffix stripped). */
  statusUrl(jobId: string): string {
    return `${this.apiUrl}/${encodeURIComponent(this.endpointId)}/status/${encodeURIComponent(baseJobId(jobId))}`;
  }

  /** Asks RunPod for the status of `jobId` (its base id). Never throws for HTTP or network outcomes. */
  async status(jobId: string, signal?: AbortSignal): Promise<StatusResponse> {
    const base = baseJobId(jobId);
    const url = this.statusUrl(jobId);
    for (let attempt = 1; ; attempt++) {
      const a = await this.attempt(url, signal);
      const retriesLeft = attempt <= this.maxRetries;
      if (a.kind === 'cancelled') return { kind: 'cancelled', message: `job ${base}: cancelled`, attempts: attempt };
      if (a.kind === 'timeout') {
        this.log(`GET ${url}: no answer within ${this.timeoutMs} ms`);
        return { kind: 'timeout', message: `job ${base}: RunPod did not answer within ${this.timeoutMs} ms; try again later (or raise the timeout).`, attempts: attempt };
      }
      if (a.kind === 'network-error') {
        this.log(`GET ${url}: ${a.message}`);
        return { kind: 'network-error', message: this.redact(`job ${base}: cannot reach ${this.apiUrl}: ${a.message}`), attempts: attempt };
      }
      const { status, body } = a;
      this.log(`GET ${url} → ${status}`);
      if (status === 429 || status >= 500) {
        const limited = status === 429;
        const wait = parseRetryAfter(a.retryAfter, this.now()) ?? this.backoffMs * 2 ** (attempt - 1);
        const done = (reason: string): StatusResponse =>
          limited
            ? { kind: 'rate-limited', message: `job ${base}: RunPod rate-limited the request ${reason}; wait a moment and try again.`, attempts: attempt }
            : { kind: 'http-error', status, message: this.redact(`job ${base}: RunPod answered ${status} ${reason} (${excerpt(body)}); try again later.`), attempts: attempt };
        if (!retriesLeft) return done(`${attempt} time${attempt === 1 ? '' : 's'}`);
        if (wait > this.maxRetryWaitMs) return done(`and asked to wait ${Math.ceil(wait / 1000)} s`);
        this.log(`job ${base}: ${limited ? 'rate-limited (429)' : `server error ${status}`}, retry ${attempt} of ${this.maxRetries} in ${wait} ms`);
        if (limited) {
          // The limit is the endpoint's: every request of this client waits, at the gate.
          this.pausedUntil = Math.max(this.pausedUntil, this.now() + wait);
        } else {
          await this.sleep(wait, signal);
          if (signal?.aborted) return { kind: 'cancelled', message: `job ${base}: cancelled`, attempts: attempt };
        }
        continue;
      }
      if (status === 401 || status === 403) {
        return { kind: 'unauthorized', status, message: `RunPod refused the API key (${status}): set a valid key (CLI: environment RUNPOD_API_KEY; editor: Training Versions: Set RunPod API Key) with access to endpoint ${this.endpointId}.`, attempts: attempt };
      }
      if (status === 404) {
        return { kind: 'expired', message: this.redact(`job ${base}: RunPod no longer holds this job (404: ${excerpt(body)})`), attempts: attempt };
      }
      if (status < 200 || status >= 300) {
        return { kind: 'http-error', status, message: this.redact(`job ${base}: RunPod answered ${status} (${excerpt(body)}).`), attempts: attempt };
      }
      const parsed = parseStatusBody(body);
      if (!parsed.ok) return { kind: 'malformed', message: this.redact(`job ${base}: unexpected answer from RunPod: ${parsed.message}; nothing changed.`), attempts: attempt };
      return { kind: 'ok', result: parsed.result, attempts: attempt };
    }
  }

  private async attempt(url: string, signal?: AbortSignal): Promise<Attempt> {
    if (!(await this.slots.acquire(signal))) return { kind: 'cancelled' };
    try {
      await this.gate(signal);
      if (signal?.aborted) return { kind: 'cancelled' };
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
      const onAbort = () => timeout.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const res = await this.fetchFn(url, { method: 'GET', headers: { authorization: this.apiKey, accept: 'application/json' }, signal: timeout.signal });
        // Redacted before anything quotes or cuts it: an excerpt must not carry part of the key either.
        const body = this.redact(await res.text());
        return { kind: 'response', status: res.status, body, retryAfter: res.headers.get('retry-after') };
      } catch (e) {
        if (signal?.aborted) return { kind: 'cancelled' };
        if (timeout.signal.aborted) return { kind: 'timeout' };
        return { kind: 'network-error', message: this.redact(describeFetchError(e)) };
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    } finally {
      this.slots.release();
    }
  }

  /**
   * Waits until a request may start: after a 429's pause, and within the rate
   * window. Requests pass one at a time, in order. Each wait is taken once
   * (then the oldest start counts as out of the window), so a clock that does
   * not move cannot spin this.
   */
  private gate(signal?: AbortSignal): Promise<void> {
    const pass = this.gateChain.then(async () => {
      const pause = this.pausedUntil - this.now();
      if (pause > 0 && !signal?.aborted) {
        this.log(`rate-limited: every request waits ${pause} ms`);
        await this.sleep(pause, signal);
      }
      const now = this.now();
      while (this.starts.length && this.starts[0] <= now - this.windowMs) this.starts.shift();
      if (this.starts.length >= this.maxPerWindow && !signal?.aborted) {
        const wait = this.starts[0] + this.windowMs - now;
        this.log(`${this.maxPerWindow} requests in ${this.windowMs} ms: waiting ${wait} ms`);
        await this.sleep(wait, signal);
        this.starts.shift();
      }
      this.starts.push(this.now());
    });
    this.gateChain = pass.catch(() => undefined);
    return pass;
  }

  private redact(s: string): string {
    return redactSecret(s, this.apiKey);
  }

  private log(line: string): void {
    this.logFn?.(this.redact(line));
  }
}

function describeFetchError(e: unknown): string {
  const err = e as { message?: string; cause?: { message?: string; code?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return [err.message ?? String(e), cause].filter(Boolean).join(': ');
}

/** Finished results (and expired jobs) remembered for a session, by base id. Owned by the caller. */
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

export interface CheckStatusOptions {
  /** Check only the version with this id (or base id), whatever its status. */
  only?: string;
  /** Time of the check; default Date.now. */
  now?: () => number;
  preferAcceleratedUrls?: boolean;
  /** Finished results from earlier checks of this session: not asked again. */
  cache?: StatusCache;
}

export interface StatusProgress {
  done: number;
  total: number;
  jobId: string;
}

export interface StatusCheckResult {
  files: FileStatusPlan[];
  summary: StatusSummary;
  /** Set when the run stopped before asking about every job (bad key, rate limit, cancellation). */
  stopped?: { reason: 'unauthorized' | 'rate-limited' | 'cancelled'; message: string };
  /** General notes (e.g. no version with the requested id). */
  notes: string[];
}

/**
 * Asks RunPod about every in-flight entry of `files` (one request per base id)
 * and plans the edits. Writes nothing: the caller shows the plan and writes
 * `newText` of the changed files. A 401/403 or an exhausted rate limit stops
 * the run: jobs not yet asked are reported as not checked.
 */
export async function checkStatuses(
  files: readonly StatusFileInput[],
  client: Pick<RunpodClient, 'status'>,
  options: CheckStatusOptions = {},
  progress?: (p: StatusProgress) => void,
  signal?: AbortSignal,
): Promise<StatusCheckResult> {
  const now = options.now ?? Date.now;
  const prepared = files.map((f) => {
    const analysis = f.analysis ?? analyze(f.text, { styleId: styleIdOfFolder(styleFolderOf(f.path)), preferAcceleratedUrls: options.preferAcceleratedUrls });
    return { file: f, analysis, selection: selectStatusTargets(analysis, options.only) };
  });
  const bases = [...new Set(prepared.flatMap((p) => p.selection.targets.map((t) => t.baseId)))];
  const lookups = new Map<string, JobLookup>();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop.abort();
  let stopped: StatusCheckResult['stopped'];
  let done = 0;
  const tick = (jobId: string) => progress?.({ done: ++done, total: bases.length, jobId });

  try {
    await Promise.all(
      bases.map(async (base) => {
        const cached = options.cache?.get(base);
        if (cached) {
          lookups.set(base, cached);
          tick(base);
          return;
        }
        if (stop.signal.aborted) return;
        const r = await client.status(base, stop.signal);
        const lookup = toLookup(r);
        if (lookup) {
          lookups.set(base, lookup);
          if (options.cache && ((lookup.kind === 'result' && isFinished(lookup.result.status)) || lookup.kind === 'expired')) options.cache.set(base, lookup);
        }
        if ((r.kind === 'unauthorized' || r.kind === 'rate-limited') && !stopped) {
          stopped = { reason: r.kind, message: r.message };
          stop.abort();
        }
        tick(base);
      }),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (!stopped && signal?.aborted) stopped = { reason: 'cancelled', message: 'The status check was cancelled.' };
  if (stopped) {
    const why = stopped.reason === 'unauthorized' ? 'stopped after RunPod refused the API key' : stopped.reason === 'rate-limited' ? 'stopped after RunPod kept rate-limiting' : 'the check was cancelled';
    for (const b of bases) if (!lookups.has(b)) lookups.set(b, { kind: 'not-checked', message: `not checked: ${why}.` });
  }
  const at = now();
  const plans = prepared.map((p) => planStatusFile(p.file.path, p.analysis, p.selection, lookups, { now: at, preferAcceleratedUrls: options.preferAcceleratedUrls }));
  const notes: string[] = [];
  if (options.only !== undefined && prepared.every((p) => p.selection.targets.length === 0 && p.selection.skipped.length === 0)) {
    notes.push(`No version with the id "${options.only}" (or that base id) in ${files.length} file${files.length === 1 ? '' : 's'}.`);
  }
  const summary = summarizeStatus(plans);
  if (summary.expired > 1 && summary.expired === summary.checked) {
    // A wrong endpoint id also answers 404 for every job: worth a word when nothing was found at all.
    notes.push('RunPod knew none of these jobs. If some are recent, check that the endpoint id is the one they ran on.');
  }
  return { files: plans, summary, stopped, notes };
}

function toLookup(r: StatusResponse): JobLookup | undefined {
  switch (r.kind) {
    case 'ok':
      return { kind: 'result', result: r.result };
    case 'expired':
      return { kind: 'expired', detail: r.message };
    case 'cancelled':
      return undefined;
    default:
      return { kind: 'error', message: r.message };
  }
}

export interface StatusPollerOptions {
  /** `runpod.pollSeconds`; 0 or less: polling is off. */
  pollSeconds: number;
  /** One check (it writes what it found); the poller looks at its summary to decide whether to go on. */
  check: (signal: AbortSignal) => Promise<StatusCheckResult>;
  /** After every check, with the decision taken. */
  onResult?: (result: StatusCheckResult, decision: PollDecision) => void;
  /** A check threw: polling stops. */
  onError?: (error: unknown) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * A `runpod.pollSeconds` loop: check, then check again after pollSeconds while
 * jobs are running; stop when none are left, on errors, or on `stop()`.
 * Timers are injectable so the editor (and tests) drive it.
 */
export class StatusPoller {
  private timer: unknown;
  private inFlight: AbortController | undefined;
  private disposed = false;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: StatusPollerOptions) {
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** True while a check runs or the next one is scheduled. */
  get active(): boolean {
    return this.timer !== undefined || this.inFlight !== undefined;
  }

  /** Starts polling (a check now, or after one interval); false when polling is off or already on. */
  start(immediately = true): boolean {
    if (this.disposed || this.active || !(this.options.pollSeconds > 0)) return false;
    if (immediately) void this.tick();
    else this.timer = this.setTimer(() => void this.tick(), this.options.pollSeconds * 1000);
    return true;
  }

  /** Cancels the scheduled check and the one running. */
  stop(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    const ac = new AbortController();
    this.inFlight = ac;
    try {
      const result = await this.options.check(ac.signal);
      if (ac.signal.aborted) return;
      const decision = pollDecision(result.summary, this.options.pollSeconds, result.stopped);
      this.options.onResult?.(result, decision);
      if (decision.again && !this.disposed) this.timer = this.setTimer(() => void this.tick(), decision.delayMs);
    } catch (e) {
      if (!ac.signal.aborted) this.options.onError?.(e);
    } finally {
      if (this.inFlight === ac) this.inFlight = undefined;
    }
  }
}
