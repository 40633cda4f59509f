/**
 * Staying inside RunPod's limits (2000 `/status` requests per 10 s and 400 at
 * once, per endpoint): a bound on requests in flight, a sliding 10-second
 * window of request starts, a pause every request honours after a 429, and
 * the wait before a retry (Retry-After, else jittered backoff).
 */
import { setTimeout as delay } from 'node:timers/promises';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or early when `signal` aborts (the caller looks at its signal). */
export const defaultSleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted
  }
};

/** Counts permits; waiters are served in order. */
export class Semaphore {
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

export interface RateWindowOptions {
  maxPerWindow: number;
  windowMs: number;
  sleep: Sleep;
  now: () => number;
  log?: (line: string) => void;
}

/** Request starts per sliding window, and a pause every start waits for (set by a 429). */
export class RateWindow {
  /** Start times of recent requests, oldest first. */
  private readonly starts: number[] = [];
  private chain: Promise<void> = Promise.resolve();
  private pausedUntil = 0;
  constructor(private readonly o: RateWindowOptions) {}

  /** No request starts before `ms` from now (the limit is the endpoint's, not one request's). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.o.now() + ms);
  }

  /**
   * Waits until a request may start. Requests pass one at a time, in order.
   * Each wait is taken once (then the oldest start counts as out of the
   * window), so a clock that does not move cannot spin this.
   */
  pass(signal?: AbortSignal): Promise<void> {
    const next = this.chain.then(async () => {
      const pause = this.pausedUntil - this.o.now();
      if (pause > 0 && !signal?.aborted) {
        this.o.log?.(`rate-limited: every request waits ${pause} ms`);
        await this.o.sleep(pause, signal);
      }
      const now = this.o.now();
      while (this.starts.length && this.starts[0] <= now - this.o.windowMs) this.starts.shift();
      if (this.starts.length >= this.o.maxPerWindow && !signal?.aborted) {
        const wait = this.starts[0] + this.o.windowMs - now;
        this.o.log?.(`${this.o.maxPerWindow} requests in ${this.o.windowMs} ms: waiting ${wait} ms`);
        await this.o.sleep(wait, signal);
        this.starts.shift();
      }
      this.starts.push(this.o.now());
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry `attempt` (1-based) when RunPod sent no Retry-After:
 * exponential from `baseMs`, capped at the rate window, with jitter (between
 * half and all of it) so that many clients do not come back at the same moment.
 */
export function backoffDelay(attempt: number, baseMs: number, windowMs: number, random: () => number): number {
  const ceiling = Math.min(windowMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(1, Math.max(0, random())));
}
