/**
 * The version entries of a parsed file, with what the identity rules derive
 * from each: its S3 object, its model file, its version name, its base job id.
 */
import type { ElementNode, ParsedDocument } from './document';
import { isPlainObject } from './document';
import { baseJobId, fileStem, parseModelStem, versionNameOf, type ModelFile } from './identity';
import {
  acceleratedUrl,
  hasAcceleratedHost,
  isAcceleratedHostname,
  objectIdentity,
  parseS3Url,
  pathFileName,
  s3LocationOf,
  splitUrl,
  type S3Location,
  type UrlParts,
} from './s3Url';

export const STATUSES = ['pending', 'starting', 'training', 'completed', 'failed'] as const;
export type VersionStatus = (typeof STATUSES)[number];
export const IN_FLIGHT: readonly string[] = ['pending', 'starting', 'training'];
export const SYNCED_FROM_S3 = 'Synced from S3';

/** One element of `versions` that is an object. */
export interface Version {
  node: ElementNode;
  index: number;
  value: Record<string, unknown>;
  /** `id` when it is a string. */
  id?: string;
  baseId?: string;
  /** The S3 object of `loraUrl`, when it is an S3 URL. */
  location?: S3Location;
  /** `objectIdentity(location)`. */
  objectKey?: string;
  /** File stem of `loraUrl` (any URL ending in .safetensors). */
  urlStem?: string;
  /** The entry's model file: from `loraUrl`, else from `id`/`name`. */
  file?: ModelFile;
  /** `name` as a version label (`V4`), never a file name. */
  versionName?: string;
  minimal: boolean;
}

export function str(v: Record<string, unknown>, key: string): string | undefined {
  const x = v[key];
  return typeof x === 'string' ? x : undefined;
}

/** True for `{}` (without listing its keys: no allocation). */
function isEmptyObject(x: Record<string, unknown>): boolean {
  for (const k in x) if (Object.prototype.hasOwnProperty.call(x, k)) return false;
  return true;
}

/** Missing, null, "" or {} — what a merge fills from another member. */
export function isEmptyValue(x: unknown): boolean {
  return x === undefined || x === null || x === '' || (isPlainObject(x) && isEmptyObject(x));
}

export function hasParameters(v: Record<string, unknown>): boolean {
  const p = v.parameters;
  return isPlainObject(p) && !isEmptyObject(p);
}

/** §1: parameters missing or {}, and neither imageCount nor selectionSetId present. */
export function isMinimal(v: Record<string, unknown>): boolean {
  const p = v.parameters;
  const emptyParams = p === undefined || p === null || (isPlainObject(p) && isEmptyObject(p));
  return (
    emptyParams && (v.imageCount === undefined || v.imageCount === null) && (v.selectionSetId === undefined || v.selectionSetId === null)
  );
}

/** Builds the versions of a parsed document (object elements only). */
export function versionsOf(doc: ParsedDocument): Version[] {
  const out: Version[] = [];
  const elements = doc.elements ?? [];
  for (let i = 0; i < elements.length; i++) {
    if (elements[i].isObject) out.push(versionOfElement(elements[i]));
  }
  return out;
}

/** The Version of one object element of `versions`. */
export function versionOfElement(node: ElementNode): Version {
  return new VersionEntry(node);
}

/**
 * A version with what the identity rules derive from it. Its S3 object is
 * parsed on first use: most of what `analyze` needs comes from the file name
 * alone, and a large file has tens of thousands of URLs.
 */
class VersionEntry implements Version {
  readonly index: number;
  readonly value: Record<string, unknown>;
  readonly id: string | undefined;
  readonly baseId: string | undefined;
  readonly urlStem: string | undefined;
  readonly file: ModelFile | undefined;
  readonly versionName: string | undefined;
  readonly minimal: boolean;
  /** `loraUrl` split once (`splitUrl`), for every rule that reads it. */
  private readonly parts: UrlParts | undefined;
  private parsed = false;
  private loc: S3Location | undefined;
  private key: string | undefined;
  /** `urlUpgrade`, once worked out (null: not yet). */
  private upgrade: string | undefined | null = null;

  constructor(readonly node: ElementNode) {
    const value = node.value as Record<string, unknown>;
    const id = str(value, 'id');
    this.index = node.index;
    this.value = value;
    this.id = id;
    this.baseId = id === undefined ? undefined : baseJobId(id);
    this.minimal = isMinimal(value);
    const url = str(value, 'loraUrl') || undefined;
    const parts = url === undefined ? undefined : splitUrl(url);
    this.parts = parts;
    const fname = parts === undefined ? undefined : pathFileName(parts.path);
    this.urlStem = fname === undefined ? undefined : fileStem(fname);
    let file = this.urlStem === undefined ? undefined : parseModelStem(this.urlStem);
    if (!file) {
      // No model file in loraUrl: the S3 sync's own entries carry it in id / name,
      // as a file stem (`style_1_vV7`) or a file name (`style_1_vV7.safetensors`).
      file = modelFileOf(id) ?? modelFileOf(str(value, 'name'));
    }
    this.file = file;
    this.versionName = versionNameOf(value.name);
  }

  get location(): S3Location | undefined {
    if (!this.parsed) {
      this.parsed = true;
      this.loc = this.parts === undefined ? undefined : s3LocationOf(this.parts);
      this.key = this.loc && objectIdentity(this.loc);
    }
    return this.loc;
  }

  get objectKey(): string | undefined {
    return this.location && this.key;
  }

  /** `hasAcceleratedHost(loraUrl)`, from the URL split once. */
  get acceleratedHost(): boolean {
    return this.parts !== undefined && isAcceleratedHostname(this.parts.hostname);
  }

  /** `urlUpgradeOf(this)`, worked out once (the clean-up plan and its edits both ask). */
  get urlUpgrade(): string | undefined {
    if (this.upgrade === null) {
      const loc = typeof this.value.loraUrl !== 'string' || this.acceleratedHost ? undefined : this.location;
      this.upgrade = loc && !loc.accelerated ? acceleratedUrl(loc) : undefined;
    }
    return this.upgrade;
  }
}

/**
 * The accelerated URL of the entry's regular S3 `loraUrl` (`upgradeUrl(loraUrl)` of merge.ts),
 * from its URL as it was split: none for an accelerated host without parsing the object
 * (`parseS3Url` would say accelerated), else from the object parsed once.
 */
export function urlUpgradeOf(v: Version): string | undefined {
  if (v instanceof VersionEntry) return v.urlUpgrade;
  const url = v.value.loraUrl;
  if (typeof url !== 'string') return undefined;
  const loc = parseS3Url(url);
  return loc && !loc.accelerated ? acceleratedUrl(loc) : undefined;
}

/** `parseS3Url(v.value.loraUrl)`: the S3 object the entry's URL names, parsed once when `versionsOf` made it. */
export function locationOf(v: Version): S3Location | undefined {
  if (v instanceof VersionEntry) return v.location;
  const url = v.value.loraUrl;
  return typeof url === 'string' ? parseS3Url(url) : undefined;
}

/** `hasAcceleratedHost(v.value.loraUrl)`: from the entry's URL as it was split, when `versionsOf` made it. */
export function hasAcceleratedUrl(v: Version): boolean {
  return v instanceof VersionEntry ? v.acceleratedHost : hasAcceleratedHost(v.value.loraUrl);
}

/** The model file an `id` or `name` names, as a file stem or a file name (§2 rule 3). */
function modelFileOf(s: string | undefined): ModelFile | undefined {
  if (s === undefined) return undefined;
  return parseModelStem(fileStem(s) ?? s);
}
