/**
 * SPEC.md §5: the S3 sync plan. Pure: a listing of objects and the analysed
 * training_versions.json files in, per file the entries that change, the new
 * entries, and the text edits; no I/O.
 *
 * Matching runs rule by rule over all objects (job id from metadata, same
 * object, id equals stem, version name equals label), so stronger evidence
 * claims an entry first; an entry claimed by one object is never claimed by
 * another. Before an object becomes a new entry, the §2 duplicate rules are run
 * on the text the sync would write: a sync never creates a duplicate.
 */
import { compareWinner, describeVersion, RULE_TITLES } from './duplicates';
import { applyEdits, type TextEdit } from './edits';
import { analyze, type Analysis } from './findings';
import { baseJobId, fileStem, parseModelStem, type ModelFile } from './identity';
import { appendElementsEdit, setPropertiesEdits, type PropertyChange } from './jsonEdit';
import { upgradeUrl } from './merge';
import { metadataJobId } from './s3Metadata';
import { endpointObject, isPresigned, objectIdentity, objectUrl } from './s3Url';
import { isEmptyValue, str, SYNCED_FROM_S3, type Version } from './versions';

/** One object of a bucket listing. */
export interface S3ObjectInfo {
  key: string;
  lastModified?: Date | string;
  size?: number;
  /** User metadata (`x-amz-meta-*` without the prefix); only when metadata was read. */
  metadata?: Record<string, string>;
}

/** A training_versions.json file to sync into; `analysis.options.styleId` is its folder's style id. */
export interface SyncTarget {
  path: string;
  analysis: Analysis;
}

export interface SyncPlanOptions {
  bucket: string;
  /** The bucket's region: names the regular URL `https://B.s3.<region>.amazonaws.com/K`. */
  region: string;
  /** A custom (S3-compatible) endpoint: URLs are written on it, see `objectUrl`. */
  endpoint?: string;
  /** Path-style addressing on the custom endpoint. */
  forcePathStyle?: boolean;
  preferAcceleratedUrls: boolean;
  /** The sync's time: `lastSynced` of every matched or new entry. */
  now: Date | string | number;
  /** Match by the `runpod-job-id` / `runpod_job_id` metadata of the objects. */
  readMetadata?: boolean;
}

export type SyncMatchRule = 'job-id' | 'same-object' | 'id-is-stem' | 'version-name' | 'linked';

export const SYNC_RULE_TITLES: Record<SyncMatchRule, string> = {
  'job-id': 'RunPod job id in the object metadata',
  'same-object': 'same S3 object',
  'id-is-stem': 'id is the file stem',
  'version-name': 'version name is the file label',
  linked: 'same model (§2)',
};

/** One field an update changes; `from` is undefined when the field was missing. */
export interface FieldChange {
  field: string;
  from?: unknown;
  to: unknown;
}

/** An existing entry matched by an object. */
export interface EntryUpdate {
  /** Index of the entry in `versions`. */
  index: number;
  id: string | null;
  label: string;
  /** The object's key. */
  key: string;
  rule: SyncMatchRule;
  /** Why it matched, naming the evidence. */
  reason: string;
  /** Empty only when nothing at all changes (never: lastSynced always moves, unless `now` is unchanged). */
  changes: FieldChange[];
}

/** A new minimal entry for an object that matched nothing. */
export interface EntryAddition {
  key: string;
  entry: Record<string, unknown>;
}

/** An object left out of a file because adding it would create a duplicate. */
export interface NotAdded {
  key: string;
  reason: string;
}

export interface FileSyncPlan {
  path: string;
  styleId: string;
  updates: EntryUpdate[];
  additions: EntryAddition[];
  notAdded: NotAdded[];
  edits: TextEdit[];
  /** The text after the sync; equal to the input when nothing changes. */
  newText: string;
  changed: boolean;
}

/** A file the sync does not touch. */
export interface SkippedFile {
  path: string;
  kind: 'invalid' | 'no-style-id';
  reason: string;
}

