/**
 * The AWS SDK side of the S3 sync. Built as its own bundle, `dist/s3.js`, and
 * loaded by `s3.ts` only when a sync runs: the SDK never weighs on the
 * extension's activation. Every choice (endpoint, addressing, region,
 * credentials) arrives made (`ClientOptions`, see s3Config.ts): the SDK resolves
 * nothing by itself, prints nothing, and changes nothing of the process.
 */
import { HeadObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { state as nodeVersionWarning } from '@aws-sdk/core/client';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { retryReason } from './s3ErrorFacts';
import type { ClientOptions, RawFailure, RawS3Lister, S3Object } from './s3Types';

/** S3 caps a ListObjectsV2 page at 1000 keys. */
const PAGE_SIZE = 1000;

/**
 * A logger that drops everything: the SDK's own warnings (several lines, naming
 * variables the user may never have set) never reach a user. What matters is
 * said by our own messages. Not named NoOpLogger: the credential chain would then
 * fall back to console.warn.
 */
class QuietLogger {
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
}

function credentialsOf(o: ClientOptions): S3ClientConfig['credentials'] {
  const logger = new QuietLogger();
  switch (o.credentials.kind) {
    case 'env':
      if (!o.envKeys) throw new Error('credentials from the environment were chosen, but none were passed');
      return { ...o.envKeys };
    case 'profile':
      // With a profile named, the chain skips the environment's keys and reads that profile (SSO, roles, processes included).
      return defaultProvider({ profile: o.credentials.profile, filepath: o.credentialsPath, configFilepath: o.configPath, logger });
    default:
      return defaultProvider({ logger, filepath: o.credentialsPath, configFilepath: o.configPath });
  }
}

/** Builds the SDK client from choices already made. */
export function createClient(o: ClientOptions): S3Client {
  // The SDK warns once per process, on every Node before 22 (VS Code's extension host and
  // this CLI run on 20), through process.emitWarning: lines no user of ours can act on
  // (README: "Node versions" says what we support and when it moves). The SDK exports the
  // flag it keeps for "already warned"; setting it touches only the SDK's own module
  // state, never process.env (the extension host's environment is every extension's).
  nodeVersionWarning.warningEmitted = true;
  const config: S3ClientConfig & { ignoreConfiguredEndpointUrls?: boolean } = {
    // Retries are ours (announced, bounded): one attempt per SDK call.
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: o.connectionTimeoutMs ?? Math.min(10_000, o.timeoutMs),
      requestTimeout: o.timeoutMs,
      throwOnRequestTimeout: true,
    },
    // Name the bucket's real region in the error instead of following the redirect:
    // the URLs written into the files carry the region.
    followRegionRedirects: false,
    // The endpoint was resolved by s3Config.ts (the selected profile's included): the SDK must not pick another.
    ignoreConfiguredEndpointUrls: true,
    forcePathStyle: o.forcePathStyle,
    credentials: credentialsOf(o),
    logger: new QuietLogger(),
  };
  if (o.region) config.region = o.region;
  if (o.endpoint) {
    config.endpoint = o.endpoint;
    // S3-compatible stores often reject or mangle the newer flexible checksums.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  return new S3Client(config);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A lister over the real SDK. Errors are the SDK's own, marked with the host and attempts (`RawFailure`). */
export function createSdkLister(o: ClientOptions): RawS3Lister {
  const client = createClient(o);
  const bucket = o.bucket;
  let lastHost: string | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { hostname?: string; port?: number };
      if (req.hostname) lastHost = req.port ? `${req.hostname}:${req.port}` : req.hostname;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'trainingVersionsHost' },
  );
  const expectedHost = () => {
    if (o.endpoint) {
      try {
        const u = new URL(o.endpoint);
        return o.forcePathStyle ? u.host : `${bucket}.${u.host}`;
      } catch {
        return o.endpoint;
      }
    }
    return `${bucket}.s3.${o.region ?? 'us-east-1'}.amazonaws.com`;
  };
  const host = () => lastHost ?? expectedHost();
  const maxAttempts = Math.max(1, o.maxAttempts);
  const base = o.retryBaseMs ?? 500;

  async function withRetry<T>(op: 'list' | 'head', run: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(o.timeoutMs);
      const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        return await run(both);
      } catch (e) {
        const timedOut = timeout.aborted && !signal?.aborted;
        const reason = signal?.aborted ? undefined : retryReason(e, timedOut);
        if (reason === undefined || attempt >= maxAttempts) {
          const mark: RawFailure['$tv'] = { host: host(), attempts: attempt, timedOut };
          if (typeof e === 'object' && e !== null) throw Object.assign(e, { $tv: mark });
          throw Object.assign(new Error(String(e)), { $tv: mark });
        }
        const delayMs = base * 2 ** (attempt - 1);
        o.onRetry?.({ op, attempt, maxAttempts, delayMs, reason, host: host() });
        await sleep(delayMs, signal);
      }
    }
  }

  return {
    async region() {
      return client.config.region();
    },
    host,
    async list(prefix, onPage, signal) {
      const out: S3Object[] = [];
      let token: string | undefined;
      let page = 0;
      for (;;) {
        const r = await withRetry(
          'list',
          (s) =>
            client.send(
              new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: PAGE_SIZE }),
              { abortSignal: s },
            ),
          signal,
        );
        const contents = r.Contents ?? [];
        for (const c of contents) {
          if (c.Key !== undefined) out.push({ key: c.Key, lastModified: c.LastModified, size: c.Size });
        }
        page++;
        onPage({ page, keys: contents.length, total: out.length });
        if (!r.IsTruncated || !r.NextContinuationToken || r.NextContinuationToken === token) break;
        token = r.NextContinuationToken;
      }
      return out;
    },
    async head(key, signal) {
      const r = await withRetry(
        'head',
        (s) => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: s }),
        signal,
      );
      return r.Metadata ?? {};
    },
    destroy() {
      client.destroy();
    },
  };
}
