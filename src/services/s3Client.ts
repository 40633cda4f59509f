/**
 * The AWS SDK side of the S3 sync. Built as its own bundle, `dist/s3.js`, and
 * loaded by `s3.ts` only when a sync runs: the SDK never weighs on the
 * extension's activation. Import nothing here but types from the rest of the code.
 */
import { HeadObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { RawS3Lister, S3Object, S3Settings } from './s3';

/** S3 caps a ListObjectsV2 page at 1000 keys. */
const PAGE_SIZE = 1000;

/** The region used against a custom endpoint when none is given (most S3-compatible stores ignore it). */
const CUSTOM_ENDPOINT_REGION = 'us-east-1';

/** Builds the SDK client: default credential chain, `profile`, `region`, custom endpoints. */
export function createClient(settings: S3Settings): S3Client {
  // The SDK warns on every Node before 22 (VS Code and this CLI run on 20): a
  // message no user of ours can act on. Its documented switch turns it off.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const env = settings.env ?? process.env;
  const profile = settings.profile || env.AWS_PROFILE || undefined;
  const region = settings.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || (settings.endpoint ? CUSTOM_ENDPOINT_REGION : undefined);
  const config: S3ClientConfig = {
    maxAttempts: settings.maxAttempts ?? 4,
    // A stalled server must end in an error, not a hang: without throwOnRequestTimeout
    // the SDK only logs a warning when requestTimeout passes.
    requestHandler: {
      connectionTimeout: settings.connectionTimeoutMs ?? 10_000,
      requestTimeout: settings.requestTimeoutMs ?? 60_000,
      throwOnRequestTimeout: true,
      socketTimeout: settings.requestTimeoutMs ?? 60_000,
    },
    // Name the bucket's real region in the error instead of following the redirect:
    // the URLs written into the files carry the region.
    followRegionRedirects: false,
  };
  if (region) config.region = region;
  if (profile) config.profile = profile;
  // Without a profile, keys in the given environment come first, as in the SDK's
  // own chain; the rest of the chain (SSO, shared files, process, IMDS) is the SDK's.
  const key = env.AWS_ACCESS_KEY_ID, secret = env.AWS_SECRET_ACCESS_KEY;
  if (!profile && key && secret) config.credentials = { accessKeyId: key, secretAccessKey: secret, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  if (settings.endpoint) {
    config.endpoint = settings.endpoint;
    config.forcePathStyle = !!settings.forcePathStyle;
    // S3-compatible stores often reject or mangle the newer flexible checksums.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  } else if (settings.forcePathStyle) {
    config.forcePathStyle = true;
  }
  return new S3Client(config);
}

/** A lister over the real SDK. Errors are the SDK's own; `s3.ts` turns them into messages. */
export function createSdkLister(settings: S3Settings): RawS3Lister {
  const client = createClient(settings);
  const bucket = settings.bucket;
  return {
    async region() {
      return client.config.region();
    },
    async list(prefix, onPage, signal) {
      const out: S3Object[] = [];
      let token: string | undefined;
      let page = 0;
      for (;;) {
        const r = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: PAGE_SIZE }),
          { abortSignal: signal },
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
      const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      return r.Metadata ?? {};
    },
    destroy() {
      client.destroy();
    },
  };
}
