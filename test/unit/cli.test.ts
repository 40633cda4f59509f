/**
 * SPEC.md §7: `training-versions check` and `cleanup` over a copy of examples/,
 * through `main` with a captured io, and once through the built dist/cli.js.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { benchFile } from '../../scripts/bench-index';
import { v8FlagsFor } from '../../src/cli/common';
import { main } from '../../src/cli/main';
import { analyze } from '../../src/core/findings';
import { baseJobId, isJobId } from '../../src/core/identity';
import { objectIdentity, parseS3Url } from '../../src/core/s3Url';
import { type Entry, ROOT, captureIO, copyExamples, snapshot, tempDir } from '../support/helpers';

const FILE = 'training_versions.json';

interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  versionId: string | null;
}
interface JsonReport {
  files: { path: string; findings: JsonFinding[] }[];
}

/**
 * What examples/ contains, file by file (SPEC.md §2, §3; the dates in the
 * examples are from October 2025, so in-flight jobs are past 24 h).
 */
const EXPECTED: Record<string, { code: string; versionId: string | null }[]> = {
  // One clean style.
  '10_clean_line': [],
  // A regular URL whose accelerated form exists, and a truly new S3 file (minimal, nothing to merge with).
  '12_charcoal_sketch': [
    { code: 'non-accelerated-url', versionId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d-e1' },
    { code: 'minimal-entry', versionId: 'style_12_vV2' },
  ],
  // The seed's webhook-vs-S3 pair: accelerated vs regular URL of one object; the S3 copy's URL is regular.
  '1_ink_intensity': [
    { code: 'duplicate-version', versionId: 'style_1_vV7' },
    { code: 'non-accelerated-url', versionId: 'style_1_vV7' },
  ],
  // A -e1 (failed) / -e2 (completed) retry pair; CRLF, 4 spaces, an extra top-level key.
  '3_watercolor_wash': [{ code: 'duplicate-version', versionId: '26945dbf-4e87-4574-ad26-b1f71e865942-e1' }],
  // V4 (still "training", stale) vs style_59_vV4.safetensors.
  '59_comic_halftone': [
    { code: 'stale-job', versionId: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918-e2' },
    { code: 'duplicate-version', versionId: 'style_59_vV4' },
  ],
  // A stale pending job.
  '7_pastel_soft': [{ code: 'stale-job', versionId: 'f2a9c4d1-5e6b-4c7d-8e9f-0a1b2c3d4e5f-e1' }],
};

async function run(args: string[]) {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.outText, err: io.errText };
}

/** The 1-based position of `needle` (its `occurrence`-th match) in `text`, as the JSON report gives it. */
function positionOf(text: string, needle: string, occurrence = 0): { line: number; column: number; endLine: number; endColumn: number } {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, needle);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, endLine: line, endColumn: column + needle.length };
}

async function readEntries(file: string): Promise<Entry[]> {
  const t = await fs.readFile(file, 'utf8');
  return (JSON.parse(t.charCodeAt(0) === 0xfeff ? t.slice(1) : t) as { versions: Entry[] }).versions;
}

let tmp: string;
let removeTmp: () => Promise<void>;
let ex: string;
before(async () => ({ dir: tmp, remove: removeTmp } = await tempDir('tv-cli-')));
after(async () => removeTmp());
let n = 0;
beforeEach(async () => {
  ex = await copyExamples(path.join(tmp, `case${n++}`));
});

