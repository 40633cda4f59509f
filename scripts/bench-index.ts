/**
 * Index bench: a workspace of 2,000 style folders × 50 versions on disk (a temp dir).
 *
 * - index: the extension's initial scan (`scanEach`: a few reads in flight, a yield
 *   after each file) reading every training_versions.json, analysing it (findings,
 *   duplicate groups; only the digest kept, `indexStyleFile`) and building the
 *   sidebar's first level (`StyleTreeModel`, sorted) — the same core code the
 *   extension's index and tree run; only the file reading is node's `fs` here
 *   instead of `vscode.workspace.fs`; also the longest the scan holds the event loop,
 *   and the scan of a quarter and of half the folders (growth);
 * - baseline: reading the same files and `JSON.parse`-ing them, nothing else;
 * - update: one file changes on disk: read it, analyse it, update the model, rebuild
 *   the first level and that style's version rows.
 *
 * `runIndexBench()` returns a markdown table (npm run bench calls it);
 * standalone: `node --import tsx scripts/bench-index.ts [styles] [versions]`.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { indexStyleFile } from '../src/core/styleFile';
import { StyleTreeModel } from '../src/core/styleTreeModel';
import { scanEach } from '../src/services/files';

export interface IndexBenchOptions {
  styles?: number;
  versionsPerStyle?: number;
  /** Timed repetitions of the full index and of the baseline (median reported). */
  runs?: number;
  /** Timed repetitions of the one-file update. */
  updateRuns?: number;
}

const BUCKET = 'storyboard-user-files';
const PREFIX = 'actor_maker_user/custom-styles-models/';
const DAY = 86_400_000;

function uuid(seed: number): string {
  const h = (n: number, len: number) => ((n >>> 0).toString(16).padStart(8, '0') + '00000000').slice(0, len);
  const a = Math.imul(seed, 2654435761),
    b = Math.imul(seed ^ 0x5bd1e995, 40503),
    c = Math.imul(seed + 7, 69069);
  return `${h(a, 8)}-${h(b, 4)}-4${h(c, 3)}-8${h(a ^ c, 3)}-${h(b ^ a, 8)}${h(c, 4)}`;
}

/** A realistic file: mostly detailed webhook entries, a few S3 copies (duplicates), minimal, in-flight and failed ones. */
export function benchFile(styleId: string | undefined, versions: number, seed: number, now: number): string {
  const sid = styleId ?? '0';
  const entries: Record<string, unknown>[] = [];
  for (let k = 1; k <= versions; k++) {
    const label = `V${k}`;
    const stem = `style_${sid}_v${label}`;
    const ts = new Date(now - (versions - k) * DAY - (seed % 97) * 60_000).toISOString();
    const kind = k % 25;
    if (kind === 3) {
      // The S3 sync's copy of the previous version: a duplicate (id is the file, regular URL).
      const prev = `style_${sid}_vV${k - 1}`;
      entries.push({
        id: prev,
        name: `${prev}.safetensors`,
        status: 'completed',
        loraUrl: `https://${BUCKET}.s3.us-west-1.amazonaws.com/${PREFIX}${prev}.safetensors`,
        timestamp: ts,
        lastSynced: ts,
        parameters: {},
        description: 'Synced from S3',
      });
      continue;
    }
    if (kind === 7) {
      entries.push({
        id: stem,
        name: `${stem}.safetensors`,
        status: 'completed',
        loraUrl: `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}${stem}.safetensors`,
        timestamp: ts,
        lastSynced: ts,
        parameters: {},
        description: 'Synced from S3',
      });
      continue;
    }
    const status = k === versions ? 'training' : kind === 11 ? 'failed' : kind === 13 ? 'pending' : 'completed';
    const e: Record<string, unknown> = {
      id: `${uuid(seed * 1000 + k)}-e1`,
      name: label,
      timestamp: ts,
      parameters: {
        network_dim: 16 << (k % 3),
        network_alpha: 16,
        learning_rate: k % 2 ? 0.0001 : 0.0002,
        max_train_epochs: 10,
        resolution: 1024,
      },
      status,
      selectionSetId: 1 + (k % 5),
      imageCount: 30 + (k % 20),
    };
    if (status === 'completed') {
      e.loraUrl = `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}${stem}.safetensors`;
      e.completedAt = new Date(Date.parse(ts) + 1_800_000).toISOString();
    } else if (status === 'failed') {
      e.failedAt = new Date(Date.parse(ts) + 400_000).toISOString();
      e.error = 'CUDA out of memory on worker 7f3a';
    }
    entries.push(e);
  }
  return JSON.stringify({ versions: entries }, null, 2) + '\n';
}

/** Writes the workspace; returns the file paths in a shuffled (directory-listing-like) order. */
async function makeWorkspace(dir: string, styles: number, versions: number, now: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 1; i <= styles; i++) {
    // Every 100th folder has no style id (sorted last).
    const folder = i % 100 === 0 ? `extra_set_${i}` : `${i}_style_${(i * 7919) % 10007}`;
    const sid = i % 100 === 0 ? undefined : String(i);
    const d = path.join(dir, 'resources', 'style_images', folder);
    files.push(path.join(d, 'training_versions.json'));
    await fs.mkdir(d, { recursive: true });
    await fs.writeFile(path.join(d, 'training_versions.json'), benchFile(sid, versions, i, now));
  }
  return files.sort();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/** Runs the bench; returns a markdown table. */
