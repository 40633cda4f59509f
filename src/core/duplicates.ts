/**
 * SPEC.md §2: which entries of one file are the same model, and which one is kept.
 */
import { type ModelFile, parseModelStem } from './identity';
import { type Version, hasParameters, str } from './versions';

export type LinkRule = 'same-object' | 'id-is-file' | 'version-name-is-file' | 'same-job';

/** Why two entries were linked. */
export interface Link {
  rule: LinkRule;
  a: number;
  b: number;
  /** A human explanation naming the evidence. */
  detail: string;
}

/** A set of entries naming one model; `members` in winner-priority order. */
export interface DuplicateGroup {
  /** Index into `versions` of the kept entry. */
  winner: Version;
  /** All members, the winner first, then by the same priority. */
  members: Version[];
  links: Link[];
}

export const RULE_TITLES: Record<LinkRule, string> = {
  'same-object': 'same S3 object',
  'id-is-file': 'id is the file',
  'version-name-is-file': 'version name is the file',
  'same-job': 'same RunPod job',
};

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a),
      rb = this.find(b);
    if (ra === rb) return false;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
    return true;
  }
}

function timeOf(v: Version): number {
  const t = str(v.value, 'timestamp');
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/** §2 winner order: non-empty parameters; has completedAt; newest timestamp; earliest in file. */
export function compareWinner(a: Version, b: Version): number {
  const pa = hasParameters(a.value) ? 1 : 0,
    pb = hasParameters(b.value) ? 1 : 0;
  if (pa !== pb) return pb - pa;
  const ca = str(a.value, 'completedAt') ? 1 : 0,
    cb = str(b.value, 'completedAt') ? 1 : 0;
  if (ca !== cb) return cb - ca;
  const ta = timeOf(a),
    tb = timeOf(b);
  if (ta !== tb) return tb > ta ? 1 : -1;
  return a.index - b.index;
}

/**
 * Finds the duplicate groups among `versions` (all four links, transitive).
 * `styleId` is the folder's style id; rule 3 is skipped without one.
 */
export function findDuplicateGroups(versions: Version[], styleId: string | undefined): DuplicateGroup[] {
  const n = versions.length;
  const uf = new UnionFind(n);
  const links: Link[] = [];
  // Most candidate pairs are already linked (a webhook entry's name is the label
  // of its own file): a link's explanation is written only when it links.
  // §2: a group never holds two different S3 objects, whatever rule would link them,
  // so a link is refused between two groups of different objects (not only two
  // entries): an entry without a file cannot join two attempts of two objects.
  // The object of a group, once it has been linked, is kept at its root.
  const groupObject = new Map<number, string | undefined>();
  const objectOfRoot = (r: number) => (groupObject.has(r) ? groupObject.get(r) : versions[r].objectKey);
  const linkable = (a: number, b: number) => {
    if (a === b) return false;
    const ra = uf.find(a),
      rb = uf.find(b);
    if (ra === rb) return false;
    const oa = objectOfRoot(ra),
      ob = objectOfRoot(rb);
    return oa === undefined || ob === undefined || oa === ob;
  };
  const link = (a: number, b: number, rule: LinkRule, detail: string) => {
    const ra = uf.find(a),
      rb = uf.find(b);
    const object = objectOfRoot(ra) ?? objectOfRoot(rb);
    uf.union(a, b);
    groupObject.set(uf.find(a), object);
    links.push({ rule, a, b, detail });
  };
  const sameObject = (j: number, i: number) => {
    const loc = versions[i].location!;
    if (linkable(j, i)) link(j, i, 'same-object', `both loraUrls name the S3 object s3://${loc.bucket}/${loc.key}`);
  };
  const sameJob = (j: number, i: number) => {
    if (!linkable(j, i)) return;
    const v = versions[i];
    link(
      j,
      i,
      'same-job',
      v.id === versions[j].id
        ? `both have the id "${v.id}"`
        : `"${versions[j].id}" and "${v.id}" are attempts of the RunPod job ${v.baseId}`,
    );
  };
  const idIsFile = (i: number, j: number) => {
    // (a label's slot also holds files of other spellings, and files from ids / names)
    if (versions[j].urlStem === versions[i].id && linkable(i, j))
      link(i, j, 'id-is-file', `id "${versions[i].id}" is the file stem of the loraUrl of ${describe(versions[j])}`);
  };
  const nameIsFile = (i: number, j: number) => {
    if (linkable(i, j))
      link(
        i,
        j,
        'version-name-is-file',
        `version name ${versions[i].versionName} is the label of the file ${versions[j].file!.stem}.safetensors of style ${styleId}`,
      );
  };

  // 1. Same object. Two spellings of one object share its file name, so entries
  // are compared by object only among those of one file name (their S3 URLs
  // parsed then): for this style's model files, the entries of one label (3.);
  // for other .safetensors files, those of one stem; else keyed by object.
  const byObject = new Map<string, number>();
  const byOtherStem = new Map<string, Slot>();
  // 3. Version name is the file: labels of this style's files, from loraUrls or ids / names.
  const byLabel = new SlotIndex(n, (j) => versions[j].file!.label);
  // 2. Id is the file: found through the label (or other stem) of the id itself;
  // ids of a length no loraUrl stem has (job ids, usually) are skipped outright.
  const stemLengths = new Uint8Array(257);
  // 4. Same job: the first entry of each base id; for base ids seen again, the
  // first entry without an S3 object and the first of each object.
  const byBase = new FirstIndex(n, (j) => versions[j].baseId!);
  const jobs = new Map<string, { bare?: number; byObject: Map<string, number> }>();
  const seeJob = (seen: { bare?: number; byObject: Map<string, number> }, j: number) => {
    const key = versions[j].objectKey;
    if (key === undefined) seen.bare ??= j;
    else if (!seen.byObject.has(key)) seen.byObject.set(key, j);
  };
  const ofThisStyle = (f: ModelFile | undefined): f is ModelFile => styleId !== undefined && f !== undefined && f.styleId === styleId;

  for (let i = 0; i < n; i++) {
    const v = versions[i];
    const labelSlot = ofThisStyle(v.file) ? byLabel.add(v.file.label, i) : undefined;
    if (v.urlStem !== undefined) {
      stemLengths[Math.min(v.urlStem.length, 256)] = 1;
      const slot = ofThisStyle(v.file) && v.file.stem === v.urlStem ? labelSlot : addSlot(byOtherStem, v.urlStem, i);
      if (slot !== undefined && v.objectKey !== undefined) {
        const key = v.objectKey;
        const j =
          typeof slot === 'number'
            ? versions[slot].objectKey === key
              ? slot
              : undefined
            : slot.find((k) => k !== i && versions[k].objectKey === key);
        if (j !== undefined) sameObject(j, i);
      }
    } else if (v.objectKey !== undefined) {
      const j = byObject.get(v.objectKey);
      if (j === undefined) byObject.set(v.objectKey, i);
      else sameObject(j, i);
    }
    if (v.baseId !== undefined) {
      const first = byBase.add(v.baseId, i);
      if (first < 0) continue;
      let seen = jobs.get(v.baseId);
      if (!seen) {
        jobs.set(v.baseId, (seen = { byObject: new Map() }));
        seeJob(seen, first);
      }
      if (seen.bare !== undefined) sameJob(seen.bare, i);
      if (v.objectKey === undefined) {
        for (const j of seen.byObject.values()) sameJob(j, i);
      } else {
        const j = seen.byObject.get(v.objectKey);
        if (j !== undefined) sameJob(j, i);
      }
      seeJob(seen, i);
    }
  }
  for (let i = 0; i < n; i++) {
    const v = versions[i];
    const id = v.id;
    if (id !== undefined && stemLengths[Math.min(id.length, 256)] === 1) {
      const asFile = v.file !== undefined && v.file.stem === id ? v.file : parseModelStem(id);
      if (ofThisStyle(asFile)) {
        const slot = byLabel.get(asFile.label);
        if (slot !== undefined) forSlot(slot, i, idIsFile);
      } else {
        const slot = byOtherStem.get(id);
        if (slot !== undefined) forSlot(slot, i, idIsFile);
      }
    }
    if (v.versionName !== undefined) {
      const slot = byLabel.get(v.versionName);
      if (slot !== undefined) forSlot(slot, i, nameIsFile);
    }
  }

  // Most entries are alone: collect members only for roots that were linked.
  const groups = new Map<number, Version[]>();
  if (links.length > 0) {
    const linked = new Set<number>();
    for (const l of links) linked.add(uf.find(l.a));
    for (let i = 0; i < n; i++) {
      const r = uf.find(i);
      if (!linked.has(r)) continue;
      const g = groups.get(r);
      if (g) g.push(versions[i]);
      else groups.set(r, [versions[i]]);
    }
  }
  const linksByRoot = new Map<number, Link[]>();
  for (const l of links) push(linksByRoot, uf.find(l.a), l);

  const out: DuplicateGroup[] = [];
  for (const [root, members] of groups) {
    if (members.length < 2) continue;
    sortSmall(members, compareWinner);
    out.push({
      winner: members[0],
      members,
      links: (linksByRoot.get(root) ?? []).map((l) => ({ ...l, a: versions[l.a].index, b: versions[l.b].index })),
    });
  }
  sortSmall(out, (a, b) => a.winner.index - b.winner.index);
  return out;
}

function describe(v: Version): string {
  const name = str(v.value, 'name');
  return name !== undefined && v.id !== undefined && name !== v.id ? `"${name}" (${v.id})` : `"${v.id ?? name ?? '#' + (v.index + 1)}"`;
}

/** One index, or several: most keys name one entry, so no array is made for them. */
type Slot = number | number[];

/** FNV-1a over UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
  return h >>> 0;
}

/**
 * The first index under each key, for at most `n` indices: open addressing over
 * one Int32Array, keys read back through `keyOf`. Most keys name one entry; a Map
 * would hold (and grow, and leave to the GC) an entry for each of them.
 */
class FirstIndex {
  private readonly table: Int32Array;
  private readonly mask: number;
  constructor(
    n: number,
    private readonly keyOf: (i: number) => string,
  ) {
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    this.table = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** The first index under `key`, or -1. */
  get(key: string): number {
    const t = this.table,
      mask = this.mask;
    for (let h = hashOf(key) & mask; ; h = (h + 1) & mask) {
      const e = t[h];
      if (e === 0) return -1;
      if (this.keyOf(e - 1) === key) return e - 1;
    }
  }

  /** Puts `i` under `key` unless an index is there; returns that index, or -1 when `i` is the first. */
  add(key: string, i: number): number {
    const t = this.table,
      mask = this.mask;
    for (let h = hashOf(key) & mask; ; h = (h + 1) & mask) {
      const e = t[h];
      if (e === 0) {
        t[h] = i + 1;
        return -1;
      }
      if (this.keyOf(e - 1) === key) return e - 1;
    }
  }
}

/** `Map<string, Slot>` with `addSlot`'s semantics: arrays only for keys seen more than once. */
class SlotIndex {
  private readonly first: FirstIndex;
  private readonly more = new Map<string, number[]>();
  constructor(n: number, keyOf: (i: number) => string) {
    this.first = new FirstIndex(n, keyOf);
  }

  get(key: string): Slot | undefined {
    const j = this.first.get(key);
    if (j < 0) return undefined;
    return this.more.get(key) ?? j;
  }

  /** Adds `i` under `key`; returns what was there before (the array, once there are several). */
  add(key: string, i: number): Slot | undefined {
    const j = this.first.add(key, i);
    if (j < 0) return undefined;
    const arr = this.more.get(key);
    if (arr === undefined) {
      this.more.set(key, [j, i]);
      return j;
    }
    arr.push(i);
    return arr;
  }
}

/**
 * `a.sort(cmp)`, the same result (both are stable), by insertion when `a` is small:
 * most files have a handful of findings and most groups two members, and `sort`
 * allocates its work state on every call.
 */
export function sortSmall<T>(a: T[], cmp: (x: T, y: T) => number): void {
  if (a.length > 16) {
    a.sort(cmp);
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    for (; j >= 0 && cmp(a[j], x) > 0; j--) a[j + 1] = a[j];
    a[j + 1] = x;
  }
}

/** Calls `f(i, j)` for each index `j` of the slot. */
function forSlot(slot: Slot, i: number, f: (i: number, j: number) => void): void {
  if (typeof slot === 'number') f(i, slot);
  else for (let k = 0; k < slot.length; k++) f(i, slot[k]);
}

/** Adds `i` under `k`; returns what was there before (the array, once there are several). */
function addSlot(m: Map<string, Slot>, k: string, i: number): Slot | undefined {
  const cur = m.get(k);
  if (cur === undefined) m.set(k, i);
  else if (typeof cur === 'number') m.set(k, [cur, i]);
  else cur.push(i);
  return cur;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** The link that best explains why `member` is in the group: one to the winner if any. */
export function explainMember(group: DuplicateGroup, memberIndex: number): Link | undefined {
  const w = group.winner.index;
  let any: Link | undefined;
  for (const l of group.links) {
    if ((l.a === memberIndex && l.b === w) || (l.b === memberIndex && l.a === w)) return l;
    if (!any && (l.a === memberIndex || l.b === memberIndex)) any = l;
  }
  return any;
}

export { describe as describeVersion };