describe('check --format json on examples/', () => {
  test('reports exactly the cases the examples contain; every file searched appears', async () => {
    const { code, out } = await run(['check', '--format', 'json', ex]);
    assert.equal(code, 1, 'warnings → exit 1');
    const report = JSON.parse(out) as JsonReport;
    const got: Record<string, { code: string; versionId: string | null }[]> = {};
    for (const f of report.files) {
      assert.equal(path.basename(f.path), FILE);
      got[path.basename(path.dirname(f.path))] = f.findings.map((x) => ({ code: x.code, versionId: x.versionId }));
    }
    assert.deepEqual(got, EXPECTED);
  });

  test('each finding has the §7 fields and the exact position', async () => {
    const { out } = await run(['check', '--format', 'json', ex]);
    const report = JSON.parse(out) as JsonReport;
    for (const f of report.files) {
      for (const x of f.findings) {
        assert.deepEqual(Object.keys(x).sort(), ['code', 'column', 'endColumn', 'endLine', 'line', 'message', 'severity', 'versionId']);
        assert.ok(['error', 'warning', 'information'].includes(x.severity));
        assert.ok(x.line >= 1 && x.column >= 1);
      }
    }
    const file = (folder: string) => report.files.find((f) => path.basename(path.dirname(f.path)) === folder)!;
    const text = async (folder: string) => fs.readFile(path.join(ex, folder, FILE), 'utf8');
    const pick = ({ line, column, endLine, endColumn }: JsonFinding) => ({ line, column, endLine, endColumn });

    const ink = await text('1_ink_intensity');
    const [dup, url] = file('1_ink_intensity').findings;
    assert.equal(dup.severity, 'warning');
    assert.deepEqual(pick(dup), positionOf(ink, '"style_1_vV7"'));
    assert.match(dup.message, /same S3 object/);
    assert.deepEqual(
      pick(url),
      positionOf(
        ink,
        '"https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV7.safetensors"',
      ),
    );

    const wash = await text('3_watercolor_wash');
    assert.deepEqual(pick(file('3_watercolor_wash').findings[0]), positionOf(wash, '"26945dbf-4e87-4574-ad26-b1f71e865942-e1"'));

    const comic = await text('59_comic_halftone');
    const [stale, dup59] = file('59_comic_halftone').findings;
    assert.deepEqual(pick(stale), positionOf(comic, '"training"'));
    assert.deepEqual(pick(dup59), positionOf(comic, '"style_59_vV4"'));
    assert.match(dup59.message, /version name is the file/);

    const pastel = await text('7_pastel_soft');
    assert.deepEqual(pick(file('7_pastel_soft').findings[0]), positionOf(pastel, '"pending"'));

    const charcoal = await text('12_charcoal_sketch');
    const [url12, min12] = file('12_charcoal_sketch').findings;
    assert.equal(min12.severity, 'information');
    assert.deepEqual(
      pick(url12),
      positionOf(
        charcoal,
        '"https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/style_12_vV1.safetensors"',
      ),
    );
    assert.equal(min12.line, positionOf(charcoal, '{\n      "id": "style_12_vV2"').line);
    assert.equal(min12.endLine, charcoal.split('\n').length - 3);
  });

  test('positions after a BOM do not count it', async () => {
    const f = path.join(ex, '1_ink_intensity', FILE);
    const plain = await run(['check', '--format', 'json', f]);
    await fs.writeFile(f, '\ufeff' + (await fs.readFile(f, 'utf8')));
    const bom = await run(['check', '--format', 'json', f]);
    assert.deepEqual((JSON.parse(bom.out) as JsonReport).files[0].findings, (JSON.parse(plain.out) as JsonReport).files[0].findings);
  });

  test('a clean file: exit 0 and an empty list; information only: exit 0', async () => {
    const clean = await run(['check', '--format', 'json', path.join(ex, '10_clean_line')]);
    assert.equal(clean.code, 0);
    assert.deepEqual(
      (JSON.parse(clean.out) as JsonReport).files.map((f) => f.findings),
      [[]],
    );
    const f = path.join(ex, '12_charcoal_sketch', FILE);
    await fs.writeFile(f, (await fs.readFile(f, 'utf8')).replace('s3.us-west-1.amazonaws.com', 's3-accelerate.amazonaws.com'));
    const info = await run(['check', '--format', 'json', f]);
    assert.deepEqual(
      (JSON.parse(info.out) as JsonReport).files[0].findings.map((x) => x.code),
      ['minimal-entry'],
    );
    assert.equal(info.code, 0);
  });

  test('text format: one line per finding with its code, and a summary', async () => {
    const { code, out } = await run(['check', ex]);
    assert.equal(code, 1);
    for (const c of ['duplicate-version', 'non-accelerated-url', 'minimal-entry', 'stale-job']) assert.ok(out.includes(c), c);
    assert.match(out, /6 files checked: 0 errors, 7 warnings, 1 information/);
  });

  test('--no-prefer-accelerated drops the URL findings', async () => {
    const { out } = await run(['check', '--format', 'json', '--no-prefer-accelerated', ex]);
    const codes = (JSON.parse(out) as JsonReport).files.flatMap((f) => f.findings.map((x) => x.code));
    assert.equal(codes.includes('non-accelerated-url'), false);
    assert.equal(codes.includes('duplicate-version'), true);
  });
});

