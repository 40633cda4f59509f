/** SPEC.md §4: RunPod's job states and what each means for an entry. */
import type { VersionStatus } from './versions';

export const DEFAULT_RUNPOD_API_URL = 'https://api.runpod.ai/v2';

/** Every state RunPod documents (`job-states.mdx`); `RUNNING` is listed there beside `IN_PROGRESS`. */
export const RUNPOD_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const;
export type RunpodStatus = (typeof RUNPOD_STATUSES)[number];

/** §4 status map. */
export const STATUS_MAP: Record<RunpodStatus, VersionStatus> = {
  IN_QUEUE: 'pending',
  IN_PROGRESS: 'training',
  RUNNING: 'training',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'failed',
  TIMED_OUT: 'failed',
};

/** True for a status RunPod documents. */
export function isKnownStatus(status: string): status is RunpodStatus {
  return (RUNPOD_STATUSES as readonly string[]).includes(status);
}

/** The entry status of a RunPod status, or undefined for a status RunPod does not document. */
export function versionStatusOf(status: string): VersionStatus | undefined {
  return isKnownStatus(status) ? STATUS_MAP[status] : undefined;
}

/** True for a status after which the job never changes again. */
export function isFinished(status: string): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED' || status === 'TIMED_OUT';
}

/** True while RunPod still works on the job (a job `/cancel` can stop). */
export function isInFlightStatus(status: string): boolean {
  return status === 'IN_QUEUE' || status === 'IN_PROGRESS' || status === 'RUNNING';
}

/** How long RunPod keeps a `/run` result after the job finished (`send-requests.mdx`, "Result retention"). */
export const RESULT_RETENTION_MS = 30 * 60_000;
/** RunPod's default `policy.ttl`: job data is deleted at most this long after submission. */
export const DEFAULT_JOB_TTL_MS = 24 * 3_600_000;
