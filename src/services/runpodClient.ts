/**
 * The RunPod serverless client (Node's fetch): `GET /status/<id>` with the id
 * exactly as given, `GET /health`, `POST /cancel/<id>`. Every request times
 * out; 429 and 5xx are retried a bounded number of times (Retry-After
 * honoured, else jittered backoff across the 10-second window); requests in
 * flight and per window are bounded. The key goes into the Authorization
 * header only and is redacted from everything this returns or logs.
 * Answers are data (`RunpodAnswer`): expected cases are values, not exceptions.
 */
import { excerpt, redactSecret } from '../core/redact';
import type { RunpodFailure } from '../core/runpodFailure';
import {
  type Parsed,
  type RunpodHealth,
  type RunpodJobResult,
  parseCancelBody,
  parseHealthBody,
  parseStatusBody,
} from '../core/runpodSchemas';
import { DEFAULT_RUNPOD_API_URL } from '../core/runpodStatus';
import { isHttpUrl } from '../core/s3Url';
import { RateWindow, Semaphore, type Sleep, backoffDelay, defaultSleep, parseRetryAfter } from './runpodRateWindow';

/** What is wrong with the configuration a client was given (each surface words it). */
export type RunpodConfigProblem = 'api-url' | 'endpoint-id' | 'api-key' | 'api-key-characters';

/** A client that cannot work as configured. The message never holds the key. */
export class RunpodConfigError extends Error {
  constructor(
    readonly problem: RunpodConfigProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface RunpodClientOptions {
  /** Default `https://api.runpod.ai/v2`. */
  apiUrl?: string;
  endpointId: string;
  apiKey: string;
  /** `bearer` (`Authorization: Bearer <key>`, RunPod's SDKs; the default) or `bare` (`Authorization: <key>`, RunPod's curl examples). */
  auth?: 'bearer' | 'bare';
  /** Per request, including reading the body. Default 15 000. */
  timeoutMs?: number;
  /** Retries of a 429 / 5xx answer. Default 3. */
  maxRetries?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** Request starts per `windowMs` (RunPod allows 2000 per 10 s per endpoint). Default 1000. */
  maxRequestsPerWindow?: number;
  windowMs?: number;
  /** First backoff delay when no Retry-After is given; doubles per retry, capped at the window, jittered. Default 1000. */
  backoffMs?: number;
  /** Longest wait the client accepts before a retry; a longer Retry-After ends the retries. Default 30 000. */
  maxRetryWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: Sleep;
  now?: () => number;
  /** In [0, 1): the jitter of the backoff. Default Math.random. */
  random?: () => number;
  /** Receives one line per request / retry; the key is already redacted. */
  log?: (line: string) => void;
}

export type RunpodAnswer<T> =
  | { kind: 'ok'; value: T; attempts: number }
  /** 404: RunPod does not know this id now (body such as `redis err: client is nil`). */
  | { kind: 'not-found'; attempts: number; detail: string }
  | { kind: 'failure'; failure: RunpodFailure }
  | { kind: 'cancelled' };

/** What a status check (and tests) need of a client. */
export interface RunpodApi {
  readonly host: string;
  readonly endpointId: string;
  status(jobId: string, signal?: AbortSignal): Promise<RunpodAnswer<RunpodJobResult>>;
  health(signal?: AbortSignal): Promise<RunpodAnswer<RunpodHealth>>;
  cancel(jobId: string, signal?: AbortSignal): Promise<RunpodAnswer<{ id?: string; status: string }>>;
}

/** Requests made by one client, for the report: how hard the rate limit pushed back. */
export interface RunpodRequestStats {
  requests: number;
  rateLimited: number;
  retries: number;
  waitedMs: number;
}

type Attempt =
  | { kind: 'response'; status: number; body: string; retryAfter: string | null }
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'network-error'; message: string };

export class RunpodClient implements RunpodApi {
  readonly apiUrl: string;
  readonly host: string;
  readonly endpointId: string;
  readonly stats: RunpodRequestStats = { requests: 0, rateLimited: 0, retries: 0, waitedMs: 0 };
  private readonly authorization: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly windowMs: number;
  private readonly maxRetryWaitMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly logFn?: (line: string) => void;
  private readonly slots: Semaphore;
  private readonly window: RateWindow;

  constructor(options: RunpodClientOptions) {
    const apiUrl = (options.apiUrl ?? DEFAULT_RUNPOD_API_URL).trim().replace(/\/+$/, '');
    if (!isHttpUrl(apiUrl))
      throw new RunpodConfigError('api-url', `The RunPod API URL must be an http(s) URL, not "${redactSecret(apiUrl, options.apiKey)}".`);
    const endpointId = (options.endpointId ?? '').trim();
    if (!endpointId) throw new RunpodConfigError('endpoint-id', 'No RunPod endpoint id.');
    if (!options.apiKey) throw new RunpodConfigError('api-key', 'No RunPod API key.');
    // Checked here so that fetch never builds (and echoes) an invalid header from the key.
    if (!/^[\x21-\x7e]+$/.test(options.apiKey))
      throw new RunpodConfigError(
        'api-key-characters',
        'The RunPod API key contains spaces, line breaks or other characters an HTTP header cannot carry.',
      );
    this.apiUrl = apiUrl;
    this.host = new URL(apiUrl).host;
    this.endpointId = endpointId;
    this.apiKey = options.apiKey;
    this.authorization = options.auth === 'bare' ? options.apiKey : `Bearer ${options.apiKey}`;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 3);
    this.windowMs = options.windowMs ?? 10_000;
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.logFn = options.log;
    this.slots = new Semaphore(Math.max(1, options.concurrency ?? 8));
    this.window = new RateWindow({
      maxPerWindow: Math.max(1, options.maxRequestsPerWindow ?? 1000),
      windowMs: this.windowMs,
      sleep: this.sleep,
      now: this.now,
      log: (l) => this.log(l),
    });
  }