describe('check --format sarif', () => {
  test('is SARIF 2.1.0 with one result per finding', async () => {
    const { code, out } = await run(['check', '--format', 'sarif', ex]);
    assert.equal(code, 1);
    const log = JSON.parse(out) as {
      $schema: string;
      version: string;
      runs: {
        tool: {
          driver: {
            name: string;
            version?: string;
            rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[];
          };
        };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
            };
          }[];
          relatedLocations?: {
            id: number;
            message: { text: string };
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
          properties?: { versionId?: string };
        }[];
      }[];
    };
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-(schema-)?2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const [runLog] = log.runs;
    assert.equal(runLog.tool.driver.name, 'training-versions');
    const ruleIds = runLog.tool.driver.rules.map((r) => r.id);
    assert.deepEqual([...ruleIds].sort(), [
      'duplicate-version',
      'invalid-json',
      'invalid-schema',
      'minimal-entry',
      'non-accelerated-url',
      'stale-job',
    ]);
    for (const r of runLog.tool.driver.rules) {
      assert.ok(r.shortDescription.text.length > 0);
      assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration.level));
    }
    const json = JSON.parse((await run(['check', '--format', 'json', ex])).out) as JsonReport;
    const all = json.files.flatMap((f) => f.findings.map((x) => ({ ...x, path: f.path })));
    assert.equal(runLog.results.length, all.length);
    runLog.results.forEach((r, i) => {
      const f = all[i];
      assert.equal(r.ruleId, f.code);
      assert.equal(ruleIds[r.ruleIndex], r.ruleId);
      assert.equal(r.level, f.severity === 'information' ? 'note' : f.severity);
      assert.equal(r.message.text, f.message);
      assert.equal(r.locations.length, 1);
      const loc = r.locations[0].physicalLocation;
      assert.ok(loc.artifactLocation.uri.endsWith('/training_versions.json'));
      assert.ok(!loc.artifactLocation.uri.includes('\\'));
      assert.deepEqual(loc.region, { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
      if (f.code === 'duplicate-version') {
        assert.equal(r.relatedLocations?.length, 1);
        assert.equal(r.relatedLocations![0].id, 1);
        assert.ok(r.relatedLocations![0].physicalLocation.region.startLine >= 1);
      }
      if (f.versionId !== null) assert.equal(r.properties?.versionId, f.versionId);
    });
  });
});

