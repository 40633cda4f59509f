/**
 * The version entries of a parsed file, with what the identity rules derive
 * from each: its S3 object, its model file, its version name, its base job id.
 */
import type { ElementNode, ParsedDocument } from './document';
import { isPlainObject } from './document';
import {
  baseJobId, fileStem, locationFileName, objectIdentity, parseModelStem, parseS3Url, urlFileName, versionNameOf,
  type ModelFile, type S3Location,
} from './identity';

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

/** Missing, null, "" or {} — what a merge fills from another member. */
export function isEmptyValue(x: unknown): boolean {
  return x === undefined || x === null || x === '' || (isPlainObject(x) && Object.keys(x).length === 0);
}

export function hasParameters(v: Record<string, unknown>): boolean {
  const p = v.parameters;
  return isPlainObject(p) && Object.keys(p).length > 0;
}

/** §1: parameters missing or {}, and neither imageCount nor selectionSetId present. */
export function isMinimal(v: Record<string, unknown>): boolean {
  const p = v.parameters;
  const emptyParams = p === undefined || p === null || (isPlainObject(p) && Object.keys(p).length === 0);
  return emptyParams && (v.imageCount === undefined || v.imageCount === null) && (v.selectionSetId === undefined || v.selectionSetId === null);
}

/** Builds the versions of a parsed document (object elements only). */
export function versionsOf(doc: ParsedDocument): Version[] {
  const out: Version[] = [];
  for (const node of doc.elements ?? []) {
    if (!node.isObject) continue;
    out.push(describeVersion(node));
  }
  return out;
}

export function describeVersion(node: ElementNode): Version {
  const value = node.value as Record<string, unknown>;
  const id = str(value, 'id');
  const v: Version = { node, index: node.index, value, id, minimal: isMinimal(value) };
  if (id !== undefined) v.baseId = baseJobId(id);
  const url = str(value, 'loraUrl');
  if (url) {
    const loc = parseS3Url(url);
    if (loc) {
      v.location = loc;
      v.objectKey = objectIdentity(loc);
    }
    const fname = v.location ? locationFileName(v.location) : urlFileName(url);
    const stem = fname === undefined ? undefined : fileStem(fname);
    if (stem !== undefined) {
      v.urlStem = stem;
      v.file = parseModelStem(stem);
    }
  }
  if (!v.file) {
    // No model file in loraUrl: the S3 sync's own entries carry it in name / id.
    const name = str(value, 'name');
    const nameStem = name === undefined ? undefined : fileStem(name);
    v.file = (nameStem !== undefined ? parseModelStem(nameStem) : undefined) ?? (id !== undefined ? parseModelStem(id) : undefined);
  }
  v.versionName = versionNameOf(value.name);
  return v;
}

/** A short human label of a version: its name, else its id. */
export function labelOf(v: Version): string {
  const name = str(v.value, 'name');
  return name ?? v.id ?? `#${v.index + 1}`;
}
