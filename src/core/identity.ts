/**
 * Identity rules of SPEC.md §1: S3 URL spellings, file stems, version labels,
 * style ids and RunPod base job ids. Pure functions, no I/O.
 */

/** An S3 object named by a URL, in whichever spelling. */
export interface S3Location {
  /** Bucket name, lower-cased (bucket names are DNS names). */
  bucket: string;
  /** Object key, URL-decoded. */
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

const AWS_SUFFIX = '.amazonaws.com';

/**
 * Parses any S3 URL spelling of §1 into (bucket, key). Returns undefined for a
 * URL that is not an S3 object URL.
 */
export function parseS3Url(url: string): S3Location | undefined {
  const m = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?([?#].*)?$/i.exec(url.trim());
  if (!m) return undefined;
  const rawHost = m[2].toLowerCase();
  const host = rawHost.includes(':') ? rawHost.replace(/:\d+$/, '') : rawHost;
  const path = m[3] ?? '/';
  const suffix = m[4] ?? '';
  if (!host.endsWith(AWS_SUFFIX)) return undefined;
  const head = host.slice(0, -AWS_SUFFIX.length);

  // Virtual-hosted: <bucket>.<service part>; the service part is the shortest suffix
  // that is one (the bucket is greedy), so that a bucket "data.s3" stays whole.
  const vh = /^(.+)\.(s3-accelerate(?:\.dualstack)?|s3(?:\.dualstack)?(?:[.-]([a-z0-9-]+))?)$/.exec(head);
  if (vh) {
    const rawKey = path.slice(1);
    return finish(vh[1], rawKey, vh[2].startsWith('s3-accelerate'), regionOf(vh[3]), suffix);
  }
  // Path-style: s3[.-]<region>.amazonaws.com/<bucket>/<key>
  const ps = /^s3(?:\.dualstack)?(?:[.-]([a-z0-9-]+))?$/.exec(head);
  if (ps) {
    const slash = path.indexOf('/', 1);
    if (slash < 0) return undefined;
    const bucket = path.slice(1, slash);
    return finish(bucket, path.slice(slash + 1), false, regionOf(ps[1]), suffix);
  }
  return undefined;
}

function regionOf(part: string | undefined): string | undefined {
  if (!part || part === 'external-1') return part === 'external-1' ? 'us-east-1' : undefined;
  return part;
}

function finish(bucket: string, rawKey: string, accelerated: boolean, region: string | undefined, suffix: string): S3Location | undefined {
  if (!bucket || !rawKey) return undefined;
  return { bucket: decodeLenient(bucket).toLowerCase(), key: decodeLenient(rawKey), rawKey, region, accelerated, suffix };
}

/** URL-decodes, keeping the text as it is when it does not decode (most keys have no `%`). */
function decodeLenient(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const ACCELERATED_HOST = /^\s*https?:\/\/[^/?#]+\.s3-accelerate(?:\.dualstack)?\.amazonaws\.com(?::\d+)?(?:[/?#]|\s*$)/i;

/**
 * True when `url` is a string whose host is an S3 Transfer Acceleration endpoint:
 * then `parseS3Url` says `accelerated` (or that it is no S3 object URL). A cheap
 * test, without parsing the URL.
 */
export function hasAcceleratedHost(url: unknown): boolean {
  return typeof url === 'string' && ACCELERATED_HOST.test(url);
}

/** True when the bucket can be reached through S3 Transfer Acceleration (no dots). */
export function canAccelerate(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes('.');
}

/** The accelerated URL of the object, or undefined when the bucket has none. */
export function acceleratedUrl(loc: S3Location): string | undefined {
  if (!canAccelerate(loc.bucket)) return undefined;
  return `https://${loc.bucket}.s3-accelerate.amazonaws.com/${loc.rawKey}${loc.suffix}`;
}

/** A stable string naming the object: equal for every spelling of one (bucket, key). */
export function objectIdentity(loc: S3Location): string {
  return `${loc.bucket}\u0000${loc.key}`;
}

const URL_WITH_PATH = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i;

/** The last path segment of a URL, URL-decoded ("style_1_vV7.safetensors"). */
export function urlFileName(url: string): string | undefined {
  // Runs for every entry of a file: located with indexOf, no match arrays.
  const u = url.trim();
  if (!URL_WITH_PATH.test(u)) return undefined;
  const pathStart = u.indexOf('/', u.indexOf('://') + 3);
  let end = u.indexOf('?', pathStart);
  if (end < 0) end = u.length;
  const hash = u.indexOf('#', pathStart);
  if (hash >= 0 && hash < end) end = hash;
  const seg = u.slice(u.lastIndexOf('/', end - 1) + 1, end);
  return seg ? decodeLenient(seg) : undefined;
}

const SAFETENSORS = '.safetensors';

/** The file stem of a `.safetensors` file name, else undefined. */
export function fileStem(fileName: string): string | undefined {
  // /[^]\.safetensors$/i by hand (it runs for every entry): ASCII case-insensitive, as /i without /u is.
  const n = fileName.length, m = SAFETENSORS.length;
  if (n <= m || fileName.charCodeAt(n - m) !== 46) return undefined;
  for (let k = 1; k < m; k++) if ((fileName.charCodeAt(n - m + k) | 0x20) !== SAFETENSORS.charCodeAt(k)) return undefined;
  return fileName.slice(0, -m);
}

/** A model file named `style_<styleId>_v<label>`. */
export interface ModelFile {
  stem: string;
  styleId: string;
  /** Normalised version label ("V7"). */
  label: string;
}

const STYLE_STEM = /^style_\d+_v.+$/i;

/** Parses a file stem `style_<id>_v<label>`; label normalised per §1. */
export function parseModelStem(stem: string): ModelFile | undefined {
  if (!STYLE_STEM.test(stem)) return undefined;
  const digitsEnd = stem.indexOf('_', 6); // after "style_"
  const label = normaliseLabel(stem.slice(digitsEnd + 2));
  if (!label) return undefined;
  return { stem, styleId: stripZeros(stem.slice(6, digitsEnd)), label };
}

/**
 * Normalises a version label: upper-case, one leading `V` of a doubled `VV`
 * stripped, a bare number gets `V`. Returns undefined for an empty label.
 */
export function normaliseLabel(raw: string): string | undefined {
  if (isCanonicalLabel(raw)) return raw;
  let l = raw.trim().toUpperCase();
  if (!l) return undefined;
  if (l.startsWith('VV')) l = l.slice(1);
  const c = l.charCodeAt(0);
  if (c >= 48 && c <= 57) l = 'V' + l; // a bare number
  return l;
}

/** `V` then digits only: already normalised (the usual label). */
function isCanonicalLabel(l: string): boolean {
  if (l.length < 2 || l.charCodeAt(0) !== 86) return false;
  for (let k = 1; k < l.length; k++) {
    const c = l.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * An entry's version name: its `name` when that is a version label
 * (`V4`, `v4`, `4` → `V4`), never a file name.
 */
const VERSION_NAME = /^\s*v{0,2}\d+\s*$/i;
const CANONICAL_VERSION_NAME = /^V\d+$/;

export function versionNameOf(name: unknown): string | undefined {
  if (typeof name !== 'string' || !VERSION_NAME.test(name)) return undefined;
  if (CANONICAL_VERSION_NAME.test(name)) return name;
  const digits = name.trim().replace(/^v+/i, '');
  return 'V' + digits;
}

/** The style id of a folder name: its leading digits (`1_ink_intensity` → `1`). */
export function styleIdOfFolder(folderName: string): string | undefined {
  const m = /^(\d+)/.exec(folderName);
  return m ? stripZeros(m[1]) : undefined;
}

function stripZeros(digits: string): string {
  return digits.charCodeAt(0) === 48 ? digits.replace(/^0+(?=\d)/, '') : digits;
}

/** The base job id: one trailing `-e<N>` or `-u<N>` stripped. */
export function baseJobId(id: string): string {
  // /-[eu]\d+$/ by hand (it runs for every entry): the trailing digits, then `e`/`u`, then `-`.
  let k = id.length - 1;
  while (k >= 0 && id.charCodeAt(k) >= 48 && id.charCodeAt(k) <= 57) k--;
  if (k === id.length - 1 || k < 1) return id;
  const c = id.charCodeAt(k);
  return (c === 101 || c === 117) && id.charCodeAt(k - 1) === 45 ? id.slice(0, k - 1) : id;
}

/** True for ids shaped like a RunPod job id (`<uuid>` optionally with `-e<N>`). */
export function isJobId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-[eu]\d+)?$/i.test(id);
}
