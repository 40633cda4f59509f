/**
 * What an SDK or Node error says, read the same way by the retry loop
 * (`s3Client.ts`) and the classification (`s3.ts`). Pure, no SDK import.
 */

export interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  Region?: string;
  Endpoint?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  $retryable?: { throttling?: boolean };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
]);
export const THROTTLE_CODES: ReadonlySet<string> = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
]);

/** The S3 error code (`NoSuchBucket`, `SlowDown`…), not the SDK's placeholders. */
export function errorCode(e: ErrorLike): string | undefined {
  const code = e.Code ?? e.name;
  // A body-less response (HEAD) leaves the SDK only "Unknown" / "UnknownError".
  return code && !['Error', 'S3ServiceException', 'Unknown', 'UnknownError', 'AbortError', 'TimeoutError'].includes(code)
    ? code
    : undefined;
}

export function httpStatus(e: ErrorLike): number | undefined {
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

/** A network failure's code (`ECONNREFUSED`, `ENOTFOUND`, `connection reset`, `timed out`), following `cause`. */
export function networkCode(e: unknown): string | undefined {
  for (let x = e as ErrorLike | undefined, depth = 0; x && depth < 5; x = x.cause as ErrorLike | undefined, depth++) {
    if (x.code === 'ETIMEDOUT' || x.code === 'ESOCKETTIMEDOUT') return 'timed out';
    if (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) return x.code;
    if (x.name === 'TimeoutError' || x.name === 'RequestTimeout' || x.name === 'RequestTimeoutException') return 'timed out';
    if (typeof x.message === 'string' && /socket hang up|ECONNRESET|ECONNREFUSED|other side closed/i.test(x.message)) {
      return /ECONNREFUSED/.test(x.message) ? 'ECONNREFUSED' : 'connection reset';
    }
  }
  return undefined;
}

/** Why a failed attempt is worth another one, else undefined (a DNS name that does not exist will not appear). */
export function retryReason(e: unknown, timedOut: boolean): string | undefined {
  if (timedOut) return 'timed out';
  const x = (typeof e === 'object' && e !== null ? e : {}) as ErrorLike;
  const code = errorCode(x);
  const status = httpStatus(x);
  if ((code && THROTTLE_CODES.has(code)) || x.$retryable?.throttling) return code ?? 'throttled';
  if (status !== undefined && (status >= 500 || status === 429)) return code ?? `HTTP ${status}`;
  const net = networkCode(e);
  if (net && net !== 'ENOTFOUND') return net;
  return undefined;
}