/** A model file with no style folder to go to: reported, written nowhere. */
export interface UnplacedObject {
  key: string;
  styleId: string;
  reason: string;
}

export interface SyncPlan {
  /** Every file that has a style id and parses, in the order given. */
  files: FileSyncPlan[];
  skipped: SkippedFile[];
  unplaced: UnplacedObject[];
  counts: {
    /** Objects listed. */
    objects: number;
    /** Objects named `style_<id>_v<label>.safetensors`. */
    models: number;
    /** Other objects (not model files). */
    ignored: number;
    /** Entries matched and updated. */
    matched: number;
    /** New entries. */
    added: number;
    unplaced: number;
    notAdded: number;
    changedFiles: number;
  };
}

/** A model object of the listing. */
interface ModelObject {
  info: S3ObjectInfo;
  key: string;
  fileName: string;
  model: ModelFile;
  /** `objectIdentity` of (bucket, key). */
  identity: string;
  jobBaseId?: string;
}

interface FileState {
  target: SyncTarget;
  styleId: string;
  versions: Version[];
  /** Entry index → its version. */
  byIndex: Map<number, Version>;
  byJob: Map<string, Version[]>;
  byObject: Map<string, Version[]>;
  byId: Map<string, Version[]>;
  byName: Map<string, Version[]>;
  /** Entry index → the object its loraUrl names, when it names one (on AWS or on the endpoint). */
  objectOf: Map<number, string>;
  /** Entry index → the update that claimed it. */
  claimed: Map<number, EntryUpdate>;
  updates: EntryUpdate[];
  pending: ModelObject[];
  notAdded: NotAdded[];
}

function isoTime(x: Date | string | number | undefined, fallback: string): string {
  if (x === undefined) return fallback;
  const d = x instanceof Date ? x : new Date(x);
  return Number.isNaN(d.getTime()) ? fallback : d.toISOString();
}

