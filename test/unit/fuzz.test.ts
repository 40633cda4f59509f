/**
 * Fuzzing: random mutations and truncations of valid files. `analyze` never
 * throws and every range lies inside the text; a cleanup result always parses;
 * `cleanup --apply` never writes a file that does not parse.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { positionFindings } from '../../src/cli/report';
import { planCleanup } from '../../src/core/cleanup';
import { analyze } from '../../src/core/findings';
import { EXAMPLES, NOW, captureIO, render, tempDir } from '../support/helpers';

/**
 * The example files, as seeds (examples/writers/ holds scripts, no training_versions.json). Sorted:
 * `readdir`'s order differs between file systems, and a failing run's seed must replay elsewhere.
 */
const SEEDS: { folder: string; text: string }[] = readdirSync(EXAMPLES)
  .sort()
  .filter((folder) => existsSync(path.join(EXAMPLES, folder, 'training_versions.json')))
  .map((folder) => ({
    folder,
    text: readFileSync(path.join(EXAMPLES, folder, 'training_versions.json'), 'utf8'),
  }));

const seed = fc.constantFrom(...SEEDS);

// ------------------------------------------------------------ text mutations

const jsonish = fc.constantFrom(
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  ' ',
  '\n',
  '\r\n',
  '\t',
  '0',
  '-',
  'e',
  'null',
  'true',
  '"id"',
  '"versions"',
  '\ufeff',
  'é',
  '🎨',
  '\u2028',
  'https://x.s3.amazonaws.com/k/style_1_vV7.safetensors',
);

type TextMutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; s: string }
  | { kind: 'replace'; at: number; len: number; s: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; len: number; to: number };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    s: fc.array(jsonish, { minLength: 1, maxLength: 4 }).map((a) => a.join('')),
  }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 10 }),
    s: fc.oneof(jsonish, fc.string({ maxLength: 5 })),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 400 }), to: fc.nat() }),
);

function mutateText(text: string, ms: TextMutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    switch (m.kind) {
      case 'delete':
        t = t.slice(0, at) + t.slice(at + m.len);
        break;
      case 'insert':
        t = t.slice(0, at) + m.s + t.slice(at);
        break;
      case 'replace':
        t = t.slice(0, at) + m.s + t.slice(at + m.len);
        break;
      case 'truncate':
        t = t.slice(0, at);
        break;
      case 'duplicate': {
        const to = t.length === 0 ? 0 : m.to % (t.length + 1);
        t = t.slice(0, to) + t.slice(at, at + m.len) + t.slice(to);
        break;
      }
    }
  }
  return t;
}

// ------------------------------------------------------------ tree mutations (still JSON)

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    '',
    'V7',
    'completed',
    'pending',
    'Synced from S3',
    {},
    [],
    'style_1_vV7',
    'https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV7.safetensors',
    'https://a.b.s3.amazonaws.com/style_1_vV7.safetensors',
    '3e248bb6-012c-4384-ae6c-4b19c126d093-e9',
    '2025-10-12T08:14:00.884Z',
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const KEYS = [
  'id',
  'name',
  'timestamp',
  'parameters',
  'status',
  'selectionSetId',
  'imageCount',
  'loraUrl',
  'completedAt',
  'failedAt',
  'error',
  'lastSynced',
  'description',
  'x',
  'toString',
  'constructor',
  '__proto__',
];

type TreeMutation =
  | { kind: 'set'; entry: number; key: string; value: unknown }
  | { kind: 'drop'; entry: number; key: string }
  | { kind: 'copy'; entry: number; to: number }
  | { kind: 'replaceEntry'; entry: number; value: unknown }
  | { kind: 'root'; value: unknown };

const treeMutation: fc.Arbitrary<TreeMutation> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('set' as const), entry: fc.nat(), key: fc.constantFrom(...KEYS), value: anyJson }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), entry: fc.nat(), key: fc.constantFrom(...KEYS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('copy' as const), entry: fc.nat(), to: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('replaceEntry' as const), entry: fc.nat(), value: anyJson }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('root' as const), value: anyJson }), weight: 1 },
);

function mutateTree(text: string, ms: TreeMutation[]): unknown {
  let root = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { versions: unknown[] } | unknown;
  for (const m of ms) {
    if (m.kind === 'root') {
      root = structuredClone(m.value);
      continue;
    }
    const vs = typeof root === 'object' && root !== null ? (root as { versions?: unknown }).versions : undefined;
    if (!Array.isArray(vs) || vs.length === 0) continue;
    const i = m.entry % vs.length;
    const e = vs[i] as Record<string, unknown>;
    if (m.kind === 'copy') vs.splice(m.to % (vs.length + 1), 0, structuredClone(e));
    else if (m.kind === 'replaceEntry') vs[i] = structuredClone(m.value);
    else if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
      if (m.kind === 'set')
        Object.defineProperty(e, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
      else delete e[m.key];
    }
  }
  return root;
}

