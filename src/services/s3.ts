/**
 * S3 listing I/O without vscode: resolves where S3 is and whose credentials are
 * used (s3Config.ts), loads the AWS SDK bundle (`dist/s3.js`, built from
 * `s3Client.ts`) lazily, and turns every failure into data (`S3Failure`): the
 * CLI and the editor word it (flows/syncMessages.ts). No sentence is made here.
 *
 * Nothing here imports the SDK: this module is part of the main bundles.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { customEndpoint, usesPathStyle } from '../core/s3Url';
import { type AwsFiles, awsFilePaths, type CredentialSource, readAwsFiles, type ResolvedS3Config, resolveS3Config } from './s3Config';
import { type ErrorLike, errorCode, httpStatus, networkCode, THROTTLE_CODES } from './s3ErrorFacts';
import type { ClientOptions, ListPage, RawFailure, RawS3Lister, RetryNotice, S3Object } from './s3Types';

export type { ListPage, RawS3Lister, RetryNotice, S3Object } from './s3Types';

/** Where to sync from: the `trainingVersions.s3.*` settings, or the CLI flags. */
export interface S3Settings {
  bucket: string;
  prefix?: string;
  region?: string;
  /** A custom S3-compatible endpoint (`https://…`, `http://127.0.0.1:9000`); else resolved as SPEC.md §5 says. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** A profile of the shared AWS config files (SSO included). */
  profile?: string;
  /** Read each model object's metadata (`HeadObject`) to match by `runpod-job-id`. */
  readMetadata?: boolean;
  /** The environment to take AWS_* variables from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Attempts per request, retries included (default 3). */
  maxAttempts?: number;
  /** Time allowed to one attempt of one request (default 30 000 ms). */
  timeoutMs?: number;
  /** Time allowed to the whole listing, retries included (default 10 minutes). */
  totalTimeoutMs?: number;
  /** Base of the backoff between attempts (default 500 ms, doubled each time). */
  retryBaseMs?: number;
  /** Told before each retry. */
  onRetry?: (r: RetryNotice) => void;
  /** The shared AWS files (default: read from the paths the environment names). */
  awsFiles?: Pick<AwsFiles, 'config' | 'credentials'>;
}

/** What `syncWorkspace` needs: every error an `S3SyncError`. */
export interface S3Lister {
  /** The region the client uses. */
  region(): Promise<string>;
  /** Every object under `prefix`, all pages; `onPage` after each page. */
  list(prefix: string, onPage: (page: ListPage) => void, signal?: AbortSignal): Promise<S3Object[]>;
  head(key: string, signal?: AbortSignal): Promise<Record<string, string>>;
  destroy(): void;
  /** Where S3 is and whose credentials are used, and why (absent for listers built by hand). */
  readonly config?: ResolvedS3Config;
  /** The effective addressing (path-style asked, or forced by an IP / localhost endpoint). */
  readonly forcePathStyle?: boolean;
}

export type S3ErrorKind =
  | 'credentials'
  | 'no-credentials'
  | 'unknown-profile'
  | 'region'
  | 'access-denied'
  | 'no-such-bucket'
  | 'not-found'
  | 'dns'
  | 'network'
  | 'throttled'
  | 'cancelled'
  | 'client-missing'
  | 'other';

/** A setting (editor) / flag (CLI) a message may name. */
export type S3Knob = 'bucket' | 'prefix' | 'region' | 'endpoint' | 'profile' | 'pathStyle' | 'readMetadata' | 'timeout';

export const S3_SETTINGS: Record<S3Knob, string> = {
  bucket: 'trainingVersions.s3.bucket',
  prefix: 'trainingVersions.s3.prefix',
  region: 'trainingVersions.s3.region',
  endpoint: 'trainingVersions.s3.endpoint',
  profile: 'trainingVersions.s3.profile',
  pathStyle: 'trainingVersions.s3.forcePathStyle',
  readMetadata: 'trainingVersions.s3.readMetadata',
  timeout: 'trainingVersions.s3.timeoutMs',
};
export const S3_FLAGS: Record<S3Knob, string> = {
  bucket: '--bucket',
  prefix: '--prefix',
  region: '--region',
  endpoint: '--endpoint',
  profile: '--profile',
  pathStyle: '--path-style',
  readMetadata: '--read-metadata',
  timeout: '--timeout-ms',
};

