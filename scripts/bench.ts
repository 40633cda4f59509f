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
import { type BuildOptions, buildSync } from 'esbuild';
import { benchFile, runIndexBench } from './bench-index';
import { runS3Bench } from './bench-s3';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
      versions.push({
        id: stem,
        name: `${stem}.safetensors`,
        status: 'completed',
        loraUrl: `https://${BUCKET}.s3-accelerate.amazonaws.com/${key}`,
        timestamp: ts.replace(/\.\d{3}Z$/, '+00:00'),
        lastSynced: done,
        parameters: {},
        description: 'Synced from S3',
      });
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
      detailed.loraUrl =
        roll < 0.12 ? `https://${BUCKET}.s3.us-west-1.amazonaws.com/${key}` : `https://${BUCKET}.s3-accelerate.amazonaws.com/${key}`;
      detailed.completedAt = done;
    }
    if (retried) {
      versions.push({
        ...detailed,
        id: `${job}-e1`,
        status: 'failed',
        loraUrl: undefined,
        completedAt: undefined,
        failedAt: done,
        error: 'CUDA out of memory on worker 7f3a',
      });
    }
    versions.push(detailed);
    if (roll > 0.94 && roll <= 0.985) {
      // The S3 sync's copy of the same model (the seed's duplicate).
      versions.push({
        id: stem,
        name: `${stem}.safetensors`,
        status: 'completed',
        loraUrl: `https://${BUCKET}.s3.us-west-1.amazonaws.com/${key}`,
        timestamp: done.replace(/\.\d{3}Z$/, '+00:00'),
        lastSynced: new Date(Date.parse(done) + 3_900_000).toISOString(),
        parameters: {},
        description: 'Synced from S3',
      });
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
    stdin: {
      contents: "export { analyze } from './src/core/findings'; export { planCleanup } from './src/core/cleanup';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
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

/**
 * The peers (jsonc-parser, json-languageservice) on one synthetic file, in a child
 * process: their trees of a 15 MB file take over a gigabyte, which is theirs, not
 * the product's, and would otherwise be the bench's peak.
 */
function peerTimes(entries: number, quick: boolean): { jsonc: number; validate: number; peakMb: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, `--peer=${entries}${quick ? ':quick' : ''}`], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`peer bench: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { jsonc: number; validate: number; peakMb: number };
}

async function runPeerChild(arg: string): Promise<void> {
  const [n, mode] = arg.split(':');
  const entries = Number(n);
  const quick = mode === 'quick';
  const big = entries >= 20_000;
  const text = syntheticFile(entries);
  const ls = getLanguageService({});
  ls.configure({
    validate: true,
    allowComments: false,
    schemas: [{ uri: 'inmemory://training-versions.schema.json', fileMatch: ['*.json'], schema: SCHEMA }],
  });
  const doc = TextDocument.create('file:///bench/1_style/training_versions.json', 'json', 1, text);
  const jsonc = await median(() => parseTree(text), quick ? 3 : big ? 11 : 15, quick ? 1 : 3);
  const validate = await median(() => ls.doValidation(doc, ls.parseJSONDocument(doc), undefined, SCHEMA), big || quick ? 3 : 5, 1);
  console.log(JSON.stringify({ jsonc, validate, peakMb: process.resourceUsage().maxRSS / 1024 }));
}

/** The engine against JSON.parse and the usual JSON tooling, at three file sizes. */
export async function runCoreBench(options: { sizes?: number[]; quick?: boolean } = {}): Promise<string> {
  const sizes = options.sizes ?? [1_000, 10_000, 22_000];
  const { analyze, planCleanup } = loadEngine();
  const rows: CoreRow[] = [];
  let peerPeak = 0;
  for (const entries of sizes) {
    const text = syntheticFile(entries);
    const big = entries >= 20_000;
    const runs = options.quick ? 3 : big ? 11 : 15;
    const warmup = options.quick ? 1 : 3;
    const first = analyze(text, { styleId: STYLE, now: NOW });
    const plan = planCleanup(first);
    if (!plan.changed || first.groups.length === 0) throw new Error('the synthetic file must have duplicates to clean');
    const peers = peerTimes(entries, !!options.quick);
    peerPeak = Math.max(peerPeak, peers.peakMb);
    rows.push({
      entries,
      mb: Buffer.byteLength(text) / 1e6,
      duplicates: first.groups.reduce((n, g) => n + g.members.length - 1, 0),
      analyze: await median(() => analyze(text, { styleId: STYLE, now: NOW }), runs, warmup),
      jsonParse: await median(() => JSON.parse(text), runs, warmup),
      jsonc: peers.jsonc,
      validate: peers.validate,
      cleanup: await median(() => planCleanup(analyze(text, { styleId: STYLE, now: NOW })), runs, warmup),
    });
  }

  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const perThousand = (k: 'analyze' | 'cleanup') => rows.map((r) => fmt((r[k] / r.entries) * 1000)).join(' / ');
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
    '| entries | MB | duplicates | analyze ms | JSON.parse ms | analyze / JSON.parse | ' +
      'jsonc-parser parseTree ms | json-languageservice validate ms | cleanup ms |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.entries.toLocaleString('en')} | ${r.mb.toFixed(1)} | ` +
        `${r.duplicates.toLocaleString('en')} | ${fmt(r.analyze)} | ${fmt(r.jsonParse)} | ` +
        `${(r.analyze / r.jsonParse).toFixed(2)}× | ${fmt(r.jsonc)} | ${fmt(r.validate)} | ` +
        `${fmt(r.cleanup)} |`,
    ),
    '',
    `(The peers ran in a child process: its peak memory was ${peerPeak.toFixed(0)} MB, theirs, not the product's.)`,
    '',
    `Per 1,000 entries — analyze: ${perThousand('analyze')} ms; cleanup: ${perThousand('cleanup')} ms ` +
      `(${rows.map((r) => r.entries.toLocaleString('en')).join(' / ')} entries).`,
  ];
  const largest = rows[rows.length - 1];
  if (largest) {
    const ok = (b: boolean) => (b ? 'met' : 'MISSED');
    lines.push(
      '',
      `Targets on the ${largest.mb.toFixed(0)} MB file: analyze ≤ 3× JSON.parse — ` +
        `${(largest.analyze / largest.jsonParse).toFixed(2)}×, ` +
        `${ok(largest.analyze <= 3 * largest.jsonParse)}; cleanup ≤ 1 s — ${fmt(largest.cleanup)} ` +
        `ms, ${ok(largest.cleanup <= 1000)}.`,
    );
  }
  return lines.join('\n');
}

