/** What a `runpod.pollSeconds` loop does after a check (pure: the poller in services asks it). */
import type { StopReason } from './runpodFailure';
import type { StatusSummary } from './runpodPlan';

export interface PollDecision {
  again: boolean;
  delayMs: number;
  reason: string;
}

/**
 * Poll again while jobs are running; stop when none are left, on errors, or
 * when polling is off. A status RunPod does not document is no error: the
 * entry stays in flight and is asked again.
 */
export function pollDecision(summary: StatusSummary, pollSeconds: number, stopped?: { reason: StopReason }): PollDecision {
  const delayMs = Math.max(0, pollSeconds) * 1000;
  if (!(pollSeconds > 0)) return { again: false, delayMs, reason: 'polling is off (runpod.pollSeconds is 0)' };
  if (stopped) return { again: false, delayMs, reason: `stopped: ${STOP_WORDS[stopped.reason]}` };
  if (summary.errors > 0)
    return { again: false, delayMs, reason: `stopped after ${summary.errors} error${summary.errors === 1 ? '' : 's'}` };
  if (summary.running === 0) return { again: false, delayMs, reason: 'no job is running any more' };
  return { again: true, delayMs, reason: `${summary.running} job${summary.running === 1 ? '' : 's'} still running` };
}

const STOP_WORDS: Record<StopReason, string> = {
  unauthorized: 'RunPod refused the API key',
  'rate-limited': 'RunPod kept rate-limiting',
  cancelled: 'the check was cancelled',
};