/** An S3 failure as data: what happened, where, and which setting / flag fixes it. Never holds credentials. */
export interface S3Failure {
  kind: S3ErrorKind;
  /** The knob that fixes it, with its editor setting and CLI flag. */
  knob?: S3Knob;
  setting?: string;
  flag?: string;
  /** The host tried (`<bucket>.s3.us-west-1.amazonaws.com`, `127.0.0.1:9000`). */
  host: string;
  /** The endpoint (URL) used, when custom. */
  endpoint?: string;
  /** What was being done. */
  op: 'list' | 'head' | 'setup';
  bucket: string;
  prefix: string;
  key?: string;
  /** The S3 error code, HTTP status, network code (`ECONNREFUSED`, `ENOTFOUND`, `timed out`). */
  code?: string;
  status?: number;
  network?: string;
  /** The region used, and the one S3 says the bucket is in. */
  region?: string;
  bucketRegion?: string;
  credentials?: CredentialSource;
  profile?: string;
  attempts?: number;
  /** The total time allowed ran out (not one request). */
  totalTimeout?: boolean;
  /** The SDK's / server's own words, credentials removed. */
  detail: string;
}

/** An error of the sync a user can act on; `failure` is what the surfaces word. */
export class S3SyncError extends Error {
  constructor(readonly failure: S3Failure) {
    super(`${failure.kind}${failure.code ? ` (${failure.code})` : ''} at ${failure.host}: ${failure.detail}`);
    this.name = 'S3SyncError';
  }

  get kind(): S3ErrorKind {
    return this.failure.kind;
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

/** The host a request to the bucket goes to, before any was made. */
function expectedHost(bucket: string, endpoint: string | undefined, pathStyle: boolean, region: string | undefined): string {
  const ep = customEndpoint(endpoint);
  if (ep) return pathStyle ? ep.host : `${bucket}.${ep.host}`;
  return `${bucket}.s3.${region ?? 'us-east-1'}.amazonaws.com`;
}

function failureBase(settings: S3Settings, config: ResolvedS3Config | undefined, op: S3Failure['op']): S3Failure {
  const endpoint = config?.endpoint.url ?? settings.endpoint;
  const region = config?.region?.value ?? settings.region;
  const pathStyle = usesPathStyle(endpoint, settings.forcePathStyle);
  return {
    kind: 'other',
    host: expectedHost(settings.bucket, endpoint, pathStyle, region),
    endpoint,
    op,
    bucket: settings.bucket,
    prefix: settings.prefix ?? '',
    region,
    credentials: config?.credentials,
    profile: config?.credentials.kind === 'profile' ? config.credentials.profile : undefined,
    detail: '',
  };
}

function withKnob(f: S3Failure, kind: S3ErrorKind, knob?: S3Knob): S3Failure {
  return { ...f, kind, knob, setting: knob ? S3_SETTINGS[knob] : undefined, flag: knob ? S3_FLAGS[knob] : undefined };
}

/**
 * The lister over the real S3 API (AWS or an S3-compatible endpoint): endpoint,
 * region and credentials resolved first (SPEC.md §5), then the SDK loaded.
 * Every failure comes out as an `S3SyncError`.
 */
export async function createS3Lister(settings: S3Settings): Promise<S3Lister> {
  const env = settings.env ?? process.env;
  const files = settings.awsFiles ? { ...settings.awsFiles, ...awsFilePaths(env) } : await readAwsFiles(env);
  const config = resolveS3Config({ endpoint: settings.endpoint, profile: settings.profile, region: settings.region }, env, files);
  const base = failureBase(settings, config, 'setup');
  const fail = (kind: S3ErrorKind, knob: S3Knob | undefined, detail: string, extra: Partial<S3Failure> = {}) =>
    new S3SyncError(withKnob({ ...base, ...extra, detail: redact(detail, settings) }, kind, knob));

  const named = config.credentials.kind === 'profile' || config.profile.from !== 'default';
  if (named && !config.profile.exists) {
    throw fail('unknown-profile', 'profile', `no profile "${config.profile.name}" in ${files.configPath} or ${files.credentialsPath}`, {
      profile: config.profile.name,
    });
  }
  if (!config.region) throw fail('region', 'region', 'no region is set');

  let mod: ClientModule;
  try {
    mod = loadClientModule();
  } catch (e) {
    throw fail('client-missing', undefined, (e as Error).message);
  }
  const forcePathStyle = usesPathStyle(config.endpoint.url, settings.forcePathStyle);
  const options: ClientOptions = {
    bucket: settings.bucket,
    region: config.region.value,
    endpoint: config.endpoint.url,
    forcePathStyle,
    credentials: config.credentials,
    envKeys:
      config.credentials.kind === 'env'
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
            sessionToken: env.AWS_SESSION_TOKEN || undefined,
          }
        : undefined,
    configPath: files.configPath,
    credentialsPath: files.credentialsPath,
    maxAttempts: settings.maxAttempts ?? 3,
    timeoutMs: settings.timeoutMs ?? 30_000,
    retryBaseMs: settings.retryBaseMs,
    onRetry: settings.onRetry,
  };
  let raw: RawS3Lister;
  try {
    raw = mod.createSdkLister(options);
  } catch (e) {
    throw classifyS3Error(e, settings, config, 'setup');
  }
  return wrapLister(raw, settings, config, forcePathStyle);
}

/** Wraps a raw lister: every failure becomes an `S3SyncError`; the listing as a whole gets `totalTimeoutMs`. */
export function wrapLister(raw: RawS3Lister, settings: S3Settings, config?: ResolvedS3Config, forcePathStyle?: boolean): S3Lister {
  const total = settings.totalTimeoutMs ?? 600_000;
  return {
    config,
    forcePathStyle,
    region: () => raw.region().catch((e: unknown) => Promise.reject(classifyS3Error(e, settings, config, 'setup'))),
    list: async (prefix, onPage, signal) => {
      const deadline = AbortSignal.timeout(total);
      const both = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        return await raw.list(prefix, onPage, both);
      } catch (e) {
        const f = classifyS3Error(e, settings, config, 'list', signal);
        if (deadline.aborted && !signal?.aborted) {
          throw new S3SyncError(
            withKnob({ ...f.failure, kind: 'network', network: 'timed out', totalTimeout: true }, 'network', 'timeout'),
          );
        }
        throw f;
      }
    },
    head: (key, signal) =>
      raw.head(key, signal).catch((e: unknown) => Promise.reject(classifyS3Error(e, settings, config, 'head', signal, key))),
    destroy: () => raw.destroy(),
  };
}

