/**
 * Every rule about S3 object URLs (SPEC.md §1, §5), in one module: parsing any
 * spelling into (bucket, key), the accelerated / regional / custom-endpoint URL of an
 * object, presigned URLs, and the addressing a custom endpoint uses. Pure.
 */

/** An S3 object named by a URL, in whichever spelling. */
export interface S3Location {
  /** Bucket name, lower-cased (bucket names are DNS names). */
  bucket: string;
  /** Object key, URL-decoded as a whole (`%2F` is `/`). */
  key: string;
  /** Key exactly as spelled in the URL path (still encoded). */
  rawKey: string;
  /** Region named by the host, when it names one. */
  region?: string;
  /** True for `s3-accelerate` hosts (including the dual-stack one). */
  accelerated: boolean;
  /** Everything after the key (query and fragment), kept on rewrites. */
  suffix: string;
}

/** The parts of an http(s) URL: the one URL regex of the product. */
export interface UrlParts {
  scheme: string;
  /** Host with port, lower-cased. */
  host: string;
  /** Host without port. */
  hostname: string;
  /** The path, `/` when there is none. */
  path: string;
  /** Query and fragment, with their `?` / `#`. */
  suffix: string;
}

const HTTP_URL = /^(https?):\/\/([^/?#\s]+)(\/[^?#]*)?([?#].*)?$/i;

/** True for an http(s) URL with a host (`loraUrl`s, endpoints): the product's one URL test. */
export function isHttpUrl(url: unknown): url is string {
  return typeof url === 'string' && splitUrl(url) !== undefined;
}

/** A value to open or copy as a link: a trimmed http(s) URL with no whitespace inside, else undefined. */
export function linkUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const url = value.trim();
  return /^https?:\/\/\S+$/i.test(url) ? url : undefined;
}

/** Splits an http(s) URL; undefined for anything else. */
export function splitUrl(url: string): UrlParts | undefined {
  const m = HTTP_URL.exec(url.trim());
  if (!m) return undefined;
  const host = m[2].toLowerCase();
  // Most hosts have no port: the regex only for those that do (this runs for every entry of a check).
  const hostname =
    host.charCodeAt(0) === 91 /* [ */ ? host.slice(0, host.indexOf(']') + 1) : host.includes(':') ? host.replace(/:\d*$/, '') : host;
  return { scheme: m[1].toLowerCase(), host, hostname, path: m[3] ?? '/', suffix: m[4] ?? '' };
}

const AWS_SUFFIX = '.amazonaws.com';

/** True for AWS's own hosts (`*.amazonaws.com`): no custom endpoint. */
export function isAwsHost(hostname: string): boolean {
  return hostname === 'amazonaws.com' || hostname.endsWith(AWS_SUFFIX);
}

/**
 * Parses any AWS S3 URL spelling of §1 into (bucket, key). Returns undefined for a
 * URL that is not an S3 object URL on AWS (see `endpointObjectIdentity` for others).
 */
export function parseS3Url(url: string): S3Location | undefined {
  const u = splitUrl(url);
  return u && s3LocationOf(u);
}

/** `parseS3Url` of a URL already split (`splitUrl`): for a caller that needs other parts of it too. */
export function s3LocationOf(u: UrlParts): S3Location | undefined {
  if (!u.hostname.endsWith(AWS_SUFFIX)) return undefined;
  const head = u.hostname.slice(0, -AWS_SUFFIX.length);
  // Virtual-hosted: <bucket>.<service part>; the service part is the shortest suffix
  // that is one (the bucket is greedy), so that a bucket "data.s3" stays whole.
  const vh = /^(.+)\.(s3-accelerate(?:\.dualstack)?|s3(?:\.dualstack)?(?:[.-]([a-z0-9-]+))?)$/.exec(head);
  if (vh) return finish(vh[1], u.path.slice(1), vh[2].startsWith('s3-accelerate'), regionOf(vh[3]), u.suffix);
  // Path-style: s3[.-]<region>.amazonaws.com/<bucket>/<key>
  const ps = /^s3(?:\.dualstack)?(?:[.-]([a-z0-9-]+))?$/.exec(head);
  if (ps) {
    const slash = u.path.indexOf('/', 1);
    if (slash < 0) return undefined;
    return finish(u.path.slice(1, slash), u.path.slice(slash + 1), false, regionOf(ps[1]), u.suffix);
  }
  return undefined;
}

function regionOf(part: string | undefined): string | undefined {
  if (!part) return undefined;
  return part === 'external-1' ? 'us-east-1' : part;
}

function finish(bucket: string, rawKey: string, accelerated: boolean, region: string | undefined, suffix: string): S3Location | undefined {
  if (!bucket || !rawKey) return undefined;
  return { bucket: decodeLenient(bucket).toLowerCase(), key: decodeLenient(rawKey), rawKey, region, accelerated, suffix };
}

/** URL-decodes, keeping the text as it is when it does not decode (most keys have no `%`). */
export function decodeLenient(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** True for a presigned URL (`X-Amz-Signature` / `X-Amz-Credential` in the query): its signature covers the host, so it is never rewritten. */
export function isPresigned(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  const q = url.indexOf('?');
  if (q < 0) return false;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash).toLowerCase();
  return /(?:^|&)x-amz-(?:signature|credential)=/.test(query);
}

const ACC = '.s3-accelerate.amazonaws.com';
const ACC_DS = '.s3-accelerate.dualstack.amazonaws.com';

/**
 * True when `url` is a string whose host is an S3 Transfer Acceleration endpoint:
 * then `parseS3Url` says `accelerated` (or that it is no S3 object URL).
 */
export function hasAcceleratedHost(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  const u = splitUrl(url);
  return u !== undefined && isAcceleratedHostname(u.hostname);
}

/** `hasAcceleratedHost` of a URL already split. */
export function isAcceleratedHostname(h: string): boolean {
  // = /^.+\.s3-accelerate(?:\.dualstack)?\.amazonaws\.com$/ (hostname has no whitespace), without the regex: hot in check.
  return (h.length > ACC.length && h.endsWith(ACC)) || (h.length > ACC_DS.length && h.endsWith(ACC_DS));
}

/** True when the bucket can be reached through S3 Transfer Acceleration (no dots). */
export function canAccelerate(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes('.');
}

/** Encodes an object key for a URL path: each `/`-separated segment percent-encoded. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** The key as written in URLs the product writes: decoded, then encoded per segment (`%2F` becomes `/`). */
function canonicalKeyPath(loc: S3Location): string {
  // Only an encoded key is re-encoded; a key that does not decode (a stray `%`) is kept as spelled.
  return !loc.rawKey.includes('%') || loc.key === loc.rawKey ? loc.rawKey : encodeKeyPath(loc.key);
}

/** The accelerated URL of the object, or undefined when the bucket has none (or the URL is presigned). */
export function acceleratedUrl(loc: S3Location): string | undefined {
  if (!canAccelerate(loc.bucket) || isPresigned(loc.suffix)) return undefined;
  return `https://${loc.bucket}.s3-accelerate.amazonaws.com/${canonicalKeyPath(loc)}${loc.suffix}`;
}

/** A stable string naming the object: equal for every spelling of one (bucket, key). */
export function objectIdentity(loc: Pick<S3Location, 'bucket' | 'key'>): string {
  return `${loc.bucket}\u0000${loc.key}`;
}

/** The last segment of a URL's decoded path ("style_1_vV7.safetensors"; `a%2Fb.safetensors` → `b.safetensors`). */
export function urlFileName(url: string): string | undefined {
  const u = splitUrl(url);
  return u && pathFileName(u.path);
}

/** `urlFileName` of a URL already split, from its path. */
export function pathFileName(urlPath: string): string | undefined {
  const path = decodeLenient(urlPath);
  const seg = path.slice(path.lastIndexOf('/') + 1);
  return seg || undefined;
}

/** True for a host that is an IPv4 / IPv6 address or `localhost`: no `<bucket>.<host>` name resolves there. */
export function isAddressHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * A custom endpoint that is not AWS's own. AWS hosts (FIPS, dual-stack, VPC
 * endpoints) serve the same objects as the public S3 URL, so they count as no
 * custom endpoint at all.
 */
