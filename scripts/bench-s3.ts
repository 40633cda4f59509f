/**
 * S3 sync bench: 10,000 model files across 200 styles in s3rver (a real S3 API
 * on 127.0.0.1, in its own process), and a workspace of 200 style folders that
 * already hold half of those versions (detailed entries: accelerated, regular
 * and missing URLs).
 *
 * - bare listing: every page of ListObjectsV2 through the same client, nothing else;
 * - total sync: `syncWorkspace` — list + match + plan + the new texts of the 200
 *   files (what the CLI writes and the editor previews); the files are read and
 *   analysed once beforehand, as the CLI and the editor have them already;
 * - plan alone: `planSync` on the listed objects.
 *
 * `runS3Bench()` returns a markdown table (npm run bench calls it);
 * standalone: `node --import tsx scripts/bench-s3.ts [--quick]`.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadFiles } from '../src/cli/common';
import { planSync } from '../src/core/s3Sync';
import { syncWorkspace } from '../src/flows/sync';
import { createS3Lister, type S3Settings } from '../src/services/s3';
import { S3RVER_ENV, startS3rver } from '../test/support/s3rver';

export interface S3BenchOptions {
  objects?: number;
  styles?: number;
  /** Timed repetitions of each measure (median reported). */
  runs?: number;
  quick?: boolean;
}

const BUCKET = 'storyboard-user-files';
const PREFIX = 'actor_maker_user/custom-styles-models/';
const REGION = 'us-west-1';
const PAGE = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

async function time<T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

/** A style file holding the first half of the style's versions as webhook entries. */
function styleFile(style: number, versions: number): string {
  const entries = [];
  for (let k = 1; k <= versions; k++) {
    const stem = `style_${style}_vV${k}`;
    const job = `${(style * 1000 + k).toString(16).padStart(8, '0')}-4e87-4574-ad26-b1f71e865942-e1`;
    const url =
      k % 3 === 0
        ? undefined
        : k % 3 === 1
          ? `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}${stem}.safetensors`
          : `https://${BUCKET}.s3.${REGION}.amazonaws.com/${PREFIX}${stem}.safetensors`;
    entries.push({
      id: job,
      name: `V${k}`,
      timestamp: new Date(Date.UTC(2025, 8, 1) + k * 86_400_000).toISOString(),
      parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001, max_train_epochs: 10, resolution: 1024 },
      status: url ? 'completed' : 'training',
      selectionSetId: style,
      imageCount: 40,
      ...(url ? { loraUrl: url, completedAt: new Date(Date.UTC(2025, 8, 1) + k * 86_400_000 + 1_800_000).toISOString() } : {}),
    });
  }
  return JSON.stringify({ versions: entries }, null, 2) + '\n';
}

export async function runS3Bench(options: S3BenchOptions = {}): Promise<string> {
  const quick = options.quick ?? false;
  const objects = options.objects ?? 10_000;
  const styles = options.styles ?? 200;
  const runs = options.runs ?? (quick ? 3 : 7);
  const perStyle = Math.ceil(objects / styles);
  const keys = Array.from({ length: objects }, (_, i) => `${PREFIX}style_${(i % styles) + 1}_vV${Math.floor(i / styles) + 1}.safetensors`);

  const seeded = await time(() =>
    startS3rver({ buckets: [BUCKET], seed: [{ bucket: BUCKET, objects: keys.map((key) => ({ key, size: 64 })) }] }),
  );
  const server = seeded.value;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tv-bench-s3-'));
  try {
    for (let s = 1; s <= styles; s++) {
      const folder = path.join(dir, `${s}_style_${s}`);
      await fs.mkdir(folder);
      await fs.writeFile(path.join(folder, 'training_versions.json'), styleFile(s, Math.floor(perStyle / 2)));
    }
    const loaded = await time(() => loadFiles([dir], { preferAcceleratedUrls: true }));
    const files = loaded.value.map((f) => ({ path: f.path, text: f.text, analysis: f.analysis }));

    const settings: S3Settings = {
      bucket: BUCKET,
      prefix: PREFIX,
      region: REGION,
      endpoint: server.endpoint,
      forcePathStyle: true,
      env: { ...S3RVER_ENV },
    };
    const lister = await createS3Lister(settings);
    const list = () => lister.list(PREFIX, () => undefined);
    const sync = () => syncWorkspace(files, lister, { ...settings, preferAcceleratedUrls: true, now: new Date('2025-11-01T00:00:00Z') });

    // Warm-up (connections, JIT), then one counted sync for the request figures.
    await list();
    await sync();
    await server.resetStats();
    const counted = await sync();
    const stats = await server.stats();

    // Alternate the two measures so that drift in s3rver's speed hits both alike.
    const listMs: number[] = [],
      syncMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      listMs.push((await time(list)).ms);
      syncMs.push((await time(sync)).ms);
    }
    const listed = await list();
    const planMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      planMs.push(
        (
          await time(() =>
            planSync(listed, files, {
              bucket: BUCKET,
              region: REGION,
              endpoint: server.endpoint,
              forcePathStyle: true,
              preferAcceleratedUrls: true,
              now: '2025-11-01T00:00:00.000Z',
            }),
          )
        ).ms,
      );
    }
    lister.destroy();

    const expectedRequests = Math.ceil(objects / PAGE);
    const l = median(listMs),
      s = median(syncMs),
      p = median(planMs);
    const ratio = s / l;
    const c = counted.plan.counts;
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    return [
      '## S3 sync',
      '',
      `Node ${process.version}, ${cpu}. s3rver on 127.0.0.1 (own process), ` +
        `${objects.toLocaleString('en')} objects across ${styles} styles; ${styles} style files ` +
        `holding ${Math.floor(perStyle / 2)} detailed entries each. Median of ${runs} runs after warm-up.`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| ListObjectsV2 requests per sync (expected ⌈${objects.toLocaleString('en')} / 1000⌉ = ${expectedRequests}) | ${stats.list} |`,
      `| other requests per sync | ${stats.head + stats.put + stats.other} |`,
      `| bare paginated listing | ${fmt(l)} ms |`,
      `| total sync: list + plan + new texts of ${styles} files | ${fmt(s)} ms |`,
      `| ratio total / listing (target ≤ 1.2×) | ${ratio.toFixed(2)}× — ${ratio <= 1.2 ? 'met' : 'MISSED'} |`,
      `| plan + new texts alone (\`planSync\`) | ${fmt(p)} ms |`,
      `| matched / new entries / files changed | ${c.matched.toLocaleString('en')} / ${c.added.toLocaleString('en')} / ${c.changedFiles} |`,
      `| not in the sync: read + analyse the ${styles} files | ${fmt(loaded.ms)} ms |`,
      `| not in the sync: start s3rver and store the objects | ${fmt(seeded.ms)} ms |`,
    ].join('\n');
  } finally {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runS3Bench({ quick: process.argv.includes('--quick') }).then(
    (md) => console.log(md),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