const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
]);
const REGION_CODES = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
  'MovedPermanently',
]);

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

/** The region S3 says the bucket is in, from the error's header, body or endpoint. */
function bucketRegionOf(e: ErrorLike): string | undefined {
  const h = e.$response?.headers;
  const fromHeader = h?.['x-amz-bucket-region'] ?? h?.['X-Amz-Bucket-Region'];
  if (fromHeader) return fromHeader;
  if (e.Region) return e.Region;
  const m =
    /expecting '([a-z0-9-]+)'/.exec(e.message ?? '') ?? /s3[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com/.exec(e.Endpoint ?? '');
  return m ? m[1] : undefined;
}

/** Classifies an S3 failure into data. Knows no credentials; every text passes `redact`. */
export function classifyS3Error(
  err: unknown,
  settings: S3Settings,
  config: ResolvedS3Config | undefined,
  op: S3Failure['op'],
  signal?: AbortSignal,
  key?: string,
): S3SyncError {
  if (err instanceof S3SyncError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike & Partial<RawFailure>;
  const code = errorCode(e);
  const status = httpStatus(e);
  const base: S3Failure = {
    ...failureBase(settings, config, op),
    key,
    code,
    status,
    host: e.$tv?.host ?? failureBase(settings, config, op).host,
    attempts: e.$tv?.attempts,
    detail: redact(e.message ?? String(err), settings),
  };
  const make = (kind: S3ErrorKind, knob?: S3Knob, extra: Partial<S3Failure> = {}) =>
    new S3SyncError(withKnob({ ...base, ...extra }, kind, knob));

  if (signal?.aborted) return make('cancelled');
  if (e.name === 'CredentialsProviderError' || /Could not load credentials|Unable to load credentials/i.test(e.message ?? '')) {
    return base.credentials?.kind === 'profile' ? make('credentials', 'profile') : make('no-credentials', 'profile');
  }
  if (/Region is missing/i.test(e.message ?? '')) return make('region', 'region');
  if (code && CREDENTIAL_CODES.has(code)) return make('credentials', 'profile');
  if ((code && REGION_CODES.has(code)) || status === 301) return make('region', 'region', { bucketRegion: bucketRegionOf(e) });
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || code === 'AccountProblem' || status === 403)
    return make('access-denied', 'profile');
  if (code === 'NoSuchBucket') return make('no-such-bucket', 'bucket');
  if (code === 'NotFound' || code === 'NoSuchKey' || status === 404) return make('not-found');
  if ((code && THROTTLE_CODES.has(code)) || status === 503 || status === 429 || e.$retryable?.throttling) return make('throttled');
  const net = e.$tv?.timedOut ? 'timed out' : networkCode(err);
  if (net === 'ENOTFOUND' || net === 'EAI_AGAIN') return make('dns', base.endpoint ? 'pathStyle' : undefined, { network: net });
  if (net) return make('network', net === 'timed out' ? 'timeout' : undefined, { network: net });
  if (e.name === 'AbortError') return make('network', 'timeout', { network: 'timed out' });
  return make('other');
}

/** The failure of a cancelled sync. */
export function cancelledError(settings: S3Settings, config?: ResolvedS3Config): S3SyncError {
  return new S3SyncError({ ...failureBase(settings, config, 'list'), kind: 'cancelled', detail: 'cancelled' });
}