const layout = fc.record({
  indent: fc.constantFrom<number | string>(0, 2, 4, '\t'),
  eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
  bom: fc.boolean(),
});

// ------------------------------------------------------------ checks

function styleIdOf(folder: string): string | undefined {
  return /^(\d+)/.exec(folder)?.[1];
}

function assertSane(text: string, folder: string): void {
  const a = analyze(text, { styleId: styleIdOf(folder), now: NOW });
  for (const f of a.findings) {
    assert.ok(Number.isInteger(f.offset) && Number.isInteger(f.length) && f.offset >= 0 && f.length >= 0, `${f.code} range`);
    assert.ok(f.offset + f.length <= text.length, `${f.code} ends inside the text`);
    for (const r of f.related) assert.ok(r.offset >= 0 && r.length >= 0 && r.offset + r.length <= text.length, 'related range');
    assert.ok(f.message.length > 0);
  }
  for (const p of positionFindings({ path: 'x', doc: a.doc, findings: a.findings })) {
    assert.ok(p.line >= 1 && p.column >= 1 && p.endLine >= p.line, `${p.code} position`);
  }
  const plan = planCleanup(a);
  if (!a.writable) {
    assert.equal(plan.changed, false, 'an unusable file is never changed');
    return;
  }
  if (plan.changed) {
    const body = plan.newText.charCodeAt(0) === 0xfeff ? plan.newText.slice(1) : plan.newText;
    assert.doesNotThrow(() => JSON.parse(body), 'the cleanup result parses');
    const again = analyze(plan.newText, { styleId: styleIdOf(folder), now: NOW });
    assert.deepEqual(
      again.findings.filter((f) => f.code === 'duplicate-version' || f.code === 'non-accelerated-url').map((f) => f.message),
      [],
    );
    assert.equal(planCleanup(again).changed, false, 'a second cleanup does nothing');
  }
}

describe('fuzzing the engine', () => {
  test('text mutations and truncations: analyze never throws, ranges inside the text', () => {
    fc.assert(
      fc.property(seed, fc.array(textMutation, { minLength: 1, maxLength: 4 }), ({ folder, text }, ms) =>
        assertSane(mutateText(text, ms), folder),
      ),
      { numRuns: 600, includeErrorInReport: true },
    );
  });

  test('every prefix of an example', () => {
    for (const { folder, text } of SEEDS) {
      for (let n = 0; n <= text.length; n += 7) assertSane(text.slice(0, n), folder);
    }
  });

  test('shape mutations that stay JSON: cleanup results parse and are final', () => {
    fc.assert(
      fc.property(seed, fc.array(treeMutation, { minLength: 1, maxLength: 6 }), layout, ({ folder, text }, ms, lay) => {
        assertSane(render(mutateTree(text, ms), lay), folder);
      }),
      { numRuns: 500, includeErrorInReport: true },
    );
  });
});

describe('fuzzing cleanup --apply', () => {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await tempDir('tv-fuzz-')));
  after(async () => remove());

  test('never writes a file that does not parse', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(seed, fc.array(textMutation, { maxLength: 3 }), fc.array(treeMutation, { maxLength: 3 }), layout), {
          minLength: 1,
          maxLength: 6,
        }),
        async (files) => {
          const root = path.join(dir, `run${run++}`);
          const written: { file: string; before: string }[] = [];
          for (const [i, [{ folder, text }, tms, trs, lay]] of files.entries()) {
            const base = trs.length ? render(mutateTree(text, trs), lay) : text;
            const content = mutateText(base, tms);
            const file = path.join(root, `${folder}_${i}`, 'training_versions.json');
            await fs.mkdir(path.dirname(file), { recursive: true });
            await fs.writeFile(file, content, 'utf8');
            // What is on disk: a mutation may split a surrogate pair, which UTF-8 stores as U+FFFD.
            written.push({ file, before: await fs.readFile(file, 'utf8') });
          }
          const io = captureIO();
          const code = await main(['cleanup', '--apply', root], io);
          assert.ok(code === 0 || code === 1, `exit code ${code}: ${io.errText}`);
          for (const { file, before: b } of written) {
            const now = await fs.readFile(file, 'utf8');
            if (now === b) continue;
            assert.doesNotThrow(
              () => JSON.parse(now.charCodeAt(0) === 0xfeff ? now.slice(1) : now),
              `${file} was written and does not parse`,
            );
            assert.equal(await fs.readFile(`${file}.backup`, 'utf8'), b, 'the backup holds the old bytes');
          }
          // Nothing but the files, their backups and no temporary file left behind.
          const left = (await fs.readdir(root, { recursive: true })).filter((n) => n.endsWith('.tmp'));
          assert.deepEqual(left, []);
          await fs.rm(root, { recursive: true, force: true });
        },
      ),
      { numRuns: 40, includeErrorInReport: true },
    );
  });
});