const median0 = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * What a user runs: the whole `training-versions` process (dist/cli.js as built),
 * against a whole process that only reads and `JSON.parse`s the same file(s).
 * Node's own start-up (an empty script) is subtracted on both sides; the variants
 * run interleaved, round after round, and the medians are compared.
 */
/**
 * The bench's stage processes (`runProcessBench`), with `check`'s V8 flags: `document PATH` reads
 * and parses each training_versions.json under PATH (JSON.parse and the offset scan); `rules PATH`
 * runs every rule as `check` does, file after file, and prints no report.
 */
const STAGES_SOURCE = `
import { setFlagsFromString } from 'node:v8';
import { v8FlagsFor, visitFiles } from '../src/cli/common';
import { parseDocument } from '../src/core/document';
import { findVersionFilesSync, readTextSync } from '../src/services/files';
for (const flag of v8FlagsFor('check')) setFlagsFromString(flag);
const [stage, root] = process.argv.slice(2);
if (stage === 'document') {
  let n = 0;
  for (const f of findVersionFilesSync([root])) n += parseDocument(readTextSync(f).text).elements?.length ?? 0;
  if (n === 0) throw new Error('no versions under ' + root);
} else {
  void visitFiles([root], {}, (f) => f.analysis.findings.length).then((counts) => {
    if (counts.reduce((a, b) => a + b, 0) === 0) throw new Error('no findings under ' + root);
  });
}
`;

