/**
 * Where S3 is and whose credentials are used (SPEC.md §5), resolved once, the way
 * the AWS SDKs and the AWS CLI document it, from the product's settings or flags,
 * the environment and the shared AWS files (`~/.aws/config`, `~/.aws/credentials`).
 * The result is handed to the SDK explicitly: the SDK resolves nothing by itself.
 *
 * `resolveS3Config` is pure (texts of the files in); `readAwsFiles` reads them.
 * No credential value is ever part of the result.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where the endpoint came from. `setting` is the product's own (editor setting or CLI flag). */
export type EndpointSource = 'setting' | 'AWS_ENDPOINT_URL_S3' | 'AWS_ENDPOINT_URL' | 'profile-services' | 'profile' | 'aws';

export interface ResolvedEndpoint {
  /** The custom endpoint; undefined: AWS itself. */
  url?: string;
  source: EndpointSource;
  /** The profile (and services section) it was read from, for `profile*` sources. */
  profile?: string;
  services?: string;
  /** True when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's ignore_configured_endpoint_urls) skipped configured endpoints. */
  ignoredConfigured: boolean;
}

export type ProfileSource = 'setting' | 'AWS_PROFILE' | 'default';

/** Where credentials come from, in the AWS CLI's order. */
export type CredentialSource = { kind: 'profile'; profile: string; from: 'setting' | 'AWS_PROFILE' } | { kind: 'env' } | { kind: 'chain' };

/** A conflict between credential sources, said in one line by each surface. */
export type CredentialNotice = { kind: 'env-keys-ignored'; profile: string } | { kind: 'aws-profile-ignored'; profile: string };

