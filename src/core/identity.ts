/**
 * Identity rules of SPEC.md §1: file stems, version labels, style ids and RunPod
 * base job ids (S3 URL spellings: s3Url.ts). Pure functions, no I/O.
 */

const SAFETENSORS = '.safetensors';

/** The file stem of a `.safetensors` file name, else undefined. */
export function fileStem(fileName: string): string | undefined {
  // /[^]\.safetensors$/i by hand (it runs for every entry): ASCII case-insensitive, as /i without /u is.
  const n = fileName.length,
    m = SAFETENSORS.length;
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

const BARE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The base job id: one trailing `-<letter><digits>` stripped (`-e2`, `-u1`, SPEC.md §1) —
 * never from a bare UUID, whose last group may itself read as a letter and digits.
 */
export function baseJobId(id: string): string {
  // /-[a-z]\d+$/i by hand (it runs for every entry): the trailing digits, then a letter, then `-`.
  let k = id.length - 1;
  while (k >= 0 && id.charCodeAt(k) >= 48 && id.charCodeAt(k) <= 57) k--;
  if (k === id.length - 1 || k < 1) return id;
  const c = id.charCodeAt(k) | 0x20;
  if (c < 97 || c > 122 || id.charCodeAt(k - 1) !== 45) return id;
  return id.length === 36 && BARE_UUID.test(id) ? id : id.slice(0, k - 1); // a bare UUID is 36 characters
}

/** True for ids shaped like a RunPod job id (`<uuid>`, optionally with a suffix such as `-e<N>` or `-u<N>`). */
export function isJobId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-[a-z]\d+)?$/i.test(id);
}