export async function runProcessBench(options: { rounds?: number } = {}): Promise<string> {
  const rounds = options.rounds ?? 7;
  const root = path.resolve(__dirname, '..');
  const bundleCommon = (
    (await import(pathToFileURL(path.join(root, 'scripts', 'bundles.mjs')).href)) as {
      commonOptions: (o: { production: boolean; version: string }) => BuildOptions;
    }
  ).commonOptions({ production: false, version: '0.0.0-bench' });
  const cli = path.join(root, 'dist', 'cli.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tv-bench-process-'));
  const devNull = openSync('/dev/null', 'w');
  try {
    // One ~13 MB file of 20,000 entries, and a workspace of 2,000 style folders × 50 versions.
    const bigDir = path.join(dir, 'big', '1_style');
    mkdirSync(bigDir, { recursive: true });
    const bigText = syntheticFile(20_000);
    const original = path.join(dir, 'original.json');
    writeFileSync(original, bigText);
    const big = path.join(bigDir, 'training_versions.json');
    copyFileSync(original, big);
    const ws = path.join(dir, 'ws');
    const now = Date.now();
    for (let i = 1; i <= 2000; i++) {
      const d = path.join(ws, `${i}_style`);
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, 'training_versions.json'), benchFile(String(i), 50, i, now));
    }
    const empty = path.join(dir, 'empty.js');
    writeFileSync(empty, '');
    const readParse = path.join(dir, 'read-parse.js');
    writeFileSync(readParse, "JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));\n");
    const findReadParse = path.join(dir, 'find-read-parse.js');
    writeFileSync(
      findReadParse,
      [
        "const fs = require('fs'), path = require('path');",
        'const found = [];',
        'const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { if ' +
          "(e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== '.git') walk(path.join(d, " +
          "e.name)); } else if (e.name === 'training_versions.json') found.push(path.join(d, e.name)); } };",
        'walk(process.argv[2]);',
        "let n = 0; for (const f of found.sort()) n += JSON.parse(fs.readFileSync(f, 'utf8')).versions.length;",
        "if (n !== 100000) throw new Error('parsed ' + n);",
      ].join('\n'),
    );

    // Where `check`'s time goes, as whole processes too: the engine's document layer alone (read,
    // JSON.parse and the offset scan), then every rule as `check` runs them, without its report.
    const stages = path.join(dir, 'stages.js');
    buildSync({
      ...(bundleCommon as BuildOptions),
      stdin: { contents: STAGES_SOURCE, resolveDir: path.join(root, 'scripts'), sourcefile: 'stages.ts', loader: 'ts' },
      outfile: stages,
      absWorkingDir: root,
      sourcemap: false,
    });

    const time = (args: string[], before?: () => void, after?: () => void) => {
      before?.();
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { stdio: ['ignore', devNull, 'pipe'] });
      const ms = performance.now() - t0;
      after?.();
      if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
      return ms;
    };
    const restore = () => copyFileSync(original, big);
    const variants: { name: string; args: string[]; before?: () => void; after?: () => void }[] = [
      { name: 'start-up (empty script)', args: [empty] },
      { name: 'read + JSON.parse (13 MB)', args: [readParse, big] },
      { name: 'read + offsets (document layer)', args: [stages, 'document', big] },
      { name: 'read + every rule (no report)', args: [stages, 'rules', big] },
      { name: 'check --format json', args: [cli, 'check', '--format', 'json', big] },
      { name: 'check --format text', args: [cli, 'check', '--format', 'text', big] },
      { name: 'check --format sarif', args: [cli, 'check', '--format', 'sarif', big] },
      { name: 'cleanup (dry run)', args: [cli, 'cleanup', big] },
      // Restored after the write too: every other variant reads the original file, never the cleaned one.
      { name: 'cleanup --apply', args: [cli, 'cleanup', '--apply', big], before: restore, after: restore },
      { name: 'find + read + JSON.parse (2,000 files)', args: [findReadParse, ws] },
      { name: 'find + read + offsets (2,000 files)', args: [stages, 'document', ws] },
      { name: 'find + read + every rule (2,000 files)', args: [stages, 'rules', ws] },
      { name: 'check --format json (2,000 files)', args: [cli, 'check', '--format', 'json', ws] },
    ];
    const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (const v of variants) time(v.args, v.before, v.after); // warm the page cache
    for (let r = 0; r < rounds; r++) for (const v of variants) times.get(v.name)!.push(time(v.args, v.before, v.after));
    restore();
    const med = (name: string) => median0(times.get(name)!);
    const start = med('start-up (empty script)');
    const net = (name: string) => Math.max(0.1, med(name) - start);
    const base = net('read + JSON.parse (13 MB)');
    const wsBase = net('find + read + JSON.parse (2,000 files)');
    const row = (name: string, baseline: number | undefined, target?: number, aim?: number) => {
      const ratio = baseline === undefined ? undefined : net(name) / baseline;
      const verdict =
        ratio === undefined || target === undefined
          ? ''
          : `≤ ${target}×${aim ? ` (aim ${aim}×)` : ''}: ${ratio <= target ? 'met' : `MISSED by ${((ratio / target - 1) * 100).toFixed(0)} %`}`;
      return `| ${name} | ${fmt(med(name))} | ${fmt(net(name))} | ${ratio === undefined ? '' : ratio.toFixed(2) + '×'} | ${verdict} |`;
    };
    const mb = (Buffer.byteLength(bigText) / 1e6).toFixed(1);
    return [
      '## Whole process',
      '',
      `\`node dist/cli.js …\` as a user runs it, against a process that only reads and parses: ` +
        `${mb} MB / 20,000 entries; a workspace of 2,000 style folders × 50 versions. Median of ` +
        `${rounds} interleaved rounds; net = minus Node's start-up (${fmt(start)} ms). The offsets and ` +
        `every-rule rows are stages of \`check\` run as processes of their own (no target): the engine's ` +
        `document layer (JSON.parse and the offset scan), then every rule without the report.`,
      '',
      '| process | median ms | net ms | net / baseline | target |',
      '|---|---:|---:|---:|---|',
      row('start-up (empty script)', undefined),
      row('read + JSON.parse (13 MB)', undefined),
      row('read + offsets (document layer)', base),
      row('read + every rule (no report)', base),
      row('check --format json', base, 3, 2.5),
      row('check --format text', base, 3, 2.5),
      row('check --format sarif', base, 3, 2.5),
      row('cleanup (dry run)', base, 3, 2.5),
      row('cleanup --apply', base, 3, 2.5),
      row('find + read + JSON.parse (2,000 files)', undefined),
      row('find + read + offsets (2,000 files)', wsBase),
      row('find + read + every rule (2,000 files)', wsBase),
      row('check --format json (2,000 files)', wsBase, 1.5),
    ].join('\n');
  } finally {
    closeSync(devNull);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One bundle of scripts/bundles.mjs: esbuild's entry and output, and `lazy` when it is loaded on first use. */
interface BundleSpec {
  entryPoints: string[];
  outfile: string;
  lazy?: string;
}

/**
 * The sizes of dist/extension.js and of each bundle it loads lazily, as `npm run package`
 * builds them (minified), from the list and options scripts/build.mjs uses (scripts/bundles.mjs).
 */
export async function runBundleBench(): Promise<string> {
  const root = path.resolve(__dirname, '..');
  const bundles = (await import(pathToFileURL(path.join(root, 'scripts', 'bundles.mjs')).href)) as {
    EXTENSION_BUNDLES: BundleSpec[];
    bundleOptions: (b: BundleSpec) => BuildOptions;
    commonOptions: (o: { production: boolean; version: string }) => BuildOptions;
  };
  const common = bundles.commonOptions({ production: true, version: '0.0.0-bench' });
  const sized = bundles.EXTENSION_BUNDLES.map((b) => {
    const r = buildSync({ ...common, ...bundles.bundleOptions(b), absWorkingDir: root, write: false, metafile: true });
    return { name: b.outfile, lazy: b.lazy, kb: Object.values(r.metafile!.outputs)[0].bytes / 1000 };
  });
  const main = sized.find((b) => b.lazy === undefined)!;
  const lazy = sized.filter((b) => b.lazy !== undefined);
  const total = sized.reduce((sum, b) => sum + b.kb, 0);
  return [
    '## Extension bundle',
    '',
    `${main.name} (production build, loaded at activation): ${main.kb.toFixed(0)} KB — target < ` +
      `150 KB: ${main.kb < 150 ? 'met' : 'MISSED'}. (Activation, < 10 ms, is measured in the real ` +
      `VS Code host of the integration tests.)`,
    '',
    'Loaded lazily from next to it, on first use (not in the target):',
    '',
    ...lazy.map((b) => `- ${b.name}: ${b.kb.toFixed(0)} KB — ${b.lazy}`),
    '',
    `All ${sized.length} bundles: ${total.toFixed(0)} KB (code two of them use is in both).`,
  ].join('\n');
}

/**
 * The sections `npm run bench` prints, in order. Other benches (S3 sync, the
 * workspace index) add their `run…Bench` function here.
 */
export const SECTIONS: BenchSection[] = [
  () => runCoreBench({ quick: process.argv.includes('--quick') }),
  () => runProcessBench({ rounds: process.argv.includes('--quick') ? 3 : 7 }),
  () => runIndexBench(),
  () => runS3Bench(),
  () => runBundleBench(),
];

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function main(): Promise<void> {
  const peer = process.argv.find((a) => a.startsWith('--peer='));
  if (peer) return runPeerChild(peer.slice(7));
  console.log(`# Training Versions bench\n`);
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',')
    .map(Number);
  for (const [i, section] of SECTIONS.entries()) {
    if (only && !only.includes(i + 1)) continue;
    console.log((await section()) + '\n');
    collectGarbage(); // each section starts on a clean heap: one section's garbage is not the next one's peak
    console.log(`(max RSS so far: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)\n`);
  }
  // The bench's own peak memory (its children are separate processes).
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`Peak memory of \`npm run bench\` (max RSS): ${peakMb.toFixed(0)} MB — target < 1 GB: ${peakMb < 1024 ? 'met' : 'MISSED'}.`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