export interface ResolvedS3Config {
  /** The selected profile: its endpoint and region settings apply. */
  profile: { name: string; from: ProfileSource; exists: boolean };
  endpoint: ResolvedEndpoint;
  region?: { value: string; from: 'setting' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile' | 'custom-endpoint' };
  credentials: CredentialSource;
  notices: CredentialNotice[];
}

/** The texts of the shared AWS files (undefined: no such file) and their paths. */
export interface AwsFiles {
  config?: string;
  credentials?: string;
  configPath: string;
  credentialsPath: string;
}

type Section = Map<string, string>;
interface ParsedFile {
  sections: Map<string, Section>;
}

/** Parses an AWS shared file: `[name]` sections, `key = value`, indented sub-keys (`s3 =\n  endpoint_url = …` → `s3.endpoint_url`). */
export function parseAwsIni(text: string): ParsedFile {
  const sections = new Map<string, Section>();
  let current: Section | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/\s[#;].*$/, '');
    if (!line.trim() || /^\s*[#;]/.test(line)) continue;
    const head = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (head) {
      const name = head[1].trim().replace(/\s+/g, ' ');
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      parent = undefined;
      continue;
    }
    if (!current) continue;
    const kv = /^(\s*)([^=\s][^=]*?)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const [, indent, key, value] = kv;
    if (indent && parent !== undefined) current.set(`${parent}.${key.toLowerCase()}`, value.trim());
    else {
      current.set(key.toLowerCase(), value.trim());
      parent = value.trim() === '' ? key.toLowerCase() : undefined;
    }
  }
  return { sections };
}

/** The paths of the shared files, as the SDK and CLI choose them. */
export function awsFilePaths(env: NodeJS.ProcessEnv): { configPath: string; credentialsPath: string } {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  return {
    configPath: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
    credentialsPath: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
  };
}

/** Reads the shared AWS files (a missing file is no error). */
export async function readAwsFiles(env: NodeJS.ProcessEnv): Promise<AwsFiles> {
  const paths = awsFilePaths(env);
  const read = (p: string) =>
    fs
      .readFile(p, 'utf8')
      .catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'EISDIR' ? undefined : Promise.reject(e)));
  const [config, credentials] = await Promise.all([read(paths.configPath), read(paths.credentialsPath)]);
  return { config, credentials, ...paths };
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && v.trim().toLowerCase() === 'true';
}

export interface S3ConfigInput {
  /** The product's endpoint setting or flag. */
  endpoint?: string;
  /** The product's profile setting or flag. */
  profile?: string;
  region?: string;
}

/** Resolves endpoint, profile, region and credential source (SPEC.md §5). Pure. */
export function resolveS3Config(
  input: S3ConfigInput,
  env: NodeJS.ProcessEnv,
  files: Pick<AwsFiles, 'config' | 'credentials'>,
): ResolvedS3Config {
  const config = parseAwsIni(files.config ?? '');
  const credentialsFile = parseAwsIni(files.credentials ?? '');
  const fromSetting = input.profile?.trim() || undefined;
  const fromEnv = env.AWS_PROFILE?.trim() || undefined;
  const name = fromSetting ?? fromEnv ?? 'default';
  const from: ProfileSource = fromSetting ? 'setting' : fromEnv ? 'AWS_PROFILE' : 'default';
  const section =
    config.sections.get(name === 'default' ? 'default' : `profile ${name}`) ?? (name === 'default' ? undefined : config.sections.get(name));
  const exists = section !== undefined || credentialsFile.sections.has(name);

  // Endpoint: setting; AWS_ENDPOINT_URL_S3; AWS_ENDPOINT_URL; the profile's services section; its endpoint_url; AWS.
  const ignore = truthy(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) || truthy(section?.get('ignore_configured_endpoint_urls'));
  let endpoint: ResolvedEndpoint;
  const setting = input.endpoint?.trim();
  if (setting) endpoint = { url: setting, source: 'setting', ignoredConfigured: false };
  else if (ignore) endpoint = { source: 'aws', ignoredConfigured: true };
  else if (env.AWS_ENDPOINT_URL_S3?.trim())
    endpoint = { url: env.AWS_ENDPOINT_URL_S3.trim(), source: 'AWS_ENDPOINT_URL_S3', ignoredConfigured: false };
  else if (env.AWS_ENDPOINT_URL?.trim())
    endpoint = { url: env.AWS_ENDPOINT_URL.trim(), source: 'AWS_ENDPOINT_URL', ignoredConfigured: false };
  else {
    const services = section?.get('services');
    const fromServices = services ? config.sections.get(`services ${services}`)?.get('s3.endpoint_url') : undefined;
    const own = section?.get('endpoint_url');
    if (fromServices) endpoint = { url: fromServices, source: 'profile-services', profile: name, services, ignoredConfigured: false };
    else if (own) endpoint = { url: own, source: 'profile', profile: name, ignoredConfigured: false };
    else endpoint = { source: 'aws', ignoredConfigured: false };
  }

  // Credentials, as the AWS CLI: the product's profile; else keys in the environment; else AWS_PROFILE; else the chain.
  const envKeys = !!(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  const notices: CredentialNotice[] = [];
  let credentials: CredentialSource;
  if (fromSetting) {
    credentials = { kind: 'profile', profile: fromSetting, from: 'setting' };
    if (envKeys) notices.push({ kind: 'env-keys-ignored', profile: fromSetting });
  } else if (envKeys) {
    credentials = { kind: 'env' };
    if (fromEnv) notices.push({ kind: 'aws-profile-ignored', profile: fromEnv });
  } else if (fromEnv) credentials = { kind: 'profile', profile: fromEnv, from: 'AWS_PROFILE' };
  else credentials = { kind: 'chain' };

  const regionOfProfile = section?.get('region');
  let region: ResolvedS3Config['region'];
  if (input.region?.trim()) region = { value: input.region.trim(), from: 'setting' };
  else if (env.AWS_REGION?.trim()) region = { value: env.AWS_REGION.trim(), from: 'AWS_REGION' };
  else if (env.AWS_DEFAULT_REGION?.trim()) region = { value: env.AWS_DEFAULT_REGION.trim(), from: 'AWS_DEFAULT_REGION' };
  else if (regionOfProfile) region = { value: regionOfProfile, from: 'profile' };
  else if (endpoint.url) region = { value: 'us-east-1', from: 'custom-endpoint' };

  return { profile: { name, from, exists }, endpoint, region, credentials, notices };
}