/** The caller's clock reading as ISO text; the planner never reads the clock itself. */
function requiredIso(now: Date | string | number): string {
  const d = now instanceof Date ? now : new Date(now);
  if (Number.isNaN(d.getTime())) throw new RangeError(`planSync: options.now is not a valid time (${String(now)})`);
  return d.toISOString();
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

function indexFile(target: SyncTarget, styleId: string, endpoint: string | undefined): FileState {
  const versions = target.analysis.versions;
  const st: FileState = {
    target,
    styleId,
    versions,
    byIndex: new Map(versions.map((v) => [v.index, v])),
    byJob: new Map(),
    byObject: new Map(),
    byId: new Map(),
    byName: new Map(),
    objectOf: new Map(),
    claimed: new Map(),
    updates: [],
    pending: [],
    notAdded: [],
  };
  for (const v of versions) {
    if (v.baseId !== undefined) push(st.byJob, v.baseId, v);
    const url = str(v.value, 'loraUrl');
    const onEndpoint = v.objectKey === undefined && url !== undefined ? endpointObject(url, endpoint) : undefined;
    const identity = v.objectKey ?? (onEndpoint ? objectIdentity(onEndpoint) : undefined);
    if (identity !== undefined) {
      push(st.byObject, identity, v);
      st.objectOf.set(v.index, identity);
    }
    if (v.id !== undefined) push(st.byId, v.id, v);
    if (v.versionName !== undefined) push(st.byName, v.versionName, v);
  }
  // Among several candidates of one rule, the entry a merge would keep comes first.
  for (const m of [st.byJob, st.byObject, st.byId, st.byName]) for (const list of m.values()) if (list.length > 1) list.sort(compareWinner);
  return st;
}

const RULES: Exclude<SyncMatchRule, 'linked'>[] = ['job-id', 'same-object', 'id-is-stem', 'version-name'];

function candidates(st: FileState, rule: SyncMatchRule, o: ModelObject): Version[] | undefined {
  switch (rule) {
    case 'job-id':
      return o.jobBaseId === undefined ? undefined : st.byJob.get(o.jobBaseId);
    case 'same-object':
      return st.byObject.get(o.identity);
    case 'id-is-stem':
      return st.byId.get(o.model.stem);
    case 'version-name':
      // Objects reach only the folders of their own style id, so the label is of this style.
      return o.model.styleId === st.styleId ? st.byName.get(o.model.label) : undefined;
    default:
      return undefined;
  }
}

function reasonFor(rule: SyncMatchRule, o: ModelObject, v: Version, bucket: string): string {
  switch (rule) {
    case 'job-id':
      return `the object's runpod-job-id metadata names the job ${o.jobBaseId}, the base id of "${v.id}"`;
    case 'same-object':
      return `loraUrl names s3://${bucket}/${o.key}`;
    case 'id-is-stem':
      return `id "${v.id}" is the file stem of ${o.fileName}`;
    case 'version-name':
      return `version name ${v.versionName} is the label of ${o.fileName} (style ${o.model.styleId})`;
    default:
      return 'the same model by the duplicate rules';
  }
}

/**
 * What a match changes on an entry: loraUrl if missing, upgradable, or a
 * `<bucket>.<IP>` URL of this object on this endpoint (which cannot resolve);
 * status; lastSynced. A presigned URL is never rewritten.
 */
function updateChanges(v: Version, url: string, prefer: boolean, now: string, endpoint: string | undefined): FieldChange[] {
  const changes: FieldChange[] = [];
  const value = v.value;
  const current = value.loraUrl;
  if (isEmptyValue(current)) changes.push({ field: 'loraUrl', from: current, to: url });
  else if (typeof current === 'string' && isPresigned(current)) {
    // Its signature covers the host: any other spelling would break it.
  } else if (typeof current === 'string' && current !== url && endpointObject(current, endpoint)?.unreachable) {
    changes.push({ field: 'loraUrl', from: current, to: url });
  } else if (prefer && typeof current === 'string') {
    // Only ever towards the accelerated spelling: an accelerated URL is never replaced.
    const up = upgradeUrl(current);
    if (up !== undefined) changes.push({ field: 'loraUrl', from: current, to: up });
  }
  if (value.status !== 'completed') changes.push({ field: 'status', from: value.status, to: 'completed' });
  if (value.lastSynced !== now) changes.push({ field: 'lastSynced', from: value.lastSynced, to: now });
  return changes;
}

/** Plans the sync of `objects` (one bucket) into `targets`. Pure. */
export function planSync(objects: readonly S3ObjectInfo[], targets: readonly SyncTarget[], options: SyncPlanOptions): SyncPlan {
  const now = requiredIso(options.now);
  const bucket = options.bucket;
  const bucketId = bucket.toLowerCase();
  const skipped: SkippedFile[] = [];
  const states: FileState[] = [];
  const byStyle = new Map<string, FileState[]>();
  const invalidByStyle = new Map<string, string[]>();

  for (const t of targets) {
    const a = t.analysis;
    if (!a.writable) {
      const first = a.findings.find((f) => f.severity === 'error');
      skipped.push({ path: t.path, kind: 'invalid', reason: first ? `${first.code}: ${first.message}` : 'the file is not usable' });
      if (a.options.styleId !== undefined) push(invalidByStyle, a.options.styleId, t.path);
      continue;
    }
    const styleId = a.options.styleId;
    if (styleId === undefined) {
      skipped.push({
        path: t.path,
        kind: 'no-style-id',
        reason: 'its folder name does not start with a style id, so no model file belongs to it',
      });
      continue;
    }
    const st = indexFile(t, styleId, options.endpoint);
    states.push(st);
    push(byStyle, styleId, st);
  }

  // The model objects, in key order (S3's own listing order) for a deterministic plan.
  const models: ModelObject[] = [];
  let ignored = 0;
  const seenKeys = new Set<string>();
  for (const info of objects) {
    if (seenKeys.has(info.key)) continue;
    seenKeys.add(info.key);
    const fileName = info.key.slice(info.key.lastIndexOf('/') + 1);
    const stem = fileStem(fileName);
    const model = stem === undefined ? undefined : parseModelStem(stem);
    if (!model) {
      ignored++;
      continue;
    }
    const jobId = options.readMetadata ? metadataJobId(info.metadata) : undefined;
    models.push({
      info,
      key: info.key,
      fileName,
      model,
      identity: objectIdentity({ bucket: bucketId, key: info.key }),
      jobBaseId: jobId === undefined ? undefined : baseJobId(jobId),
    });
  }
  models.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const urlOf = (o: ModelObject) => objectUrl(bucket, o.key, options);
  const claim = (st: FileState, v: Version, o: ModelObject, rule: SyncMatchRule, reason: string) => {
    const u: EntryUpdate = {
      index: v.index,
      id: v.id ?? null,
      label: describeVersion(v),
      key: o.key,
      rule,
      reason,
      changes: updateChanges(v, urlOf(o), options.preferAcceleratedUrls, now, options.endpoint),
    };
    st.claimed.set(v.index, u);
    st.updates.push(u);
  };

  // Rule by rule over every object: the strongest evidence claims an entry first.
  let unmatched = models;
  for (const rule of RULES) {
    const rest: ModelObject[] = [];
    for (const o of unmatched) {
      let done = false;
      for (const st of byStyle.get(o.model.styleId) ?? []) {
        // §2: an entry whose loraUrl names another S3 object is another model, whatever rule would link them.
        const v = candidates(st, rule, o)?.find((c) => !st.claimed.has(c.index) && (st.objectOf.get(c.index) ?? o.identity) === o.identity);
        if (v) {
          claim(st, v, o, rule, reasonFor(rule, o, v, bucket));
          done = true;
          break;
        }
      }
      if (!done) rest.push(o);
    }
    unmatched = rest;
  }

  const unplaced: UnplacedObject[] = [];
  for (const o of unmatched) {
    const folders = byStyle.get(o.model.styleId) ?? [];
    const broken = invalidByStyle.get(o.model.styleId);
    if (folders.length === 0 && broken) {
      unplaced.push({
        key: o.key,
        styleId: o.model.styleId,
        reason: `the file of style ${o.model.styleId} (${broken.join(', ')}) does not parse; fix it and sync again`,
      });
    } else if (folders.length === 0) {
      unplaced.push({
        key: o.key,
        styleId: o.model.styleId,
        reason: `no style folder with style id ${o.model.styleId} among the files synced`,
      });
    } else if (folders.length > 1) {
      unplaced.push({
        key: o.key,
        styleId: o.model.styleId,
        reason:
          `${folders.length} style folders have style id ${o.model.styleId} ` +
          `(${folders.map((f) => f.target.path).join(', ')}); add the entry by hand to the right one`,
      });
    } else {
      folders[0].pending.push(o);
    }
  }

  const files: FileSyncPlan[] = [];
  let added = 0,
    matched = 0,
    notAddedCount = 0,
    changedFiles = 0;
  for (const st of states) {
    const { additions, edits, newText } = finishFile(st, urlOf, now, claim);
    const changed = newText !== st.target.analysis.doc.text;
    if (changed) changedFiles++;
    added += additions.length;
    matched += st.updates.length;
    notAddedCount += st.notAdded.length;
    files.push({
      path: st.target.path,
      styleId: st.styleId,
      updates: st.updates,
      additions,
      notAdded: st.notAdded,
      edits,
      newText,
      changed,
    });
  }

  return {
    files,
    skipped,
    unplaced,
    counts: {
      objects: seenKeys.size,
      models: models.length,
      ignored,
      matched,
      added,
      unplaced: unplaced.length,
      notAdded: notAddedCount,
      changedFiles,
    },
  };
}

/** The edits of a file: each update set in place, the new entries appended (only through the jsonEdit helpers). */
function fileEdits(st: FileState, entries: Record<string, unknown>[]): TextEdit[] {
  const doc = st.target.analysis.doc;
  const edits: TextEdit[] = [];
  for (const u of st.updates) {
    const node = st.byIndex.get(u.index)!.node;
    const changes: PropertyChange[] = u.changes.map((c) => ({ key: c.field, raw: JSON.stringify(c.to) }));
    edits.push(...setPropertiesEdits(doc, node, changes));
  }
  const append = appendElementsEdit(doc, entries);
  if (append) edits.push(append);
  return edits;
}

/**
 * The new entries of one file, its edits and new text. Objects with the same
 * file stem become one entry. Then the §2 rules run on the text the sync would
 * write: a new entry they link to an existing one becomes a match of that entry
 * instead, or is left out when that entry is already taken. A sync never writes
 * a duplicate, by the same rules `check` uses.
 */
function finishFile(
  st: FileState,
  urlOf: (o: ModelObject) => string,
  now: string,
  claim: (st: FileState, v: Version, o: ModelObject, rule: SyncMatchRule, reason: string) => void,
): { additions: EntryAddition[]; edits: TextEdit[]; newText: string } {
  const doc = st.target.analysis.doc;
  const byStem = new Map<string, ModelObject>();
  let fresh: ModelObject[] = [];
  for (const o of st.pending) {
    const first = byStem.get(o.model.stem);
    if (first)
      st.notAdded.push({ key: o.key, reason: `another object with the same file name, ${first.key}, becomes the entry "${o.model.stem}"` });
    else {
      byStem.set(o.model.stem, o);
      fresh.push(o);
    }
  }

  const base = doc.elements?.length ?? 0;
  for (;;) {
    st.updates.sort((a, b) => a.index - b.index);
    const entries = fresh.map((o) => newEntry(o, urlOf(o), now));
    const edits = fileEdits(st, entries);
    const newText = edits.length ? applyEdits(doc.text, edits) : doc.text;
    if (fresh.length === 0) return { additions: [], edits, newText };

    const after = analyze(newText, { styleId: st.styleId, now: Date.parse(now) });
    const dropped = new Set<number>();
    for (const g of after.groups) {
      const news = g.members.filter((m) => m.index >= base).sort((a, b) => a.index - b.index);
      if (news.length === 0) continue;
      const existing = g.members.filter((m) => m.index < base);
      for (const [n, s] of news.entries()) {
        const k = s.index - base;
        const o = fresh[k];
        const free = existing.find((e) => !st.claimed.has(e.index));
        if (free) {
          const link = g.links.find((l) => (l.a === s.index && l.b === free.index) || (l.b === s.index && l.a === free.index));
          const why = link
            ? `as a new entry it would duplicate it (${RULE_TITLES[link.rule]}: ${link.detail})`
            : `as a new entry it would join the duplicates of ${describeVersion(free)}`;
          claim(st, st.byIndex.get(free.index)!, o, 'linked', why);
          dropped.add(k);
        } else if (existing.length > 0) {
          const taken = st.claimed.get(existing[0].index);
          st.notAdded.push({
            key: o.key,
            reason: `it would duplicate ${describeVersion(existing[0])}, which ${taken ? taken.key : 'another object'} already matched`,
          });
          dropped.add(k);
        } else if (n > 0) {
          st.notAdded.push({ key: o.key, reason: `it would duplicate the new entry for ${fresh[news[0].index - base].key}` });
          dropped.add(k);
        }
      }
    }
    if (dropped.size === 0) return { additions: fresh.map((o, k) => ({ key: o.key, entry: entries[k] })), edits, newText };
    // Plan again without them: the claims changed the updates, and indices moved.
    fresh = fresh.filter((_, k) => !dropped.has(k));
  }
}

/** The minimal entry the sync writes for a new object (SPEC.md §5). */
export function newEntry(
  o: { key: string; info: S3ObjectInfo; fileName: string; model: ModelFile },
  url: string,
  now: string,
): Record<string, unknown> {
  return {
    id: o.model.stem,
    name: o.fileName,
    status: 'completed',
    loraUrl: url,
    timestamp: isoTime(o.info.lastModified, now),
    lastSynced: now,
    parameters: {},
    description: SYNCED_FROM_S3,
  };
}
