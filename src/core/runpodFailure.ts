/**
 * A RunPod request that did not give an answer we can use, as data: each
 * surface (CLI, editor) words it, nothing parses a message back (issue 11).
 */
export type RunpodFailureKind = 'unauthorized' | 'rate-limited' | 'timeout' | 'http-error' | 'malformed' | 'network-error';

export interface RunpodFailure {
  kind: RunpodFailureKind;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** The host asked (never the key). */
  host: string;
  /** The endpoint asked. */
  endpointId: string;
  /** The id asked, for job requests. */
  jobId?: string;
  /** Requests made, retries included. */
  attempts: number;
  /** A short excerpt of the body, or the problem of a malformed body, or the network error; already redacted. */
  detail?: string;
  /** The request timeout that ran out. */
  timeoutMs?: number;
  /** rate-limited: the wait RunPod asked for that was longer than we accept. */
  retryAfterMs?: number;
}

/** Why a check stopped before asking about every job. */
export type StopReason = 'unauthorized' | 'rate-limited' | 'cancelled';