  /** The URL of `path` under this endpoint (`status/<id>`, `health`, `cancel/<id>`). */
  url(path: string): string {
    return `${this.apiUrl}/${encodeURIComponent(this.endpointId)}/${path}`;
  }

  /** Asks RunPod for the status of `jobId`, exactly as given. Never throws for HTTP or network outcomes. */
  status(jobId: string, signal?: AbortSignal): Promise<RunpodAnswer<RunpodJobResult>> {
    return this.request('GET', `status/${encodeURIComponent(jobId)}`, jobId, parseStatusBody, signal);
  }

  /** The endpoint's queue and workers. */
  health(signal?: AbortSignal): Promise<RunpodAnswer<RunpodHealth>> {
    return this.request('GET', 'health', undefined, parseHealthBody, signal);
  }

  /** Cancels one job (the id exactly as given): only on the user's explicit request. */
  cancel(jobId: string, signal?: AbortSignal): Promise<RunpodAnswer<{ id?: string; status: string }>> {
    return this.request('POST', `cancel/${encodeURIComponent(jobId)}`, jobId, parseCancelBody, signal);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    jobId: string | undefined,
    parse: (text: string) => Parsed<T>,
    signal?: AbortSignal,
  ): Promise<RunpodAnswer<T>> {
    const url = this.url(path);
    const fail = (f: Omit<RunpodFailure, 'host' | 'endpointId' | 'jobId'>): RunpodAnswer<T> => ({
      kind: 'failure',
      failure: { host: this.host, endpointId: this.endpointId, jobId, ...f },
    });
    for (let attempt = 1; ; attempt++) {
      const a = await this.attempt(method, url, signal);
      if (a.kind === 'cancelled') return { kind: 'cancelled' };
      if (a.kind === 'timeout') {
        this.log(`${method} ${url}: no answer within ${this.timeoutMs} ms`);
        return fail({ kind: 'timeout', attempts: attempt, timeoutMs: this.timeoutMs });
      }
      if (a.kind === 'network-error') {
        this.log(`${method} ${url}: ${a.message}`);
        return fail({ kind: 'network-error', attempts: attempt, detail: a.message });
      }
      const { status, body } = a;
      this.log(`${method} ${url} → ${status}`);
      if (status === 429 || status >= 500) {
        const limited = status === 429;
        if (limited) this.stats.rateLimited++;
        const asked = parseRetryAfter(a.retryAfter, this.now());
        const wait = asked ?? backoffDelay(attempt, this.backoffMs, this.windowMs, this.random);
        if (attempt > this.maxRetries || wait > this.maxRetryWaitMs) {
          return fail({
            kind: limited ? 'rate-limited' : 'http-error',
            status,
            attempts: attempt,
            detail: limited ? undefined : excerpt(body),
            retryAfterMs: wait > this.maxRetryWaitMs ? wait : undefined,
          });
        }
        this.stats.retries++;
        this.stats.waitedMs += wait;
        this.log(
          `${jobId ? `job ${jobId}` : path}: ` +
            `${limited ? 'rate-limited (429)' : `server error ${status}`}, retry ${attempt} of ` +
            `${this.maxRetries} in ${wait} ms${asked !== undefined ? ' (Retry-After)' : ''}`,
        );
        if (limited) {
          // The limit is the endpoint's: every request of this client waits, at the window.
          this.window.pause(wait);
        } else {
          await this.sleep(wait, signal);
          if (signal?.aborted) return { kind: 'cancelled' };
        }
        continue;
      }
      if (status === 401 || status === 403) return fail({ kind: 'unauthorized', status, attempts: attempt });
      if (status === 404) return { kind: 'not-found', attempts: attempt, detail: excerpt(body) };
      if (status < 200 || status >= 300) return fail({ kind: 'http-error', status, attempts: attempt, detail: excerpt(body) });
      const parsed = parse(body);
      if (!parsed.ok) return fail({ kind: 'malformed', status, attempts: attempt, detail: parsed.problem });
      return { kind: 'ok', value: parsed.value, attempts: attempt };
    }
  }

  private async attempt(method: string, url: string, signal?: AbortSignal): Promise<Attempt> {
    if (!(await this.slots.acquire(signal))) return { kind: 'cancelled' };
    try {
      await this.window.pass(signal);
      if (signal?.aborted) return { kind: 'cancelled' };
      this.stats.requests++;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
      const onAbort = () => timeout.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const res = await this.fetchFn(url, {
          method,
          headers: { authorization: this.authorization, accept: 'application/json' },
          signal: timeout.signal,
        });
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
