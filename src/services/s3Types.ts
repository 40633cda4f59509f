/**
 * The contract between the SDK side (`s3Client.ts`, bundled as `dist/s3.js`) and
 * the rest of the code: types only, so that neither side imports the other.
 */
import type { S3ObjectInfo } from '../core/s3Sync';
import type { CredentialSource } from './s3Config';

/** One object of a listing (user metadata only after `head`). */
export type S3Object = S3ObjectInfo;

/** A listed page. */
export interface ListPage {
  /** 1-based page number. */
  page: number;
  /** Keys on this page. */
  keys: number;
  /** Keys so far. */
  total: number;
}

/** A request about to be tried again. */
export interface RetryNotice {
  op: 'list' | 'head';
  /** The attempt that failed (1-based) and how many there are at most. */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  /** Why: an S3 error code, an HTTP status, a network code, or `timed out`. */
  reason: string;
  host: string;
}

/** What the SDK client is built from: every choice already made (see s3Config.ts). */
export interface ClientOptions {
  bucket: string;
  region?: string;
  /** The custom endpoint; undefined: AWS. */
  endpoint?: string;
  /** Path-style addressing (asked, or forced by an IP / localhost endpoint). */
  forcePathStyle: boolean;
  credentials: CredentialSource;
  /** Credential values from the environment, for `credentials.kind === 'env'`. */
  envKeys?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Shared file paths for profile credentials. */
  configPath?: string;
  credentialsPath?: string;
  /** Attempts per request, retries included. */
  maxAttempts: number;
  /** Time allowed to one attempt of one request. */
  timeoutMs: number;
  connectionTimeoutMs?: number;
  /** Base of the exponential backoff between attempts. */
  retryBaseMs?: number;
  onRetry?: (r: RetryNotice) => void;
}

/**
 * An error from the SDK side, with what the message needs: the host tried and
 * the attempts made. `cause` is the SDK's (or Node's) error.
 */
export interface RawFailure {
  $tv: { host: string; attempts: number; timedOut: boolean };
}

/** The SDK-backed lister as `s3Client.ts` builds it: errors are the SDK's own, marked with `RawFailure`. */
export interface RawS3Lister {
  /** The region the client uses. */
  region(): Promise<string>;
  /** The host requests go to (`<bucket>.s3.us-west-1.amazonaws.com`, `127.0.0.1:9000`). */
  host(): string;
  /** Every object under `prefix`, all pages; `onPage` after each page. */
  list(prefix: string, onPage: (page: ListPage) => void, signal?: AbortSignal): Promise<S3Object[]>;
  /** The object's user metadata (`x-amz-meta-*` without the prefix). */
  head(key: string, signal?: AbortSignal): Promise<Record<string, string>>;
  /** Releases the client's sockets. */
  destroy(): void;
}
