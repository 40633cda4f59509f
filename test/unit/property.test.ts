/**
 * Property tests of the cleanup (SPEC.md §2): random files of base models with
 * injected duplicates (S3-sync copies, -eN retries, URL spelling variants), in
 * random key order, indentation, EOL and BOM. After cleanup: one entry per model,
 * every identity kept, every field merged exactly as §2 says, bytes outside the
 * edits unchanged, and a second cleanup does nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { planCleanup } from '../../src/core/cleanup';
import { analyze } from '../../src/core/findings';
import { baseJobId, fileStem, isJobId, parseModelStem, versionNameOf } from '../../src/core/identity';
import { acceleratedUrl, objectIdentity, parseS3Url, urlFileName } from '../../src/core/s3Url';
import { isEmptyValue, isMinimal } from '../../src/core/versions';
import {
  type Entry,
  type Layout,
  PREFIX,
  assertEol,
  assertOnlyEditsChanged,
  assertParses,
  render,
  urlSpellings,
  versionsOfText,
} from '../support/helpers';
import { rng } from '../support/rng';

const TAG = 'modelTag';
const SPELLINGS = [
  'virtualHostedRegion',
  'virtualHostedDash',
  'global',
  'dualStack',
  'pathStyle',
  'accelerated',
  'acceleratedDualStack',
] as const;
const STATUSES = ['pending', 'starting', 'training', 'completed', 'failed'] as const;

// ---------------------------------------------------------------- generators

const isoTime = fc
  .integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2025-12-31T00:00:00Z') })
  .map((ms) => new Date(ms).toISOString());
const s3Time = isoTime.map((t) => t.replace(/\.\d{3}Z$/, '+00:00'));
const params = fc.dictionary(
  fc.constantFrom(
    'network_dim',
    'network_alpha',
    'learning_rate',
    'max_train_epochs',
    'resolution',
    'batch_size',
    'optimizer',
    'seed',
    'noise_offset',
    'caption_ext',
    'clip_skip',
  ),
  fc.oneof(
    fc.integer({ min: 1, max: 128 }),
    fc.double({ min: 1e-6, max: 1, noNaN: true }),
    fc.constantFrom('adamw8bit', 'prodigy', '.txt'),
  ),
  { minKeys: 1, maxKeys: 10 },
);
const labelSpelling = fc.constantFrom('vV', 'v', 'vv');

const copySpec = fc.record({
  withUrl: fc.boolean(),
  spelling: fc.constantFrom(...SPELLINGS),
  labelSpelling,
  timestamp: s3Time,
  lastSynced: fc.option(isoTime, { nil: undefined }),
  description: fc.constantFrom('Synced from S3', 'Synced from S3', 'uploaded by hand', undefined),
  completedAt: fc.option(isoTime, { nil: undefined }),
  // Unknown keys, some named like Object.prototype members: merged like any other field.
  extra: fc.record(
    { notes: fc.string({ maxLength: 8 }), toString: fc.constantFrom('a', ''), constructor: fc.integer() },
    { requiredKeys: [] },
  ),
});

const retrySpec = fc.record({
  status: fc.constantFrom('failed', 'pending', 'completed', 'training'),
  timestamp: isoTime,
  withParams: fc.boolean(),
  withError: fc.boolean(),
  completedAt: fc.option(isoTime, { nil: undefined }),
});

const modelSpec = fc.record({
  job: fc.uuid({ version: 4 }),
  attempt: fc.integer({ min: 1, max: 3 }),
  suffix: fc.constantFrom('e', 'e', 'u'),
  withUrl: fc.boolean(),
  spelling: fc.constantFrom(...SPELLINGS),
  dottedBucket: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  keyLabelSpelling: labelSpelling,
  status: fc.constantFrom(...STATUSES),
  timestamp: isoTime,
  completedAt: fc.option(isoTime, { nil: undefined }),
  // The webhook (and the UI that starts a job) writes full parameters: the job entry wins over S3 copies.
  parameters: params,
  selectionSetId: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
  imageCount: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
  blanks: fc.subarray(['name', 'selectionSetId', 'imageCount', 'lastSynced', 'error'] as const),
  blankAs: fc.constantFrom(null, '', {}),
  lastSynced: fc.option(isoTime, { nil: undefined }),
  extra: fc.option(fc.record({ notes: fc.string({ maxLength: 12 }) }), { nil: undefined }),
  copies: fc.array(copySpec, { maxLength: 2 }),
  retries: fc.array(retrySpec, { maxLength: 2 }),
});

const foreignSpec = fc.record({
  styleOffset: fc.integer({ min: 1, max: 30 }),
  label: fc.integer({ min: 1, max: 80 }),
  spelling: fc.constantFrom(...SPELLINGS),
});

const fileSpec = fc.record({
  styleId: fc.integer({ min: 1, max: 60 }),
  labels: fc.uniqueArray(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 7 }),
  models: fc.array(modelSpec, { minLength: 7, maxLength: 7 }),
  foreign: fc.array(foreignSpec, { maxLength: 2 }),
  layout: fc.record({
    indent: fc.constantFrom<number | string>(2, 4, '\t'),
    eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
    bom: fc.boolean(),
  }),
  shuffleSeed: fc.integer(),
  otherTopLevel: fc.boolean(),
});

type FileSpec = typeof fileSpec extends fc.Arbitrary<infer T> ? T : never;

function shuffle<T>(xs: T[], r: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function shuffleKeys(e: Entry, r: () => number): Entry {
  const out: Entry = {};
  for (const k of shuffle(Object.keys(e), r)) if (e[k] !== undefined) out[k] = e[k];
  return out;
}

/** Builds the file's entries; every entry carries the tag of its model. */
function build(spec: FileSpec): { entries: Entry[]; models: number } {
  const r = rng(spec.shuffleSeed);
  const style = spec.styleId;
  const entries: Entry[] = [];
  const jobs = new Set<string>();
  let tag = 0;
  spec.labels.forEach((k, i) => {
    const m = spec.models[i];
    if (jobs.has(m.job)) return;
    jobs.add(m.job);
    const t = tag++;
    const bucket = m.dottedBucket ? 'models.example.com' : 'storyboard-user-files';
    const key = `${PREFIX}style_${style}_${m.keyLabelSpelling}${k}.safetensors`;
    const urls = urlSpellings(bucket, key);
    const url = (s: (typeof SPELLINGS)[number]) => urls[s] ?? urls.pathStyle;
    const base: Entry = {
      id: `${m.job}-${m.suffix}${m.attempt}`,
      name: `V${k}`,
      timestamp: m.timestamp,
      parameters: m.parameters,
      status: m.status,
      selectionSetId: m.selectionSetId,
      imageCount: m.imageCount,
      loraUrl: m.withUrl ? url(m.spelling) : undefined,
      completedAt: m.completedAt,
      lastSynced: m.lastSynced,
      ...(m.status === 'failed' ? { failedAt: m.timestamp, error: 'CUDA out of memory' } : {}),
      ...(m.extra ?? {}),
      [TAG]: t,
    };
    // Without its name, the base entry is linked to URL-less copies only through a retry's name.
    const canBlankName = m.retries.length > 0 || m.copies.every((c) => c.withUrl && m.withUrl);
    for (const b of m.blanks) if (b !== 'name' || canBlankName) base[b] = m.blankAs;
    entries.push(base);
    m.retries.forEach((x, n) => {
      entries.push({
        id: `${m.job}-${m.suffix}${m.attempt + n + 1}`,
        name: `V${k}`,
        timestamp: x.timestamp,
        parameters: x.withParams ? m.parameters : {},
        status: x.status,
        completedAt: x.completedAt,
        ...(x.withError ? { failedAt: x.timestamp, error: `attempt ${n + 2} failed` } : {}),
        [TAG]: t,
      });
    });
    for (const c of m.copies) {
      // A copy with a URL names the model's object (any spelling); without one, its file is its id / name.
      const stem = c.withUrl ? fileStem(urlFileName(url(c.spelling))!)! : `style_${style}_${c.labelSpelling}${k}`;
      entries.push({
        id: stem,
        name: `${stem}.safetensors`,
        status: 'completed',
        loraUrl: c.withUrl ? url(c.spelling) : undefined,
        timestamp: c.timestamp,
        lastSynced: c.lastSynced,
        completedAt: c.completedAt,
        parameters: {},
        description: c.description,
        ...c.extra,
        [TAG]: t,
      });
    }
  });
  const foreign = new Set<string>();
  for (const f of spec.foreign) {
    if (foreign.has(`${f.styleOffset}/${f.label}`)) continue;
    foreign.add(`${f.styleOffset}/${f.label}`);
    // A model file of another style: never a duplicate of this folder's models.
    const stem = `style_${style + f.styleOffset}_vV${f.label}`;
    entries.push({
      id: stem,
      name: `${stem}.safetensors`,
      status: 'completed',
      loraUrl: urlSpellings('storyboard-user-files', `${PREFIX}${stem}.safetensors`)[f.spelling],
      parameters: {},
      description: 'Synced from S3',
      [TAG]: tag++,
    });
  }
  return { entries: shuffle(entries, r).map((e) => shuffleKeys(e, r)), models: tag };
}