describe('exit codes and usage', () => {
  test('an unreadable path → 2', async () => {
    const r = await run(['check', path.join(ex, 'no-such-folder')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /no-such-folder/);
    assert.equal((await run(['cleanup', '--apply', path.join(ex, 'missing.json')])).code, 2);
  });

  test('a bad flag or format → 2', async () => {
    for (const args of [
      ['check', '--bogus', ex],
      ['check', '--format', 'xml', ex],
      ['cleanup', '--format', 'sarif', ex],
      ['check', '--stale-after-hours', 'soon', ex],
      ['frobnicate'],
      [],
    ]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.err.length > 0 || r.out.includes('Usage'), args.join(' '));
    }
  });

  test('--help → 0', async () => {
    assert.equal((await run(['--help'])).code, 0);
    const r = await run(['check', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /check \[PATH\.\.\.\]/);
  });

  test('a file that is not JSON → 1 with invalid-json', async () => {
    const f = path.join(ex, '10_clean_line', FILE);
    await fs.writeFile(f, '{ "versions": [ }\n');
    const r = await run(['check', '--format', 'json', f]);
    assert.equal(r.code, 1);
    const [finding] = (JSON.parse(r.out) as JsonReport).files[0].findings;
    assert.equal(finding.code, 'invalid-json');
    assert.equal(finding.severity, 'error');
    assert.deepEqual([finding.line, finding.column], [1, 17]);
  });

  test('folders are searched, skipping node_modules and .git', async () => {
    for (const skip of ['node_modules', '.git']) {
      await fs.mkdir(path.join(ex, skip, '5_x'), { recursive: true });
      await fs.writeFile(path.join(ex, skip, '5_x', FILE), 'not json');
    }
    const r = await run(['check', '--format', 'json', ex]);
    assert.equal((JSON.parse(r.out) as JsonReport).files.length, 6);
  });
});

describe('cleanup', () => {
  test('a dry run writes nothing and prints the plan', async () => {
    const before = await snapshot(ex);
    const r = await run(['cleanup', ex]);
    assert.equal(r.code, 0);
    assert.match(r.out, /Would merge 3 duplicate groups \(3 entries removed\), 1 URL upgrade in 4 files/);
    assert.match(r.out, /--apply/);
    assert.deepEqual(await snapshot(ex), before);
  });

  test('--format json: the plan per file', async () => {
    const r = await run(['cleanup', '--format', 'json', ex]);
    const plan = JSON.parse(r.out) as {
      apply: boolean;
      files: {
        path: string;
        status: string;
        merges: { kept: { id: string }; removed: { id: string; rule: string }[]; fields: string[] }[];
        urlUpgrades: { to: string }[];
      }[];
    };
    assert.equal(plan.apply, false);
    const by = Object.fromEntries(plan.files.map((f) => [path.basename(path.dirname(f.path)), f]));
    assert.equal(by['10_clean_line'].status, 'clean');
    assert.equal(by['7_pastel_soft'].status, 'clean');
    assert.equal(by['1_ink_intensity'].status, 'planned');
    assert.deepEqual(
      by['1_ink_intensity'].merges.map((m) => [m.kept.id, m.removed.map((x) => x.id), m.fields]),
      [['3e248bb6-012c-4384-ae6c-4b19c126d093-e1', ['style_1_vV7'], ['lastSynced']]],
    );
    assert.deepEqual(by['59_comic_halftone'].merges[0].fields.sort(), ['lastSynced', 'loraUrl', 'status']);
    assert.deepEqual(
      by['3_watercolor_wash'].merges[0].removed.map((x) => x.rule),
      ['same RunPod job'],
    );
    assert.equal(
      by['12_charcoal_sketch'].urlUpgrades[0].to,
      'https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/style_12_vV1.safetensors',
    );
  });

  test('--apply: backups, no duplicate or regular URL left, every model and field kept, second run does nothing', async () => {
    const before = await snapshot(ex);
    const entriesBefore = new Map<string, Entry[]>();
    for (const folder of Object.keys(EXPECTED)) entriesBefore.set(folder, await readEntries(path.join(ex, folder, FILE)));

    const r = await run(['cleanup', '--apply', ex]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Applied: 3 duplicate groups \(3 entries removed\), 1 URL upgrade in 4 files/);

    const changed = ['12_charcoal_sketch', '1_ink_intensity', '3_watercolor_wash', '59_comic_halftone'];
    for (const folder of Object.keys(EXPECTED)) {
      const file = path.join(ex, folder, FILE);
      const rel = path.join(folder, FILE);
      if (changed.includes(folder)) {
        assert.deepEqual(await fs.readFile(`${file}.backup`), before.get(rel), `${folder}: the backup holds the old bytes`);
        assert.notDeepEqual(await fs.readFile(file), before.get(rel));
      } else {
        assert.equal(existsSync(`${file}.backup`), false, `${folder}: untouched, no backup`);
        assert.deepEqual(await fs.readFile(file), before.get(rel));
      }
    }

    // No duplicate-version or non-accelerated-url is left; the rest stays.
    const check = JSON.parse((await run(['check', '--format', 'json', ex])).out) as JsonReport;
    const left = check.files.flatMap((f) => f.findings.map((x) => `${path.basename(path.dirname(f.path))}:${x.code}`));
    assert.deepEqual(left.sort(), ['12_charcoal_sketch:minimal-entry', '7_pastel_soft:stale-job']);

    // Every model and every field is kept.
    for (const [folder, old] of entriesBefore) {
      const now = await readEntries(path.join(ex, folder, FILE));
      const objects = (es: Entry[]) =>
        new Set(
          es.flatMap((e) => (typeof e.loraUrl === 'string' && parseS3Url(e.loraUrl) ? [objectIdentity(parseS3Url(e.loraUrl)!)] : [])),
        );
      const jobs = (es: Entry[]) => new Set(es.flatMap((e) => (typeof e.id === 'string' && isJobId(e.id) ? [baseJobId(e.id)] : [])));
      assert.deepEqual(objects(now), objects(old), `${folder}: objects`);
      assert.deepEqual(jobs(now), jobs(old), `${folder}: jobs`);
      const names = new Set(now.map((e) => e.name));
      for (const e of old) {
        if (typeof e.name === 'string' && /^V\d+$/.test(e.name)) assert.ok(names.has(e.name), `${folder}: ${e.name} kept`);
      }
    }
    const ink = await readEntries(path.join(ex, '1_ink_intensity', FILE));
    assert.deepEqual(
      ink.map((e) => e.id),
      ['3e248bb6-012c-4384-ae6c-4b19c126d093-e1', 'b91f0c2e-6a1d-4f7e-9c55-2d8e0a7b3c41-e1'],
    );
    assert.equal(ink[0].lastSynced, '2025-10-12T09:46:20.075Z');
    assert.equal(ink[0].description, undefined);
    assert.equal(
      ink[0].loraUrl,
      'https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV7.safetensors',
    );
    const wash = await readEntries(path.join(ex, '3_watercolor_wash', FILE));
    assert.deepEqual(
      wash.map((e) => e.id),
      ['26945dbf-4e87-4574-ad26-b1f71e865942-e2', '0c6d7e21-93b4-4d02-8f1a-7a5e4c3b2a10-e1'],
    );
    assert.equal(wash[0].error, undefined);
    assert.equal(wash[0].failedAt, undefined);
    const washText = await fs.readFile(path.join(ex, '3_watercolor_wash', FILE), 'utf8');
    assert.ok(!/(^|[^\r])\n/.test(washText), 'CRLF kept');
    assert.ok(washText.includes('\r\n    "updatedBy": "webhook-handler"\r\n}'));
    const comic = await readEntries(path.join(ex, '59_comic_halftone', FILE));
    assert.equal(comic.length, 1);
    assert.deepEqual(
      {
        status: comic[0].status,
        loraUrl: comic[0].loraUrl,
        lastSynced: comic[0].lastSynced,
        name: comic[0].name,
        imageCount: comic[0].imageCount,
      },
      {
        status: 'completed',
        loraUrl: 'https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/style_59_vV4.safetensors',
        lastSynced: '2025-10-14T10:15:00.000Z',
        name: 'V4',
        imageCount: 60,
      },
    );

    // A second run finds nothing to do and writes nothing.
    const afterFirst = await snapshot(ex);
    const again = await run(['cleanup', '--apply', ex]);
    assert.equal(again.code, 0);
    assert.match(again.out, /Nothing to clean up in 6 files/);
    assert.deepEqual(await snapshot(ex), afterFirst);
  });

  test('an invalid-JSON file is reported and left byte-identical', async () => {
    const broken = path.join(ex, '99_broken', FILE);
    await fs.mkdir(path.dirname(broken));
    const bytes = '{\n  "versions": [\n    { "id": "style_99_vV1", },\n  ]\n}\n';
    await fs.writeFile(broken, bytes);
    const r = await run(['cleanup', '--apply', ex]);
    assert.equal(r.code, 1);
    assert.match(r.out, /99_broken.*skipped.*invalid-json/);
    assert.equal(await fs.readFile(broken, 'utf8'), bytes);
    assert.equal(existsSync(`${broken}.backup`), false);
    // The others were still cleaned.
    assert.equal((await readEntries(path.join(ex, '1_ink_intensity', FILE))).length, 2);
  });

  test('--no-backup writes without backups', async () => {
    const r = await run(['cleanup', '--apply', '--no-backup', ex]);
    assert.equal(r.code, 0);
    const files = [...(await snapshot(ex)).keys()];
    assert.deepEqual(
      files.filter((f) => f.endsWith('.backup')),
      [],
    );
    assert.equal((await readEntries(path.join(ex, '1_ink_intensity', FILE))).length, 2);
    assert.equal(files.filter((f) => f.endsWith('.tmp')).length, 0);
  });

  test('--no-prefer-accelerated merges but leaves regular URLs', async () => {
    await run(['cleanup', '--apply', '--no-prefer-accelerated', ex]);
    const [v1] = await readEntries(path.join(ex, '12_charcoal_sketch', FILE));
    assert.match(String(v1.loraUrl), /s3\.us-west-1/);
    const text = await fs.readFile(path.join(ex, '1_ink_intensity', FILE), 'utf8');
    assert.equal(analyze(text, { now: Date.now(), styleId: '1' }).findings.length, 0);
  });
});

describe('the built command', () => {
  let cli: string;
  let cleanupBuild: (() => Promise<void>) | undefined;
  before(async () => {
    cli = path.join(ROOT, 'dist', 'cli.js');
    if (existsSync(cli)) return;
    // No build yet: bundle the CLI into a temporary folder the way scripts/build.mjs does.
    const out = await tempDir('tv-build-');
    cleanupBuild = out.remove;
    cli = path.join(out.dir, 'cli.js');
    const { build } = await import('esbuild');
    await build({
      entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
      define: { PACKAGE_VERSION: '"0.0.0-test"' },
    });
  });
  after(async () => cleanupBuild?.());

  test('node dist/cli.js check --format json: same report, exit 1; bad usage exit 2', async () => {
    const exec = promisify(execFile);
    const child = await exec(process.execPath, [cli, 'check', '--format', 'json', ex]).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    assert.equal(child.code, 1);
    const viaMain = JSON.parse((await run(['check', '--format', 'json', ex])).out) as JsonReport;
    const viaCli = JSON.parse(child.stdout) as JsonReport;
    const strip = (r: JsonReport) =>
      r.files.map((f) => ({
        path: f.path,
        findings: f.findings.map((x) => ({ code: x.code, versionId: x.versionId, line: x.line, column: x.column })),
      }));
    assert.deepEqual(strip(viaCli), strip(viaMain));
    const bad = await exec(process.execPath, [cli, 'check', '--nope']).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    assert.equal(bad, 2);
  });

  test('check and cleanup run with V8 inlining off (short runs); the webhook server and the library keep it', async () => {
    assert.deepEqual(v8FlagsFor('check'), ['--no-turbo-inlining']);
    assert.deepEqual(v8FlagsFor('cleanup'), ['--no-turbo-inlining']);
    for (const other of ['webhook', 'status', 'sync', undefined]) assert.deepEqual(v8FlagsFor(other), []);
    // V8 prints each inlining decision with --trace-turbo-inlining (to stdout): a hot loop shows some,
    // and the built `check` on a file large enough to be optimised shows none.
    const exec = promisify(execFile);
    const control = await exec(process.execPath, [
      '--trace-turbo-inlining',
      '-e',
      'function f(x) { return x + 1 } let s = 0; for (let i = 0; i < 1e6; i++) s = f(s);',
    ]);
    assert.match(control.stdout, /^Inlining /m);
    const { dir, remove } = await tempDir('tv-inline-');
    try {
      const file = path.join(dir, '7_style', 'training_versions.json');
      await fs.mkdir(path.dirname(file));
      await fs.writeFile(file, benchFile('7', 3000, 1, Date.parse('2026-01-01T00:00:00Z')));
      for (const command of ['check', 'cleanup']) {
        const r = await exec(process.execPath, ['--trace-turbo-inlining', cli, command, '--format', 'json', file]).then(
          (x) => ({ code: 0, stdout: x.stdout, stderr: x.stderr }),
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
        assert.ok(r.code === 0 || r.code === 1, `${command} exit ${r.code}`);
        assert.doesNotMatch(r.stdout, /^(Inlining|Considering) /m, command);
        // A V8 without the flag would say "unrecognized flag" here, on every run.
        assert.equal(r.stderr, '', command);
        assert.ok(r.stdout.includes('"files"'), `${command} printed its report`);
      }
    } finally {
      await remove();
    }
  });
});

describe('a file that is not valid UTF-8', () => {
  test('is reported as invalid-json and never rewritten, even with duplicates to merge', async () => {
    const folder = path.join(tmp, 'latin1', '1_ink');
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, FILE);
    // A duplicate pair by id-is-file, with "é" written as Latin-1 (0xE9): not UTF-8.
    const bytes = Buffer.concat([
      Buffer.from('{ "versions": [ { "id": "j-e1", "name": "V1", "parameters": { "a": 1 }, "description": "caf'),
      Buffer.from([0xe9]),
      Buffer.from(
        '" }, { "id": "style_1_vV1", "name": "style_1_vV1.safetensors", "parameters": {}, ' +
          '"loraUrl": "https://b.s3-accelerate.amazonaws.com/k/style_1_vV1.safetensors" } ] }\n',
      ),
    ]);
    await fs.writeFile(file, bytes);
    const check = await run(['check', '--format', 'json', path.dirname(folder)]);
    assert.equal(check.code, 1);
    const findings = (JSON.parse(check.out) as JsonReport).files[0].findings;
    assert.equal(findings[0].code, 'invalid-json');
    assert.match(findings[0].message, /not valid UTF-8/);
    const clean = await run(['cleanup', '--apply', path.dirname(folder)]);
    assert.equal(clean.code, 1, 'a file that could not be cleaned is a failure');
    assert.match(clean.out, /skipped, left untouched/);
    assert.deepEqual(await fs.readFile(file), bytes, 'not one byte changed');
    assert.equal(existsSync(`${file}.backup`), false);
  });
});

/** The SARIF Multitool's binary for this platform (shipped inside the npm package; runs offline). */
function sarifMultitool(): string {
  const pkg = require.resolve(`@microsoft/sarif-multitool-${process.platform}/package.json`);
  return path.join(path.dirname(pkg), process.platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool');
}

interface ValidatorResult {
  ruleId: string;
  level: string;
  text: string;
}

/** `sarif-multitool validate --rule-kind "Sarif;Gh"` on a log; every result it reports (a missing level is "warning"). */
async function validateSarif(sarif: string, dir: string): Promise<ValidatorResult[]> {
  const input = path.join(dir, `in-${n++}.sarif`);
  const output = path.join(dir, `out-${n++}.sarif`);
  await fs.writeFile(input, sarif);
  await promisify(execFile)(
    sarifMultitool(),
    ['validate', '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning;Note', '--log', 'ForceOverwrite', '--output', output, input],
    {
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    },
  );
  const log = JSON.parse(await fs.readFile(output, 'utf8')) as {
    runs: { results?: { ruleId: string; level?: string; message: { arguments?: string[]; text?: string } }[] }[];
  };
  return (log.runs[0].results ?? []).map((r) => ({
    ruleId: r.ruleId,
    level: r.level ?? 'warning',
    text: (r.message.arguments ?? [r.message.text ?? '']).join(' | '),
  }));
}

const serious = (rs: ValidatorResult[]) => rs.filter((r) => r.level === 'error' || r.level === 'warning');

interface SarifLog {
  runs: {
    originalUriBaseIds: Record<string, { uri: string }>;
    tool: { driver: { rules: { id: string; helpUri: string; defaultConfiguration: { level: string } }[] } };
    results: {
      ruleId: string;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
    }[];
  }[];
}

describe('SARIF for code scanning (§7), checked by the SARIF Multitool', () => {
  test('the validator runs here and reports what it finds (a log without $schema is an error)', async () => {
    const bad = JSON.stringify({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'r', message: { text: 'a' } }] }],
    });
    const found = serious(await validateSarif(bad, tmp));
    assert.ok(
      found.some((r) => r.ruleId === 'GH1013'),
      JSON.stringify(found),
    );
  });

  test('examples/: no error, no warning; URIs relative to %SRCROOT%; a rule per code with its helpUri', async () => {
    const cwd = path.dirname(ex);
    const io = captureIO(cwd);
    assert.equal(await main(['check', '--format', 'sarif', ex], io), 1);
    const sarif = io.outText;
    assert.deepEqual(serious(await validateSarif(sarif, tmp)), []);
    const [runLog] = (JSON.parse(sarif) as SarifLog).runs;
    assert.equal(runLog.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(cwd + path.sep).href);
    const uris = new Set(runLog.results.map((r) => JSON.stringify(r.locations[0].physicalLocation.artifactLocation)));
    assert.deepEqual(
      [...uris].sort(),
      Object.keys(EXPECTED)
        .filter((k) => EXPECTED[k].length > 0)
        .map((k) => JSON.stringify({ uri: `examples/${k}/${FILE}`, uriBaseId: '%SRCROOT%' }))
        .sort(),
    );
    const rules = runLog.tool.driver.rules;
    assert.deepEqual(rules.map((r) => r.id).sort(), [
      'duplicate-version',
      'invalid-json',
      'invalid-schema',
      'minimal-entry',
      'non-accelerated-url',
      'stale-job',
    ]);
    for (const r of rules) assert.equal(r.helpUri, `https://github.com/training-versions/training-versions#${r.id}`);
    assert.deepEqual(Object.fromEntries(rules.map((r) => [r.id, r.defaultConfiguration.level])), {
      'invalid-json': 'error',
      'invalid-schema': 'error',
      'duplicate-version': 'warning',
      'minimal-entry': 'note',
      'non-accelerated-url': 'warning',
      'stale-job': 'warning',
    });
  });

  test('a nasty path (spaces, é, #, %) is percent-encoded, resolves back to the file, and validates clean', async () => {
    const root = path.join(tmp, `nasty${n++}`);
    const folder = path.join(root, 'style images', 'é#%25 dir', '1_ink intensity');
    await fs.mkdir(folder, { recursive: true });
    await fs.copyFile(path.join(ex, '1_ink_intensity', FILE), path.join(folder, FILE));
    const io = captureIO(root);
    assert.equal(await main(['check', '--format', 'sarif', path.join(root, 'style images')], io), 1);
    const sarif = io.outText;
    const [runLog] = (JSON.parse(sarif) as SarifLog).runs;
    const loc = runLog.results[0].locations[0].physicalLocation.artifactLocation;
    assert.deepEqual(loc, { uri: `style%20images/%C3%A9%23%2525%20dir/1_ink%20intensity/${FILE}`, uriBaseId: '%SRCROOT%' });
    assert.equal(fileURLToPath(new URL(loc.uri, runLog.originalUriBaseIds['%SRCROOT%'].uri)), path.join(folder, FILE));
    assert.deepEqual(serious(await validateSarif(sarif, tmp)), []);
    // Outside the working folder: an absolute file: URI, encoded as well.
    const outside = captureIO(path.join(root, 'style images', 'é#%25 dir', '1_ink intensity', 'sub'));
    await main(['check', '--format', 'sarif', folder], outside);
    const far = (JSON.parse(outside.outText) as SarifLog).runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    assert.deepEqual(far, { uri: pathToFileURL(path.join(folder, FILE)).href });
    assert.match(far.uri, /%C3%A9%23%2525%20dir/);
    assert.deepEqual(serious(await validateSarif(outside.outText, tmp)), []);
  });
});