export function customEndpoint(endpoint: string | undefined): UrlParts | undefined {
  if (!endpoint) return undefined;
  const u = splitUrl(endpoint);
  if (!u || isAwsHost(u.hostname)) return undefined;
  return { ...u, path: u.path.replace(/\/+$/, '') };
}

/** The addressing requests to `endpoint` use: path-style when asked, or when the host is an IP address or `localhost`. */
export function usesPathStyle(endpoint: string | undefined, forcePathStyle: boolean | undefined): boolean {
  if (forcePathStyle) return true;
  const ep = customEndpoint(endpoint);
  return ep !== undefined && isAddressHost(ep.hostname);
}

export interface ObjectUrlOptions {
  /** The bucket's region: names the regular URL `https://B.s3.<region>.amazonaws.com/K`. */
  region: string;
  /** A custom (S3-compatible) endpoint: URLs are written on it. */
  endpoint?: string;
  forcePathStyle?: boolean;
  preferAcceleratedUrls: boolean;
}

/**
 * The URL written for an object (§5). AWS: the accelerated URL when preferred and
 * the bucket has no dots, else `https://B.s3.<region>.amazonaws.com/K`. A custom
 * endpoint: the object's URL there with the addressing the requests use
 * (`usesPathStyle`); never accelerated (Transfer Acceleration is AWS's).
 */