// ---------------------------------------------------------------- the §2 oracle

const time = (x: unknown) => (typeof x === 'string' && !Number.isNaN(Date.parse(x)) ? Date.parse(x) : -Infinity);
const hasParams = (e: Entry) => typeof e.parameters === 'object' && e.parameters !== null && Object.keys(e.parameters).length > 0;
const nonEmptyStr = (x: unknown) => typeof x === 'string' && x !== '';

/** Members in §2 winner order: parameters; completedAt; newest timestamp; earliest in the file. */
function byPriority(members: { e: Entry; i: number }[]): Entry[] {
  return [...members]
    .sort(
      (a, b) =>
        Number(hasParams(b.e)) - Number(hasParams(a.e)) ||
        Number(nonEmptyStr(b.e.completedAt)) - Number(nonEmptyStr(a.e.completedAt)) ||
        (time(b.e.timestamp) === time(a.e.timestamp) ? 0 : time(b.e.timestamp) > time(a.e.timestamp) ? 1 : -1) ||
        a.i - b.i,
    )
    .map((m) => m.e);
}

const accelerated = (u: unknown) => typeof u === 'string' && parseS3Url(u)?.accelerated === true;

/** What §2 says the merged entry holds (before the URL upgrade). */
function expectedMerge(ordered: Entry[]): Entry {
  const [w, ...others] = ordered;
  const anyDetailed = ordered.some((e) => !isMinimal(e));
  const completedBy = w.status === 'completed' ? w : ordered.find((e) => e.status === 'completed');
  const own = (e: Entry, k: string) => (Object.prototype.hasOwnProperty.call(e, k) ? e[k] : undefined);
  const fill = (k: string, ok: (e: Entry) => boolean = () => true) =>
    isEmptyValue(own(w, k)) ? (others.find((e) => !isEmptyValue(own(e, k)) && ok(e))?.[k] ?? own(w, k)) : w[k];
  const out: Entry = {};
  const keys = new Set(ordered.flatMap((e) => Object.keys(e)));
  for (const k of keys) {
    switch (k) {
      case 'status':
        out[k] = completedBy ? 'completed' : fill(k);
        break;
      case 'completedAt':
        out[k] = completedBy && completedBy !== w && !isEmptyValue(completedBy.completedAt) ? completedBy.completedAt : fill(k);
        break;
      case 'loraUrl':
        out[k] = accelerated(w.loraUrl) ? w.loraUrl : (others.find((e) => accelerated(e.loraUrl))?.loraUrl ?? fill(k));
        break;
      case 'lastSynced': {
        const latest = ordered.reduce<Entry | undefined>((best, e) => (time(e.lastSynced) > time(best?.lastSynced) ? e : best), undefined);
        out[k] = latest ? latest.lastSynced : fill(k);
        break;
      }
      case 'error':
      case 'failedAt':
        // Never carried onto an entry that ends up completed; a failed winner the merge completes loses its own (§2).
        out[k] = completedBy ? (w.status === 'completed' ? w[k] : undefined) : fill(k);
        break;
      case 'description':
        out[k] = fill(k, (e) => !(anyDetailed && e.description === 'Synced from S3'));
        break;
      default:
        out[k] = fill(k);
    }
    if (out[k] === undefined) delete out[k];
  }
  return out;
}

