/**
 * A `runpod.pollSeconds` loop: check, then check again after pollSeconds while
 * jobs are running; stop when none are left, on errors, or on `stop()`.
 * Timers are injectable so the editor (and tests) drive it.
 */
import type { StopReason } from '../core/runpodFailure';
import { type PollDecision, pollDecision } from '../core/runpodPoll';
import type { StatusSummary } from '../core/runpodPlan';

/** What the poller needs of a check's result. */
export interface PolledResult {
  summary: StatusSummary;
  stopped?: { reason: StopReason };
}

export interface StatusPollerOptions<R extends PolledResult> {
  /** `runpod.pollSeconds`; 0 or less: polling is off. */
  pollSeconds: number;
  /** One check (it writes what it found); the poller looks at its summary to decide whether to go on. */
  check: (signal: AbortSignal) => Promise<R>;
  /** After every check, with the decision taken. */
  onResult?: (result: R, decision: PollDecision) => void;
  /** A check threw: polling stops. */
  onError?: (error: unknown) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class StatusPoller<R extends PolledResult = PolledResult> {
  private timer: unknown;
  private inFlight: AbortController | undefined;
  private disposed = false;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: StatusPollerOptions<R>) {
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