describe('empty or malformed option values are bad usage (§7), in every command', () => {
  const cases: string[][] = [
    ['check', '--stale-after-hours', ''],
    ['check', '--stale-after-hours='],
    ['check', '--stale-after-hours', '  '],
    ['check', '--format', ''],
    ['cleanup', '--format='],
    ['status', '--endpoint-id', 'ep', '--timeout-ms', ''],
    ['status', '--endpoint-id', ''],
    ['sync', '--bucket', 'b', '--prefix', ''],
    ['sync', '--bucket='],
  ];
  for (const args of cases) {
    test(args.map((a) => (a === '' ? '""' : a)).join(' '), async () => {
      const io = captureIO();
      io.env.RUNPOD_API_KEY = 'rp_test_key';
      const code = await main([...args, ex], io);
      assert.equal(code, 2, io.errText);
      const flag = args
        .filter((a) => a.startsWith('--'))
        .pop()!
        .replace(/=.*$/, '');
      assert.match(io.errText, new RegExp(`${flag}.*empty value`));
      assert.doesNotMatch(io.errText, /rp_test_key/);
    });
  }

  test('--stale-after-hours "" is not taken as 0 (which would make every job stale)', async () => {
    const r = await run(['check', '--format', 'json', '--stale-after-hours', '', ex]);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
  });

  for (const value of ['0x10', '1e2', '-1', ' 5', 'Infinity', '5h', '1.2.3']) {
    test(`--stale-after-hours ${JSON.stringify(value)} is malformed → 2`, async () => {
      const r = await run(['check', `--stale-after-hours=${value}`, ex]);
      assert.equal(r.code, 2, r.err);
    });
  }

  test('well-formed numbers are taken', async () => {
    for (const value of ['0', '24', '1.5', '.5']) assert.equal((await run(['check', '--stale-after-hours', value, ex])).code, 1, value);
  });
});