function upgraded(u: unknown): unknown {
  if (typeof u !== 'string') return u;
  const loc = parseS3Url(u);
  return (loc && !loc.accelerated && acceleratedUrl(loc)) || u;
}

/** The model identities a set of entries names: S3 objects, base job ids, model files (style, label). */
function identities(entries: Entry[], styleId: string) {
  const objects = new Set<string>();
  const jobs = new Set<string>();
  const files = new Set<string>();
  for (const e of entries) {
    const u = typeof e.loraUrl === 'string' ? e.loraUrl : undefined;
    const loc = u ? parseS3Url(u) : undefined;
    if (loc) objects.add(objectIdentity(loc));
    if (typeof e.id === 'string' && isJobId(e.id)) jobs.add(baseJobId(e.id));
    for (const s of [u && urlFileName(u), e.id, e.name]) {
      const stem = typeof s === 'string' ? (fileStem(s) ?? s) : undefined;
      const mf = stem ? parseModelStem(stem) : undefined;
      if (mf) files.add(`${mf.styleId}/${mf.label}`);
    }
    const vn = versionNameOf(e.name);
    if (vn) files.add(`${styleId}/${vn}`);
  }
  return { objects, jobs, files };
}

// ---------------------------------------------------------------- the properties

function checkCleanup(spec: FileSpec): void {
  const { entries, models } = build(spec);
  const root = spec.otherTopLevel ? { updatedBy: 'webhook-handler', versions: entries, schema: 2 } : { versions: entries };
  const layout: Layout = spec.layout;
  const text = render(root, layout);
  const styleId = String(spec.styleId);
  const analysis = analyze(text, { now: Date.now(), styleId });
  const plan = planCleanup(analysis);
  const out = plan.newText;

  // §2: no group holds two different S3 objects.
  for (const g of analysis.groups) {
    const objects = new Set(g.members.map((m) => m.objectKey).filter((k) => k !== undefined));
    assert.ok(objects.size <= 1, `a group holds ${objects.size} objects`);
  }

  // The result parses, only the edits changed bytes, the layout is the file's.
  assertParses(out);
  assertOnlyEditsChanged(text, out, plan.edits);
  assertEol(out, spec.layout.eol);
  assert.equal(out.charCodeAt(0) === 0xfeff, spec.layout.bom);
  if (spec.otherTopLevel) {
    const r = JSON.parse(spec.layout.bom ? out.slice(1) : out) as Entry;
    assert.equal(r.updatedBy, 'webhook-handler');
    assert.equal(r.schema, 2);
  }

  // One entry per model: nothing lost, nothing left over.
  const after = versionsOfText(out);
  assert.equal(after.length, models, 'one entry per model');
  assert.deepEqual(new Set(after.map((e) => e[TAG])).size, models);

  // Every identity named before is still named.
  const idsBefore = identities(entries, styleId);
  const idsAfter = identities(after, styleId);
  for (const kind of ['objects', 'jobs', 'files'] as const) {
    for (const x of idsBefore[kind]) assert.ok(idsAfter[kind].has(x), `${kind}: ${x} lost`);
  }

  // Each merged entry holds exactly what §2 says; its winner kept its place.
  const indexed = entries.map((e, i) => ({ e, i }));
  const winnersInOrder: number[] = [];
  for (let t = 0; t < models; t++) {
    const members = indexed.filter((m) => m.e[TAG] === t);
    const ordered = byPriority(members);
    const expected = JSON.parse(JSON.stringify(expectedMerge(ordered))) as Entry;
    expected.loraUrl = upgraded(expected.loraUrl);
    if (expected.loraUrl === undefined) delete expected.loraUrl;
    const got = after.find((e) => e[TAG] === t)!;
    assert.deepEqual(got, expected, `model ${t}`);
    const winnerKeys = Object.keys(ordered[0]).filter((k) => k in expected); // less what the merge drops
    assert.deepEqual(Object.keys(got).slice(0, winnerKeys.length), winnerKeys, 'the winner keeps its key order');
    winnersInOrder.push(members.find((m) => m.e === ordered[0])!.i);
  }
  const tagsInOrder = after.map((e) => e[TAG] as number);
  assert.deepEqual(
    tagsInOrder,
    [...tagsInOrder].sort((a, b) => winnersInOrder[a] - winnersInOrder[b]),
    'winners stay in their places',
  );

  // Analysing again: no duplicate, no regular URL that could be accelerated; a second cleanup is a no-op.
  const again = analyze(out, { now: Date.now(), styleId });
  assert.deepEqual(
    again.findings.filter((f) => f.code === 'duplicate-version' || f.code === 'non-accelerated-url').map((f) => f.message),
    [],
  );
  const second = planCleanup(again);
  assert.equal(second.changed, false);
  assert.equal(second.newText, out);
}

