/**
 * S3 sync I/O without vscode: the lister interface, the lazy loader of the AWS
 * SDK bundle (`dist/s3.js`, built from `s3Client.ts`), the messages of the errors
 * a user meets, and `syncWorkspace`, which the CLI and the editor command share.
 *
 * Nothing here imports the SDK: this module is part of the main bundles.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Analysis } from '../core/findings';
import { fileStem, parseModelStem } from '../core/identity';
import { planSync, type S3ObjectInfo, type SyncPlan } from '../core/s3Sync';

/** One object of a listing (user metadata only after `head`). */
export type S3Object = S3ObjectInfo;

/** Where to sync from: the `trainingVersions.s3.*` settings, or the CLI flags. */
export interface S3Settings {
  bucket: string;
  prefix?: string;
  region?: string;
  /** A custom S3-compatible endpoint (`https://…`, `http://127.0.0.1:9000`). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** A profile of the shared AWS config files (SSO included). */
  profile?: string;
  /** Read each model object's metadata (`HeadObject`) to match by `runpod-job-id`. */
  readMetadata?: boolean;
  /** The environment to take AWS_* variables from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Attempts per request, retries included (default 4). */
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** A listed page. */
export interface ListPage {
  /** 1-based page number. */
  page: number;
  /** Keys on this page. */
  keys: number;
  /** Keys so far. */
  total: number;
}

/** The SDK-backed lister as `s3Client.ts` builds it: errors are the SDK's own. */
export interface RawS3Lister {
  /** The region the client resolved (settings, environment or profile). */
  region(): Promise<string>;
  /** Every object under `prefix`, all pages; `onPage` after each page. */
  list(prefix: string, onPage: (page: ListPage) => void, signal?: AbortSignal): Promise<S3Object[]>;
  /** The object's user metadata (`x-amz-meta-*` without the prefix). */
  head(key: string, signal?: AbortSignal): Promise<Record<string, string>>;
  /** Releases the client's sockets. */
  destroy(): void;
}

/** What `syncWorkspace` needs: same shape, every error an `S3SyncError`. */
export type S3Lister = RawS3Lister;

export type S3ErrorKind =
  | 'credentials' | 'region' | 'access-denied' | 'no-such-bucket' | 'not-found' | 'network' | 'throttled'
  | 'cancelled' | 'client-missing' | 'other';

/** An error of the sync a user can act on; its message says what to do. Never holds credentials. */
export class S3SyncError extends Error {
  constructor(readonly kind: S3ErrorKind, message: string) {
    super(message);
    this.name = 'S3SyncError';
  }
}

type ClientModule = typeof import('./s3Client');

/**
 * Loads the SDK bundle next to this bundle (`dist/s3.js`). Run from the
 * TypeScript sources (tests under tsx), there is no bundle: load the module itself.
 */
function loadClientModule(): ClientModule {
  const bundled = path.join(__dirname, 's3.js');
  // A computed path keeps esbuild from pulling the SDK into this bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (existsSync(bundled)) return require(bundled) as ClientModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, 's3Client')) as ClientModule;
}

/**
 * The lister over the real S3 API (AWS or an S3-compatible endpoint). The SDK
 * loads on the first call; its errors come out as `S3SyncError`s.
 */
export async function createS3Lister(settings: S3Settings): Promise<S3Lister> {
  let mod: ClientModule;
  try {
    mod = loadClientModule();
  } catch (e) {
    throw new S3SyncError('client-missing', `The S3 client could not be loaded (${redact((e as Error).message, settings)}). Reinstall Training Versions, or run "npm run build" (it writes dist/s3.js).`);
  }
  let raw: RawS3Lister;
  try {
    raw = mod.createSdkLister(settings);
  } catch (e) {
    throw describeS3Error(e, settings, 'setting up the S3 client', undefined, 'setup');
  }
  return wrapLister(raw, settings);
}

/** Wraps a raw lister so that every failure becomes an `S3SyncError` with a message. */
export function wrapLister(raw: RawS3Lister, settings: S3Settings): S3Lister {
  const where = `s3://${settings.bucket}/${settings.prefix ?? ''}`;
  return {
    region: () => raw.region().catch((e: unknown) => Promise.reject(describeS3Error(e, settings, 'resolving the region', undefined, 'setup'))),
    list: (prefix, onPage, signal) => raw.list(prefix, onPage, signal).catch((e: unknown) => Promise.reject(describeS3Error(e, settings, `listing ${where}`, signal))),
    head: (key, signal) => raw.head(key, signal).catch((e: unknown) => Promise.reject(describeS3Error(e, settings, `reading the metadata of ${key}`, signal, 'head'))),
    destroy: () => raw.destroy(),
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);
const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'InvalidClientTokenId', 'UnrecognizedClientException']);
const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceUnavailable']);
const REGION_CODES = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'MovedPermanently']);