describe('cleanup --apply counts only what it wrote', () => {
  test('a file that cannot be written is reported and not counted', async () => {
    // The backup path of one changed file is a folder: its write fails before anything is replaced.
    const charcoal = path.join(ex, '12_charcoal_sketch', FILE);
    const bytes = await fs.readFile(charcoal);
    await fs.mkdir(`${charcoal}.backup`);
    const r = await run(['cleanup', '--apply', ex]);
    assert.equal(r.code, 1);
    assert.match(r.out, /12_charcoal_sketch[\s\S]*NOT written/);
    assert.match(r.out, /Applied: 3 duplicate groups \(3 entries removed\), 0 URL upgrades in 3 files\. 1 file could not be written/);
    assert.deepEqual(await fs.readFile(charcoal), bytes);
  });
});

describe('a training_versions.json that is a symbolic link (§1, §7)', () => {
  test('found by folder search, read through the link, written by replacing the target; links to folders not followed', async () => {
    const root = path.join(tmp, `links${n++}`);
    const store = path.join(root, 'store');
    const ws = path.join(root, 'ws');
    await fs.mkdir(path.join(ws, '1_ink_intensity'), { recursive: true });
    await fs.mkdir(store, { recursive: true });
    const target = path.join(store, 'ink.json');
    const bytes = await fs.readFile(path.join(ex, '1_ink_intensity', FILE));
    await fs.writeFile(target, bytes);
    const link = path.join(ws, '1_ink_intensity', FILE);
    await fs.symlink(path.relative(path.dirname(link), target), link);
    // A link to a folder that holds a file: not followed.
    await fs.mkdir(path.join(store, '3_other'));
    await fs.copyFile(path.join(ex, '3_watercolor_wash', FILE), path.join(store, '3_other', FILE));
    await fs.symlink(path.join(store, '3_other'), path.join(ws, '3_other'));
    // A dangling link is not a file.
    await fs.mkdir(path.join(ws, '5_gone'));
    await fs.symlink(path.join(store, 'missing.json'), path.join(ws, '5_gone', FILE));

    const check = JSON.parse((await run(['check', '--format', 'json', ws])).out) as JsonReport;
    assert.deepEqual(
      check.files.map((f) => f.path),
      [link],
    );
    assert.deepEqual(
      check.files[0].findings.map((f) => f.code),
      EXPECTED['1_ink_intensity'].map((e) => e.code),
    );

    const r = await run(['cleanup', '--apply', ws]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.ok((await fs.lstat(link)).isSymbolicLink(), 'the link stays a link');
    assert.equal(await fs.realpath(link), await fs.realpath(target));
    assert.notDeepEqual(await fs.readFile(target), bytes, 'the target was rewritten');
    assert.equal((await readEntries(target)).length, 2);
    assert.deepEqual(await fs.readFile(`${link}.backup`), bytes, 'the backup holds the old bytes');
    assert.deepEqual((await fs.readdir(store)).sort(), ['3_other', 'ink.json'], 'no temporary file left');
  });
});

describe('positions (§1): lone CR line ends, UTF-16 columns after the BOM', () => {
  test('check --format json counts a lone CR as a line end and skips the BOM', async () => {
    const f = path.join(ex, '10_clean_line', FILE);
    await fs.writeFile(f, '\ufeff{\r  "versions": [\r    {"id": "😀", "x": 1}, {"id": 5}\r  ]\r}\r');
    const r = JSON.parse((await run(['check', '--format', 'json', f])).out) as JsonReport;
    const finding = r.files[0].findings.find((x) => x.code === 'invalid-schema')!;
    assert.ok(finding);
    // `    {"id": "😀", "x": 1}, {"id": ` is 33 UTF-16 units (the emoji counts 2).
    assert.deepEqual([finding.line, finding.column, finding.endLine, finding.endColumn], [3, 34, 3, 35]);
    await fs.writeFile(f, '\ufeff[1]\r');
    const root = (JSON.parse((await run(['check', '--format', 'json', f])).out) as JsonReport).files[0].findings[0];
    assert.deepEqual([root.line, root.column, root.endColumn], [1, 1, 4]);
  });
});
