/**
 * The sentences of the S3 sync's failures and notices, made from data
 * (`S3Failure`, `SettingProblem`, `CredentialNotice`, `ResolvedS3Config`). What
 * differs per surface — how a setting is named and how one says "set it" — is the
 * `SyncWording` each surface hands in: the CLI names flags, the editor names
 * settings. No message of ours is ever parsed back.
 */
import type { CredentialNotice, ResolvedS3Config } from '../services/s3Config';
import type { S3Failure, S3Knob } from '../services/s3';
import { S3_FLAGS, S3_SETTINGS } from '../services/s3';
import type { SettingProblem } from './sync';

export interface SyncWording {
  /** The knob's name: `--region` / `trainingVersions.s3.region`. */
  name(knob: S3Knob): string;
  /** "Pass --region eu-west-1" / "Set trainingVersions.s3.region to eu-west-1" (capitalised: starts a sentence). */
  set(knob: S3Knob, value?: string): string;
  /** "the profile setting" phrasing for the "no credentials" advice. */
  passProfile: string;
}

export const CLI_WORDING: SyncWording = {
  name: (k) => S3_FLAGS[k],
  set: (k, v) => (k === 'pathStyle' ? 'Pass --path-style' : `Pass ${S3_FLAGS[k]}${v ? ` ${v}` : ''}`),
  passProfile: 'pass it with --profile',
};

export const EDITOR_WORDING: SyncWording = {
  name: (k) => S3_SETTINGS[k],
  set: (k, v) => (k === 'pathStyle' ? `Turn on ${S3_SETTINGS.pathStyle}` : `Set ${S3_SETTINGS[k]}${v ? ` to ${v}` : ''}`),
  passProfile: 'name it in the trainingVersions.s3.profile setting',
};

/** Where the credentials came from, as the hint of a rejected key names it. */
function keySource(f: S3Failure): string {
  const c = f.credentials;
  if (c?.kind === 'env') return 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment';
  if (c?.kind === 'profile') return `the keys of the profile "${c.profile}" (~/.aws/credentials or its SSO sign-in)`;
  return 'the credentials the default chain found';
}

function whose(f: S3Failure): string {
  return f.credentials?.kind === 'profile' ? `the profile "${f.credentials.profile}"` : 'your credentials';
}

/** What was being done, for the message. */
function action(f: S3Failure): string {
  if (f.op === 'head') return `reading the metadata of ${f.key ?? 'an object'}`;
  if (f.op === 'setup') return 'setting up the S3 client';
  return `listing s3://${f.bucket}/${f.prefix}`;
}

/** The sentence of a failure, in the surface's wording. */
export function describeS3Failure(f: S3Failure, w: SyncWording): string {
  const server = f.endpoint ? `The endpoint ${f.endpoint}` : `S3 (${f.host})`;
  const bucket = `"${f.bucket}"`;
  switch (f.kind) {
    case 'cancelled':
      return 'The sync was cancelled; nothing was written.';
    case 'client-missing':
      return `The S3 client could not be loaded (${f.detail}). Reinstall Training Versions, or run "npm run build" (it writes dist/s3.js).`;
    case 'unknown-profile':
      return (
        `There is no AWS profile "${f.profile}": ${f.detail}. Check the name in ` +
        `${w.name('profile')} (or AWS_PROFILE), or create it with "aws configure --profile NAME" ` +
        `(or "aws configure sso").`
      );
    case 'no-credentials':
      return (
        `No AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a ` +
        `profile ("aws configure", or "aws configure sso" then "aws sso login") and ${w.passProfile}.`
      );
    case 'credentials': {
      const p = f.credentials?.kind === 'profile' ? f.credentials.profile : f.profile;
      if (!f.code) {
        return (
          `The AWS profile "${p}" gave no usable credentials (${f.detail}). Check the profile in ` +
          `~/.aws/config, or sign in again with "aws sso login --profile ${p}".`
        );
      }
      const why =
        f.code === 'ExpiredToken' || f.code === 'TokenRefreshRequired'
          ? 'the session has expired: sign in again (for example "aws sso login") and retry'
          : f.code === 'SignatureDoesNotMatch'
            ? `the secret access key does not match the access key id (or the key is not known there): check ${keySource(f)}`
            : `the access key id is not known: check ${keySource(f)}, and that the keys belong to this account (or endpoint)`;
      return `${server} rejected ${whose(f)} (${f.code}): ${why}.`;
    }
    case 'region': {
      if (!f.code && !f.status) {
        return `No AWS region is set. ${w.set('region')}, set AWS_REGION, or add a region to the profile.`;
      }
      const given = f.region ? `"${f.region}"` : 'the region in use';
      return f.bucketRegion
        ? `The bucket ${bucket} is in the region ${f.bucketRegion}, not ${given}. ${w.set('region', f.bucketRegion)}.`
        : `The bucket ${bucket} is not in ${given}. ${w.set('region')} to the bucket's region.`;
    }
    case 'access-denied': {
      const need =
        f.op === 'head'
          ? `s3:GetObject on arn:aws:s3:::${f.bucket}/* (for ${w.name('readMetadata')}; or sync without it)`
          : `s3:ListBucket on arn:aws:s3:::${f.bucket}`;
      const who = whose(f);
      return (
        `Access denied by ${f.host} while ${action(f)}. ${who[0].toUpperCase()}${who.slice(1)} ` +
        `needs ${need}. Ask for that permission, or use another profile.`
      );
    }
    case 'no-such-bucket': {
      const where = f.endpoint ? ` on ${f.endpoint}` : ` (asked ${f.host})`;
      return `The bucket ${bucket} does not exist${where}. Check ${w.name('bucket')}${f.endpoint ? ` and ${w.name('endpoint')}` : ''}.`;
    }
    case 'not-found':
      return `Not found while ${action(f)}: the object may have been deleted during the sync. Run the sync again.`;
    case 'throttled':
      return (
        `${server} is throttling requests (${f.code ?? `HTTP ${f.status ?? 503}`}) and kept doing ` +
        `so after ${f.attempts && f.attempts > 1 ? `${f.attempts} attempts` : 'several retries'}. ` +
        `Wait a minute and run the sync again; nothing was written.`
      );
    case 'dns': {
      const advice = f.host.startsWith(`${f.bucket}.`)
        ? 'Virtual-hosted requests put the bucket in the host name; most S3-compatible stores need path-style: ' +
          `${w.set('pathStyle')}, or check ${w.name('endpoint')}.`
        : `Check ${w.name('endpoint')}.`;
      return f.endpoint
        ? `The name ${f.host.replace(/:\d+$/, '')} does not resolve (${f.network}) while ${action(f)}. ${advice} Nothing was written.`
        : `The name ${f.host} does not resolve (${f.network}) while ${action(f)}: check the network ` +
            `(DNS) and ${w.name('bucket')}, then run the sync again; nothing was written.`;
    }
    case 'network': {
      const where = f.endpoint ?? f.host;
      if (f.totalTimeout) {
        return (
          `The listing of s3://${f.bucket}/${f.prefix} at ${where} did not finish in the time allowed ` +
          `(timed out). Check the network and that ${f.endpoint ? 'the endpoint' : 'S3'} answers, ` +
          `then run the sync again; nothing was written.`
        );
      }
      const tries = f.attempts && f.attempts > 1 ? ` Tried ${f.attempts} times.` : '';
      const running = f.endpoint ? ' and that the endpoint is running' : '';
      const moreTime = f.network === 'timed out' ? ` (or allow more time: ${w.name('timeout')})` : '';
      return (
        `Lost the connection to ${where} while ${action(f)} (${f.network}).${tries} Check the ` +
        `network${running}${moreTime}, then run the sync again; nothing was written.`
      );
    }
    default:
      return (
        `S3 (${f.host}) failed while ${action(f)}: ` +
        `${f.code ? `${f.code}: ` : ''}${f.detail}${f.status ? ` (HTTP ${f.status})` : ''}. ` +
        `Nothing was written.`
      );
  }
}

