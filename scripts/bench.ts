/**
 * `npm run bench`: performance figures of the engine (GUIDE.md: performance
 * claims come from here, never from a timed test).
 *
 * Each section is a function that returns markdown; `main` prints them in
 * order. The core section is here; other sections (S3, workspace index) live in
 * their own modules and are added to SECTIONS below.
 *
 * Standalone core section: `node --import tsx scripts/bench.ts [--quick]`.
 */
import { buildSync } from 'esbuild';
import { runIndexBench } from './bench-index';
import { runS3Bench } from './bench-s3';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseTree } from 'jsonc-parser';
import { getLanguageService, type JSONSchema } from 'vscode-json-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { planCleanup } from '../src/core/cleanup';
import type { analyze } from '../src/core/findings';
import { rng } from '../test/support/rng';

/** A bench section: runs, then returns its markdown. */
export type BenchSection = () => Promise<string>;

const BUCKET = 'storyboard-user-files';
const PREFIX = 'actor_maker_user/custom-styles-models/';
const STYLE = '1';
const NOW = Date.parse('2025-10-16T00:00:00.000Z');


function uuid(r: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
}

/**
 * A realistic training_versions.json of `count` entries (2-space indent, LF):
 * webhook entries with ~10 parameters, 10% duplicates (S3-sync copies with a
 * regular URL, failed -e1 attempts of a retried job), some minimal S3 entries,
 * regular URLs and in-flight jobs.
 */
export function syntheticFile(count: number, seed = 1): string {
  const r = rng(seed);
  const versions: Record<string, unknown>[] = [];
  let label = 0;
  const t0 = Date.parse('2023-01-01T00:00:00.000Z');
  while (versions.length < count) {
    label++;
    const stem = `style_${STYLE}_vV${label}`;
    const key = `${PREFIX}${stem}.safetensors`;
    const ts = new Date(t0 + label * 3_600_000 + Math.floor(r() * 600_000)).toISOString();
    const done = new Date(Date.parse(ts) + 1_500_000 + Math.floor(r() * 600_000)).toISOString();
    const job = uuid(r);
    const roll = r();
    if (roll < 0.04) {
      // A truly new S3 file: minimal entry, nothing to merge with.
      versions.push({ id: stem, name: `${stem}.safetensors`, status: 'completed', loraUrl: `https://${BUCKET}.s3-accelerate.amazonaws.com/${key}`, timestamp: ts.replace(/\.\d{3}Z$/, '+00:00'), lastSynced: done, parameters: {}, description: 'Synced from S3' });
      continue;
    }
    const inFlight = roll > 0.985;
    const retried = roll > 0.88 && roll <= 0.94;
    const detailed: Record<string, unknown> = {
      id: `${job}-e${retried ? 2 : 1}`,
      name: `V${label}`,
      timestamp: ts,
      parameters: {
        network_dim: [8, 16, 32][Math.floor(r() * 3)],
        network_alpha: [8, 16, 32][Math.floor(r() * 3)],
        learning_rate: [0.0001, 0.0002, 0.00005][Math.floor(r() * 3)],
        max_train_epochs: 6 + Math.floor(r() * 10),
        resolution: 1024,
        repeats: 10,
        batch_size: 1 + Math.floor(r() * 4),
        clip_skip: 2,
        noise_offset: 0.05,
        seed: Math.floor(r() * 1e9),
      },
      status: inFlight ? 'training' : 'completed',
      selectionSetId: 1 + Math.floor(r() * 12),
      imageCount: 20 + Math.floor(r() * 60),
    };
    if (!inFlight) {
      detailed.loraUrl = roll < 0.12 ? `https://${BUCKET}.s3.us-west-1.amazonaws.com/${key}` : `https://${BUCKET}.s3-accelerate.amazonaws.com/${key}`;
      detailed.completedAt = done;
    }
    if (retried) {
      versions.push({ ...detailed, id: `${job}-e1`, status: 'failed', loraUrl: undefined, completedAt: undefined, failedAt: done, error: 'CUDA out of memory on worker 7f3a' });
    }
    versions.push(detailed);
    if (roll > 0.94 && roll <= 0.985) {
      // The S3 sync's copy of the same model (the seed's duplicate).
      versions.push({ id: stem, name: `${stem}.safetensors`, status: 'completed', loraUrl: `https://${BUCKET}.s3.us-west-1.amazonaws.com/${key}`, timestamp: done.replace(/\.\d{3}Z$/, '+00:00'), lastSynced: new Date(Date.parse(done) + 3_900_000).toISOString(), parameters: {}, description: 'Synced from S3' });
    }
  }
  versions.length = count;
  return JSON.stringify({ versions }, null, 2) + '\n';
}

interface Engine {
  analyze: typeof analyze;
  planCleanup: typeof planCleanup;
}

/**
 * The engine as it ships: src/core bundled by esbuild with the options of
 * scripts/build.mjs (the CLI and the extension run this form, not tsx's
 * per-module transform, whose export getters cost a few per cent).
 */
function loadEngine(): Engine {
  const root = path.resolve(__dirname, '..');
  const out = path.join(os.tmpdir(), `training-versions-bench-engine-${process.pid}.js`);
  buildSync({
    stdin: { contents: "export { analyze } from './src/core/findings'; export { planCleanup } from './src/core/cleanup';", resolveDir: root, loader: 'ts' },
    outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'warning',
  });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(out) as Engine;
  } finally {
    rmSync(out, { force: true });
  }
}