export async function runIndexBench(options: IndexBenchOptions = {}): Promise<string> {
  const styles = options.styles ?? 2000;
  const versions = options.versionsPerStyle ?? 50;
  const runs = options.runs ?? 5;
  const updateRuns = options.updateRuns ?? 30;
  const now = Date.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tv-bench-index-'));
  try {
    const files = await makeWorkspace(dir, styles, versions, now);
    const bytes = (await Promise.all(files.map((f) => fs.stat(f)))).reduce((n, s) => n + s.size, 0);
    const settings = { preferAcceleratedUrls: true, staleAfterHours: 24, now };

    const baseline = async () => {
      const t0 = performance.now();
      let n = 0;
      await Promise.all(
        files.map(async (f) => {
          const text = await fs.readFile(f, 'utf8');
          n += (JSON.parse(text) as { versions: unknown[] }).versions.length;
        }),
      );
      const ms = performance.now() - t0;
      if (n !== styles * versions) throw new Error(`baseline parsed ${n} versions`);
      return ms;
    };
    let model: StyleTreeModel | undefined;
    // The extension's initial scan (WorkspaceIndex.rescan): `scanEach` reads a few files at a time and
    // yields after each; each file is analysed and only its digest kept (`indexStyleFile`).
    const scan = async (subset: readonly string[]) => {
      const m = new StyleTreeModel();
      await scanEach(subset, async (f) => {
        // As WorkspaceIndex.load: the bytes, decoded as strict UTF-8; the index keeps the bytes.
        const bytes = await fs.readFile(f);
        m.upsert(indexStyleFile(f, f, new TextDecoder('utf-8', { fatal: true }).decode(bytes), settings, { bytes }));
      });
      return { m, first: m.styles() };
    };
    const index = async () => {
      model = undefined; // one index alive at a time, as in the extension
      const t0 = performance.now();
      const { m, first } = await scan(files);
      const ms = performance.now() - t0;
      if (first.length !== styles) throw new Error(`first level has ${first.length} styles`);
      model = m;
      return ms;
    };

    await baseline(); // warm the page cache and the JIT for both sides
    await index();
    const base: number[] = [];
    const idx: number[] = [];
    for (let r = 0; r < runs; r++) {
      // Alternate which side goes first so neither always gets the warmer heap.
      if (r % 2) {
        idx.push(await index());
        base.push(await baseline());
      } else {
        base.push(await baseline());
        idx.push(await index());
      }
    }

    // Where the time goes, in memory (no I/O): parsing alone vs the whole analysis, results kept as the index keeps them.
    const raw = await Promise.all(files.map((f) => fs.readFile(f)));
    const texts = raw.map((b) => b.toString('utf8'));
    const inMemory = (fn: () => unknown) => {
      const xs: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const kept = fn();
        xs.push(performance.now() - t0);
        if (!kept) throw new Error('nothing kept');
      }
      return median(xs);
    };
    const parseOnly = inMemory(() => texts.map((t) => JSON.parse(t) as unknown));

    // Retained heap: what the index keeps for every version, next to what JSON.parse's
    // values of the same files keep. The files' contents are held on both sides, so not counted: the
    // texts here, the bytes in the index (which keeps a closed file's bytes, outside the JS heap, not its text).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retainedBy = async (make: () => unknown): Promise<number> => {
      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      let kept: unknown = make();
      // A turn of the event loop, as in the extension: what is only weakly held (an analysis
      // the index can recompute) may go.
      await new Promise<void>((resolve) => setImmediate(resolve));
      gc();
      gc();
      const bytes = process.memoryUsage().heapUsed - before;
      if (!kept) throw new Error('nothing kept');
      kept = undefined;
      return bytes;
    };
    const parsedRetained = await retainedBy(() => texts.map((t) => JSON.parse(t) as unknown));
    const indexRetained = await retainedBy(() => {
      const m = new StyleTreeModel();
      texts.forEach((t, i) => m.upsert(indexStyleFile(files[i], files[i], t, settings, { bytes: raw[i] })));
      m.styles();
      return m;
    });
    const analyseOnly = inMemory(() => texts.map((t, i) => indexStyleFile(files[i], files[i], t, settings, { bytes: raw[i] })));
    // The bytes the index keeps outside the heap (a closed file's contents), counted in the second figure.
    const keptBytes = raw.reduce((n, b) => n + b.byteLength, 0);
    // Not needed any more: keep the bench's peak memory down.
    texts.length = 0;
    raw.length = 0;

    // The longest the scan holds the event loop (the extension host) at a time: a timer's worst lateness.
    const delay = monitorEventLoopDelay({ resolution: 1 });
    model = undefined;
    delay.enable();
    const scanned = await scan(files);
    delay.disable();
    if (scanned.first.length !== styles) throw new Error('the monitored scan lost a style');
    model = scanned.m;
    const blockedMs = delay.max / 1e6;

    // Growth: the same scan over the first quarter and half of the folders.
    const growth: { folders: number; ms: number }[] = [];
    for (const n of [Math.floor(styles / 4), Math.floor(styles / 2)]) {
      if (n < 1) continue;
      const xs: number[] = [];
      for (let r = 0; r < Math.max(3, runs); r++) {
        const t0 = performance.now();
        await scan(files.slice(0, n));
        xs.push(performance.now() - t0);
      }
      growth.push({ folders: n, ms: median(xs) });
    }

    // One file changes on disk: a version finishes training.
    const target = files[Math.floor(files.length / 2)];
    const original = await fs.readFile(target, 'utf8');
    const upd: number[] = [];
    let rows = 0;
    if (!model) throw new Error('no index');
    const built: StyleTreeModel = model;
    for (let r = 0; r < updateRuns + 3; r++) {
      const text = r % 2 ? original : original.replace('"status": "training"', '"status": "completed"');
      await fs.writeFile(target, text);
      const t0 = performance.now();
      const fresh = await fs.readFile(target, 'utf8');
      built.upsert(indexStyleFile(target, target, fresh, settings));
      const first = built.styles();
      rows = built.versions(target, now).length;
      const ms = performance.now() - t0;
      if (first.length !== styles) throw new Error('first level lost a style');
      if (r >= 3) upd.push(ms); // the first runs warm up the JIT
    }
    if (rows !== versions) throw new Error(`the updated style shows ${rows} versions`);

    const totals = built.totals();
    const ib = median(idx),
      bb = median(base),
      ub = median(upd);
    const sizes = [...growth, { folders: styles, ms: ib }];
    const perK = (g: { folders: number; ms: number }) => (g.ms / (g.folders * versions)) * 1000;
    const linear = sizes.every((g) => perK(g) <= 1.3 * perK(sizes[0]));
    const lines = [
      `Index bench: ${styles} style folders × ${versions} versions ` +
        `(${(styles * versions).toLocaleString('en')} versions, ${(bytes / 1048576).toFixed(1)} ` +
        `MB); ${totals.problems.toLocaleString('en')} problems, ${totals.inFlight} in flight. ` +
        `Median of ${runs} runs (update: ${updateRuns}).`,
      '',
      '| measure | median ms | min ms | target |',
      '|---|---:|---:|---|',
      `| read + JSON.parse every file (baseline) | ${fmt(bb)} | ${fmt(Math.min(...base))} | |`,
      `| index: read + analyse every file + build the tree's first level | ${fmt(ib)} | ${fmt(Math.min(...idx))} | ≤ 1.5 × baseline |`,
      `| ratio index / baseline | ${(ib / bb).toFixed(2)} × | | ${ib / bb <= 1.5 ? 'met' : 'MISSED'} |`,
      `| in memory: JSON.parse every text / analyse every text (kept as the index keeps it) | ${fmt(parseOnly)} / ${fmt(analyseOnly)} | | |`,
      `| retained heap for ${(styles * versions).toLocaleString('en')} versions: index / ` +
        `JSON.parse values | ${(indexRetained / 1048576).toFixed(0)} MB / ` +
        `${(parsedRetained / 1048576).toFixed(0)} MB = ` +
        `${(indexRetained / parsedRetained).toFixed(2)} × | | ≤ 2 ×: ` +
        `${indexRetained <= 2 * parsedRetained ? 'met' : 'MISSED'} |`,
      `| … and with the file bytes the index keeps outside the heap: (index + ${(keptBytes / 1048576).toFixed(0)} MB) / ` +
        `JSON.parse values | ${((indexRetained + keptBytes) / parsedRetained).toFixed(2)} × | | ≤ 2 ×: ` +
        `${indexRetained + keptBytes <= 2 * parsedRetained ? 'met' : 'MISSED'} |`,
      `| longest the initial scan holds the event loop (a 1 ms timer's worst lateness) | ` +
        `${fmt(blockedMs)} | | ≤ 50 ms: ${blockedMs <= 50 ? 'met' : 'MISSED'} |`,
      `| growth: index ms (ms per 1,000 versions) at ` +
        `${sizes.map((g) => g.folders.toLocaleString('en')).join(' / ')} folders | ` +
        `${sizes.map((g) => `${fmt(g.ms)} (${perK(g).toFixed(1)})`).join(' / ')} | | linear (per ` +
        `version ≤ 1.3 × the smallest's): ${linear ? 'met' : 'MISSED'} |`,
      `| update after one file changes (read, analyse, first level, its ${versions} version rows) ` +
        `| ${ub.toFixed(2)} | ${Math.min(...upd).toFixed(2)} | ≤ 20 ms: ${ub <= 20 ? 'met' : 'MISSED'} |`,
    ];
    return lines.join('\n');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [styles, versions] = process.argv.slice(2).map(Number);
  runIndexBench({ styles: styles || undefined, versionsPerStyle: versions || undefined }).then(
    (table) => console.log(table),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