describe('cleanup properties', () => {
  test('random files with injected duplicates: nothing lost, §2 merge, idempotent', () => {
    fc.assert(fc.property(fileSpec, checkCleanup), { numRuns: 250, includeErrorInReport: true });
  });

  test('without preferAcceleratedUrls: merges only, never a downgrade', () => {
    fc.assert(
      fc.property(fileSpec, (spec) => {
        const { entries } = build(spec);
        const text = render({ versions: entries }, spec.layout);
        const styleId = String(spec.styleId);
        const out = planCleanup(analyze(text, { now: Date.now(), styleId, preferAcceleratedUrls: false })).newText;
        assertParses(out);
        const before = new Map<unknown, boolean>();
        for (const e of entries) if (accelerated(e.loraUrl)) before.set(e[TAG], true);
        for (const e of versionsOfText(out)) {
          if (before.get(e[TAG])) assert.ok(accelerated(e.loraUrl), 'an accelerated URL stays accelerated');
        }
        const again = analyze(out, { now: Date.now(), styleId, preferAcceleratedUrls: false });
        assert.equal(
          again.findings.some((f) => f.code === 'duplicate-version' || f.code === 'non-accelerated-url'),
          false,
        );
        assert.equal(planCleanup(again).changed, false);
      }),
      { numRuns: 80, includeErrorInReport: true },
    );
  });
});