interface ErrorLike {
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

/** Every credential value the environment holds: never to appear in a message. */
function secretsOf(settings: S3Settings): string[] {
  const out: string[] = [];
  for (const env of [settings.env, process.env]) {
    if (!env) continue;
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN']) {
      const v = env[k];
      if (v && v.length >= 4) out.push(v);
    }
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Removes credential values (and anything shaped like an AWS access key id) from a text. */
export function redact(text: string, settings: S3Settings): string {
  let s = text;
  for (const secret of secretsOf(settings)) s = s.split(secret).join('***');
  return s.replace(/\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '***');
}

function errorCode(e: ErrorLike): string | undefined {
  const code = e.Code ?? e.name;
  // A body-less response (HEAD) leaves the SDK only "Unknown" / "UnknownError".
  return code && !['Error', 'S3ServiceException', 'Unknown', 'UnknownError'].includes(code) ? code : undefined;
}

function nodeCode(e: unknown): string | undefined {
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

/** The region S3 says the bucket is in, from the error's header, body or endpoint. */
function bucketRegion(e: ErrorLike): string | undefined {
  const h = e.$response?.headers;
  const fromHeader = h?.['x-amz-bucket-region'] ?? h?.['X-Amz-Bucket-Region'];
  if (fromHeader) return fromHeader;
  if (e.Region) return e.Region;
  const m = /expecting '([a-z0-9-]+)'/.exec(e.message ?? '') ?? /s3[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com/.exec(e.Endpoint ?? '');
  return m ? m[1] : undefined;
}

/**
 * The message of an S3 failure: what went wrong and what to do next. Knows no
 * credentials and passes every text through `redact`.
 */
export function describeS3Error(err: unknown, settings: S3Settings, action: string, signal?: AbortSignal, op: 'list' | 'head' | 'setup' = 'list'): S3SyncError {
  if (err instanceof S3SyncError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike;
  const code = errorCode(e);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const bucket = `"${settings.bucket}"`;
  const profileHint = settings.profile ? `the profile "${settings.profile}"` : 'your credentials';
  const server = settings.endpoint ? `The endpoint ${settings.endpoint}` : 'S3';
  const make = (kind: S3ErrorKind, message: string) => new S3SyncError(kind, redact(message, settings));
  const detail = redact(e.message ?? String(err), settings);

  if (signal?.aborted || e.name === 'AbortError') return make('cancelled', 'The sync was cancelled; nothing was written.');
  if (e.name === 'CredentialsProviderError' || /Could not load credentials|Unable to load credentials/i.test(e.message ?? '')) {
    return make('credentials', settings.profile
      ? `The AWS profile "${settings.profile}" gave no usable credentials (${detail}). Check the profile in ~/.aws/config, or sign in again with "aws sso login --profile ${settings.profile}".`
      : 'No AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile ("aws configure", or "aws configure sso" then "aws sso login") and pass it with --profile (in the editor: the trainingVersions.s3.profile setting).');
  }
  if (/Region is missing/i.test(e.message ?? '')) {
    return make('region', 'No AWS region is set. Pass --region (in the editor: trainingVersions.s3.region), set AWS_REGION, or add a region to the profile.');
  }
  if (code && CREDENTIAL_CODES.has(code)) {
    const why = code === 'ExpiredToken' || code === 'TokenRefreshRequired'
      ? 'the session has expired: sign in again (for example "aws sso login") and retry'
      : code === 'SignatureDoesNotMatch'
        ? 'the secret access key does not match the access key id: check AWS_SECRET_ACCESS_KEY or the profile'
        : 'the access key id is not known: check AWS_ACCESS_KEY_ID or the profile, and that the keys belong to this account (or endpoint)';
    return make('credentials', `${server} rejected ${profileHint} (${code}): ${why}.`);
  }
  if ((code && REGION_CODES.has(code)) || status === 301) {
    const real = bucketRegion(e);
    const given = settings.region ? `"${settings.region}"` : 'the region in use';
    return make('region', real
      ? `The bucket ${bucket} is in the region ${real}, not ${given}. Pass --region ${real} (in the editor: trainingVersions.s3.region).`
      : `The bucket ${bucket} is not in ${given}. Pass the bucket's region with --region (in the editor: trainingVersions.s3.region).`);
  }
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || code === 'AccountProblem' || status === 403) {
    const need = op === 'head'
      ? `s3:GetObject on arn:aws:s3:::${settings.bucket}/* (for --read-metadata; or sync without it)`
      : `s3:ListBucket on arn:aws:s3:::${settings.bucket}`;
    return make('access-denied', `Access denied while ${action}. ${profileHint[0].toUpperCase()}${profileHint.slice(1)} need ${need}. Ask for that permission, or use another profile.`);
  }
  if (code === 'NoSuchBucket') {
    return make('no-such-bucket', `The bucket ${bucket} does not exist${settings.endpoint ? ` on ${settings.endpoint}` : ''}. Check --bucket (in the editor: trainingVersions.s3.bucket)${settings.endpoint ? ' and --endpoint' : ''}.`);
  }
  if (code === 'NotFound' || code === 'NoSuchKey' || status === 404) {
    return make('not-found', `Not found while ${action}: the object may have been deleted during the sync. Run the sync again.`);
  }
  if ((code && THROTTLE_CODES.has(code)) || status === 503 || status === 429 || e.$retryable?.throttling) {
    return make('throttled', `${server} is throttling requests (${code ?? `HTTP ${status ?? 503}`}) and kept doing so after several retries. Wait a minute and run the sync again; nothing was written.`);
  }
  const net = nodeCode(err);
  if (net) {
    const host = settings.endpoint ?? `S3${settings.region ? ` in ${settings.region}` : ''}`;
    return make('network', `Lost the connection to ${host} while ${action} (${net}). Check the network${settings.endpoint ? ' and that the endpoint is running' : ''}, then run the sync again; nothing was written.`);
  }
  return make('other', `S3 failed while ${action}: ${code ? `${code}: ` : ''}${detail}${status ? ` (HTTP ${status})` : ''}. Nothing was written.`);
}

/** A file to sync into: its text and its analysis (`analyze` with the folder's style id). */
export interface SyncFile {
  path: string;
  text: string;
  analysis: Analysis;
}

export interface SyncWorkspaceOptions extends S3Settings {
  preferAcceleratedUrls: boolean;
  /** The sync's time (default now). */
  now?: Date;
  /** HeadObject requests in flight at most (default 8). */
  headConcurrency?: number;
}

export type SyncProgress =
  | { phase: 'list'; pages: number; objects: number }
  | { phase: 'metadata'; done: number; total: number }
  | { phase: 'plan'; matched: number; added: number; files: number };

/** A file whose text the sync changes. */
export interface FileChange {
  path: string;
  oldText: string;
  newText: string;
}

export interface SyncWorkspaceResult {
  plan: SyncPlan;
  /** Only the files that change (what the CLI writes and the editor previews). */
  changes: FileChange[];
  region: string;
  /** ListObjectsV2 requests made (one per page of at most 1000 keys). */
  pages: number;
  objects: number;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new S3SyncError('cancelled', 'The sync was cancelled; nothing was written.');
}

/**
 * Lists the bucket, reads metadata when asked, and plans the sync of `files`.
 * Writes nothing: the caller writes `changes` (CLI) or previews them (editor).
 * Cancelling through `signal` rejects with an `S3SyncError` of kind `cancelled`.
 */
export async function syncWorkspace(
  files: readonly SyncFile[],
  lister: S3Lister,
  options: SyncWorkspaceOptions,
  progress?: (p: SyncProgress) => void,
  signal?: AbortSignal,
): Promise<SyncWorkspaceResult> {
  checkAborted(signal);
  const region = options.region || (await lister.region());
  checkAborted(signal);
  let pages = 0;
  const objects = await lister.list(options.prefix ?? '', (p) => {
    pages = p.page;
    progress?.({ phase: 'list', pages: p.page, objects: p.total });
  }, signal);
  checkAborted(signal);

  if (options.readMetadata) {
    // Only model files of a style we have a folder for can match anything.
    const styles = new Set(files.filter((f) => f.analysis.writable).map((f) => f.analysis.options.styleId).filter((s): s is string => s !== undefined));
    const wanted = objects.filter((o) => {
      const stem = fileStem(o.key.slice(o.key.lastIndexOf('/') + 1));
      const model = stem === undefined ? undefined : parseModelStem(stem);
      return model !== undefined && styles.has(model.styleId);
    });
    await headAll(wanted, lister, options.headConcurrency ?? 8, (done) => progress?.({ phase: 'metadata', done, total: wanted.length }), signal);
    checkAborted(signal);
  }

  const plan = planSync(objects, files.map((f) => ({ path: f.path, analysis: f.analysis })), {
    bucket: options.bucket,
    region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    preferAcceleratedUrls: options.preferAcceleratedUrls,
    now: options.now ?? new Date(),
    readMetadata: options.readMetadata,
  });
  progress?.({ phase: 'plan', matched: plan.counts.matched, added: plan.counts.added, files: plan.counts.changedFiles });
  checkAborted(signal);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const changes = plan.files.filter((f) => f.changed).map((f) => ({ path: f.path, oldText: texts.get(f.path) ?? f.newText, newText: f.newText }));
  return { plan, changes, region, pages, objects: objects.length };
}

/** HeadObject on each object, at most `limit` in flight; sets `metadata`. Objects deleted meanwhile get none. */
async function headAll(objects: S3Object[], lister: S3Lister, limit: number, onDone: (done: number) => void, signal?: AbortSignal): Promise<void> {
  let next = 0, done = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < objects.length) {
      const o = objects[next++];
      if (signal?.aborted) return;
      try {
        o.metadata = await lister.head(o.key, signal);
      } catch (e) {
        if (e instanceof S3SyncError && e.kind === 'not-found') o.metadata = {};
        else {
          failure ??= e;
          return;
        }
      }
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, objects.length)) }, worker));
  if (failure !== undefined) throw failure;
}