export function objectUrl(bucket: string, key: string, options: ObjectUrlOptions): string {
  const path = encodeKeyPath(key);
  const ep = customEndpoint(options.endpoint);
  if (ep) {
    return usesPathStyle(options.endpoint, options.forcePathStyle)
      ? `${ep.scheme}://${ep.host}${ep.path}/${bucket}/${path}`
      : `${ep.scheme}://${bucket}.${ep.host}${ep.path}/${path}`;
  }
  if (options.preferAcceleratedUrls && canAccelerate(bucket)) return `https://${bucket}.s3-accelerate.amazonaws.com/${path}`;
  return `https://${bucket}.s3.${options.region}.amazonaws.com/${path}`;
}

/** The object a URL names on a custom endpoint (path-style or virtual-hosted). */
export interface EndpointObject {
  bucket: string;
  key: string;
  /** True for `<bucket>.<host>` on an IP-address or `localhost` endpoint: a name that does not resolve. */
  unreachable: boolean;
}

/** Which object of the custom `endpoint` a URL names, else undefined. */
export function endpointObject(url: string, endpoint: string | undefined): EndpointObject | undefined {
  const ep = customEndpoint(endpoint);
  const u = splitUrl(url);
  if (!ep || !u || !u.path.startsWith(ep.path + '/')) return undefined;
  const rest = u.path.slice(ep.path.length + 1);
  let bucket: string,
    rawKey: string,
    unreachable = false;
  if (u.host === ep.host) {
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    bucket = rest.slice(0, slash);
    rawKey = rest.slice(slash + 1);
  } else if (u.host.endsWith('.' + ep.host)) {
    bucket = u.host.slice(0, -(ep.host.length + 1));
    rawKey = rest;
    unreachable = isAddressHost(ep.hostname);
  } else return undefined;
  if (!bucket || !rawKey) return undefined;
  return { bucket: decodeLenient(bucket).toLowerCase(), key: decodeLenient(rawKey), unreachable };
}

/** The (bucket, key) identity of a URL on a custom endpoint, else undefined. */
export function endpointObjectIdentity(url: string, endpoint: string | undefined): string | undefined {
  const o = endpointObject(url, endpoint);
  return o === undefined ? undefined : objectIdentity(o);
}