/** The sentence of a setting that stops the sync before the network; `where` names the folder in a multi-root workspace. */
export function describeSettingProblem(p: SettingProblem, w: SyncWording, where = ''): string {
  switch (p.kind) {
    case 'no-bucket':
      return (
        `No S3 bucket is set${where}: ${w.set('bucket').replace(/^./, (c) => c.toLowerCase())} to ` +
        `the bucket that holds the model files (and ${w.name('prefix')} to their key ` +
        `prefix), then sync again.`
      );
    case 'invalid-bucket':
      return `${w.name('bucket')} takes a bucket name, not "${p.value}"${where}: put the key prefix in ${w.name('prefix')}.`;
    default:
      return (
        `${w.name('endpoint')} must be an http(s) URL such as https://minio.example.com or ` +
        `http://127.0.0.1:9000, not "${p.value}"${where}. Leave it empty for AWS S3.`
      );
  }
}

const ENDPOINT_SOURCES: Record<ResolvedS3Config['endpoint']['source'], (c: ResolvedS3Config, w: SyncWording) => string> = {
  setting: (_c, w) => w.name('endpoint'),
  AWS_ENDPOINT_URL_S3: () => 'AWS_ENDPOINT_URL_S3',
  AWS_ENDPOINT_URL: () => 'AWS_ENDPOINT_URL',
  'profile-services': (c) => `the services section "${c.endpoint.services}" of the profile "${c.endpoint.profile}"`,
  profile: (c) => `endpoint_url of the profile "${c.endpoint.profile}"`,
  aws: (c) =>
    c.endpoint.ignoredConfigured ? 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: configured endpoints ignored' : 'no endpoint configured',
};

/** "on http://127.0.0.1:9000 (from AWS_ENDPOINT_URL_S3, path-style)" / "on AWS S3 in us-west-1 (no endpoint configured)". */
export function describeEndpoint(c: ResolvedS3Config, w: SyncWording, pathStyle?: boolean): string {
  const from = ENDPOINT_SOURCES[c.endpoint.source](c, w);
  if (c.endpoint.url) return `on ${c.endpoint.url} (from ${from}${pathStyle ? ', path-style' : ''}; region ${c.region?.value ?? '?'})`;
  return `on AWS S3 in ${c.region?.value ?? '?'} (${from})`;
}

/** The one line said where credential sources conflict. */
export function describeNotice(n: CredentialNotice, w: SyncWording): string {
  return n.kind === 'env-keys-ignored'
    ? `Using the AWS profile "${n.profile}" (${w.name('profile')}); AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment are not used.`
    : `Using AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment, as the AWS CLI does; AWS_PROFILE=${n.profile} is not used for credentials.`;
}

/** A retry, announced. */
export function describeRetry(r: {
  op: string;
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  reason: string;
  host: string;
}): string {
  const what =
    r.reason === 'timed out'
      ? 'did not answer in time'
      : /^[A-Z]{2,}[A-Z_]*$/.test(r.reason) && !/^[A-Z][a-z]/.test(r.reason)
        ? `failed (${r.reason})`
        : `answered ${r.reason}`;
  return (
    `${r.host} ${what} (${r.op === 'head' ? 'metadata' : 'listing'}, attempt ${r.attempt} of ` +
    `${r.maxAttempts}); retrying in ${(r.delayMs / 1000).toFixed(1)} s.`
  );
}