/** A small schema of the file, for the json-languageservice peer. */
const SCHEMA: JSONSchema = {
  type: 'object',
  required: ['versions'],
  properties: {
    versions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          timestamp: { type: 'string' },
          parameters: { type: 'object' },
          status: { enum: ['pending', 'starting', 'training', 'completed', 'failed'] },
          selectionSetId: { type: 'number' },
          imageCount: { type: 'number' },
          loraUrl: { type: 'string', pattern: '^https://' },
          completedAt: { type: 'string' },
          failedAt: { type: 'string' },
          error: { type: 'string' },
          lastSynced: { type: 'string' },
          description: { type: 'string' },
        },
      },
    },
  },
};

/**
 * Median wall time (ms) of `runs` timed calls after `warmup` untimed ones, in a
 * steady state: each function pays, on average, for the garbage it leaves
 * (a forced GC before each run would hide JSON.parse's garbage from its own time
 * and charge it to the next function's scavenges).
 */
async function median(fn: () => unknown, runs: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

interface CoreRow {
  entries: number;
  mb: number;
  duplicates: number;
  analyze: number;
  jsonParse: number;
  jsonc: number;
  validate: number;
  cleanup: number;
}

/** The engine against JSON.parse and the usual JSON tooling, at three file sizes. */
export async function runCoreBench(options: { sizes?: number[]; quick?: boolean } = {}): Promise<string> {
  const sizes = options.sizes ?? [1_000, 10_000, 22_000];
  const { analyze, planCleanup } = loadEngine();
  const ls = getLanguageService({});
  ls.configure({ validate: true, allowComments: false, schemas: [{ uri: 'inmemory://training-versions.schema.json', fileMatch: ['*.json'], schema: SCHEMA }] });
  const rows: CoreRow[] = [];
  for (const entries of sizes) {
    const text = syntheticFile(entries);
    const big = entries >= 20_000;
    const runs = options.quick ? 3 : big ? 11 : 15;
    const warmup = options.quick ? 1 : 3;
    const first = analyze(text, { styleId: STYLE, now: NOW });
    const plan = planCleanup(first);
    if (!plan.changed || first.groups.length === 0) throw new Error('the synthetic file must have duplicates to clean');
    const doc = TextDocument.create('file:///bench/1_style/training_versions.json', 'json', 1, text);
    rows.push({
      entries,
      mb: Buffer.byteLength(text) / 1e6,
      duplicates: first.groups.reduce((n, g) => n + g.members.length - 1, 0),
      analyze: await median(() => analyze(text, { styleId: STYLE, now: NOW }), runs, warmup),
      jsonParse: await median(() => JSON.parse(text), runs, warmup),
      jsonc: await median(() => parseTree(text), runs, warmup),
      validate: await median(() => ls.doValidation(doc, ls.parseJSONDocument(doc), undefined, SCHEMA), big || options.quick ? 3 : 5, 1),
      cleanup: await median(() => planCleanup(analyze(text, { styleId: STYLE, now: NOW })), runs, warmup),
    });
  }

  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lines = [
    '## Core engine',
    '',
    `Node ${process.version}, ${cpu} (${os.cpus().length} logical CPUs), ${os.platform()} ${os.arch()}. Median of several runs after warm-up.`,
    '',
    '- the engine as it ships: src/core bundled by esbuild like dist/ (scripts/build.mjs options);',
    '- analyze: parse with offsets + every §3 finding (`analyze`);',
    '- cleanup: `analyze` + `planCleanup` (merge every group, upgrade URLs, apply the edits) — text in, new text out;',
    '- jsonc-parser: `parseTree`; json-languageservice: `parseJSONDocument` + `doValidation` against a 13-property schema of the file.',
    '',
    '| entries | MB | duplicates | analyze ms | JSON.parse ms | analyze / JSON.parse | jsonc-parser parseTree ms | json-languageservice validate ms | cleanup ms |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.entries.toLocaleString('en')} | ${r.mb.toFixed(1)} | ${r.duplicates.toLocaleString('en')} | ${fmt(r.analyze)} | ${fmt(r.jsonParse)} | ${(r.analyze / r.jsonParse).toFixed(2)}× | ${fmt(r.jsonc)} | ${fmt(r.validate)} | ${fmt(r.cleanup)} |`),
    '',
    `Per 1,000 entries — analyze: ${rows.map((r) => fmt((r.analyze / r.entries) * 1000)).join(' / ')} ms; cleanup: ${rows.map((r) => fmt((r.cleanup / r.entries) * 1000)).join(' / ')} ms (${rows.map((r) => r.entries.toLocaleString('en')).join(' / ')} entries).`,
  ];
  const largest = rows[rows.length - 1];
  if (largest) {
    const ok = (b: boolean) => (b ? 'met' : 'MISSED');
    lines.push(
      '',
      `Targets on the ${largest.mb.toFixed(0)} MB file: analyze ≤ 3× JSON.parse — ${(largest.analyze / largest.jsonParse).toFixed(2)}×, ${ok(largest.analyze <= 3 * largest.jsonParse)}; cleanup ≤ 1 s — ${fmt(largest.cleanup)} ms, ${ok(largest.cleanup <= 1000)}.`,
    );
  }
  return lines.join('\n');
}

/**
 * The sections `npm run bench` prints, in order. Other benches (S3 sync, the
 * workspace index) add their `run…Bench` function here.
 */
export const SECTIONS: BenchSection[] = [
  () => runCoreBench({ quick: process.argv.includes('--quick') }),
  () => runIndexBench(),
  () => runS3Bench(),
];

async function main(): Promise<void> {
  console.log(`# Training Versions bench\n`);
  for (const section of SECTIONS) console.log((await section()) + '\n');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
