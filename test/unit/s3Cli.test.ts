/**
 * `training-versions sync` end to end against s3rver on 127.0.0.1: the dry run
 * writes nothing, --apply writes a backup then the file, exit codes, and every
 * failure (remote error, server gone half-way, no credentials, cancel) leaves
 * every file as it was.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import { runSync } from '../../src/cli/sync';
import { captureIO, parseText, ROOT, snapshot, tempDir } from '../support/helpers';
import { putObjects, S3RVER_ENV, type S3rverHandle, seedClient, startS3rver } from '../support/s3rver';
import { ACCEL, BUCKET, PREFIX, REGION, SEED_OBJECTS, withoutLastSynced, writeSeedWorkspace } from '../support/syncFixtures';

let server: S3rverHandle;
const temps: { remove: () => Promise<void> }[] = [];

before(async () => {
  server = await startS3rver({ buckets: [BUCKET] });
  const client = seedClient(server.endpoint);
  await putObjects(client, BUCKET, SEED_OBJECTS);
  client.destroy();
});

after(async () => {
  await server?.stop();
  for (const t of temps) await t.remove();
});

async function workspace(extra: Record<string, string> = {}): Promise<{ dir: string; paths: Record<string, string> }> {
  const t = await tempDir('tv-s3-cli-');
  temps.push(t);
  return { dir: t.dir, paths: await writeSeedWorkspace(t.dir, extra) };
}

function args(dir: string, ...more: string[]): string[] {
  return [
    '--bucket',
    BUCKET,
    '--prefix',
    PREFIX,
    '--region',
    REGION,
    '--endpoint',
    server.endpoint,
    '--path-style',
    '--read-metadata',
    ...more,
    dir,
  ];
}

function io(env: NodeJS.ProcessEnv = { ...S3RVER_ENV }) {
  const c = captureIO();
  c.env = env;
  return c;
}

// A network regression must fail, not hang the whole run.
describe('training-versions sync', { timeout: 120_000 }, () => {
  test('the dry run prints the plan file by file and writes nothing', async () => {
    const { dir } = await workspace();
    const before = await snapshot(dir);
    const out = io();
    assert.equal(await main(['sync', ...args(dir)], out), 0);
    assert.deepEqual(await snapshot(dir), before);
    const text = out.outText;
    assert.match(
      text,
      /^Listed s3:\/\/storyboard-user-files\/actor_maker_user\/custom-styles-models\/: 10 objects in 1 page, 8 model files\./,
    );
    assert.match(
      text,
      /1_ink_intensity\/training_versions\.json \(style 1\):\n {2}update "V7" \(3e248bb6-012c-4384-ae6c-4b19c126d093-e1\) ← style_1_vV7\.safetensors \(same S3 object\): lastSynced → "/,
    );
    assert.match(
      text,
      /update "V6" .*\n {6}loraUrl: "https:\/\/storyboard-user-files\.s3\.us-west-1\.amazonaws\.com\/.*style_1_vV6\.safetensors" → "https:\/\/storyboard-user-files\.s3-accelerate\.amazonaws\.com\/.*style_1_vV6\.safetensors"/,
    );
    assert.match(text, /add "style_1_vV8" ← style_1_vV8\.safetensors/);
    assert.match(
      text,
      /update "V4" \(7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918-e2\) ← style_59_vV4\.safetensors \(version name is the file label\)\n {6}because version name V4 is the label of style_59_vV4\.safetensors \(style 59\)\n {6}loraUrl: \(none\) → "http:\/\/127\.0\.0\.1:\d+\/storyboard-user-files\/actor_maker_user\/custom-styles-models\/style_59_vV4\.safetensors"\n {6}status: "training" → "completed"/,
    );
    assert.match(
      text,
      /\(RunPod job id in the object metadata\)\n {6}because the object's runpod-job-id metadata names the job 26945dbf-4e87-4574-ad26-b1f71e865942, the base id of "26945dbf-4e87-4574-ad26-b1f71e865942-e2"/,
    );
    assert.match(
      text,
      /Model files with no style folder here \(not written anywhere\):\n {2}style_99_vV1\.safetensors — no style folder with style id 99/,
    );
    assert.match(
      text,
      /Summary: 8 model files: 6 matched an entry, 1 new entry, 1 without a style folder; 2 other objects ignored\. 4 files would change\./,
    );
    assert.match(text, /Nothing was written: run again with --apply/);
    assert.ok(!text.includes('5_pencil'), 'a file with nothing to change is not listed');
  });

  test('--apply writes a .backup of each changed file, then the file; a second run changes only lastSynced', async () => {
    const { dir, paths } = await workspace();
    const original = new Map(await Promise.all(Object.values(paths).map(async (p) => [p, await fs.readFile(p, 'utf8')] as const)));
    const out = io();
    assert.equal(await main(['sync', ...args(dir, '--apply')], out), 0);
    const changed = ['1_ink_intensity', '59_comic_halftone', '12_charcoal_sketch', '3_watercolor_wash'];
    for (const folder of changed) {
      const p = paths[folder];
      assert.equal(await fs.readFile(`${p}.backup`, 'utf8'), original.get(p), `${folder}: the backup is the file as it was`);
      assert.notEqual(await fs.readFile(p, 'utf8'), original.get(p));
      assert.match(out.outText, new RegExp(`written; backup at ${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\.backup`));
    }
    assert.equal(await fs.readFile(paths['5_pencil'], 'utf8'), original.get(paths['5_pencil']));
    await assert.rejects(fs.stat(`${paths['5_pencil']}.backup`), { code: 'ENOENT' });
    const ink = parseText(await fs.readFile(paths['1_ink_intensity'], 'utf8'));
    assert.deepEqual(
      ink.versions.map((v) => v.id),
      ['3e248bb6-012c-4384-ae6c-4b19c126d093-e1', 'b91f0c2e-6a1d-4f7e-9c55-2d8e0a7b3c41-e1', 'style_1_vV8'],
    );
    assert.equal(ink.versions[1].loraUrl, `${ACCEL}style_1_vV6.safetensors`);
    assert.match(out.outText, /Wrote 4 files\./);

    const firstTexts = new Map(await Promise.all(changed.map(async (f) => [f, await fs.readFile(paths[f], 'utf8')] as const)));
    const again = io();
    assert.equal(await main(['sync', ...args(dir, '--apply', '--no-backup')], again), 0);
    for (const folder of changed) {
      const now = await fs.readFile(paths[folder], 'utf8');
      assert.deepEqual(withoutLastSynced(now), withoutLastSynced(firstTexts.get(folder)!), `${folder}: only lastSynced moved`);
      assert.equal(
        await fs.readFile(`${paths[folder]}.backup`, 'utf8'),
        original.get(paths[folder]),
        '--no-backup leaves the old backup alone',
      );
    }
    assert.match(again.outText, /0 new entries/);
  });

  test('a style file that does not parse is skipped and reported; the others are synced (exit 1)', async () => {
    const broken = '{ "versions": [ { "id": "x", } ] }\n';
    const { dir, paths } = await workspace({ '8_broken': broken });
    const out = io();
    assert.equal(await main(['sync', ...args(dir, '--apply')], out), 1);
    assert.equal(await fs.readFile(paths['8_broken'], 'utf8'), broken);
    await assert.rejects(fs.stat(`${paths['8_broken']}.backup`), { code: 'ENOENT' });
    assert.match(out.outText, /8_broken\/training_versions\.json: skipped, left untouched — invalid-json/);
    assert.match(out.outText, /1 file skipped \(does not parse\)/);
    assert.ok((await fs.readFile(paths['1_ink_intensity'], 'utf8')).includes('style_1_vV8'), 'the other files are written');
  });

  test('exit 2 for bad usage or an unreadable path; nothing contacted, nothing written', async () => {
    const { dir } = await workspace();
    const before = await snapshot(dir);
    const cases: [string[], RegExp][] = [
      [['sync', dir], /--bucket is required/],
      [['sync', '--bucket', 's3://bucket/prefix', dir], /--bucket takes a bucket name/],
      [['sync', '--bucket', BUCKET, '--endpoint', 'ftp://127.0.0.1', dir], /--endpoint must be an http\(s\) URL/],
      [['sync', '--bucket', BUCKET, '--no-such-flag', dir], /unknown option --no-such-flag/],
      [
        ['sync', '--bucket', BUCKET, '--endpoint', server.endpoint, path.join(dir, 'missing')],
        /Cannot read .*missing: no such file or folder/,
      ],
    ];
    for (const [argv, message] of cases) {
      const out = io();
      assert.equal(await main(argv, out), 2, argv.join(' '));
      assert.match(out.errText, message);
      assert.match(out.errText, /Usage: training-versions sync --bucket B/);
    }
    assert.deepEqual(await snapshot(dir), before);
  });

  test('a remote error exits 1 with its message; no file touched', async () => {
    const { dir } = await workspace();
    const before = await snapshot(dir);
    const out = io();
    assert.equal(await main(['sync', '--bucket', 'not-a-bucket', '--endpoint', server.endpoint, '--path-style', '--apply', dir], out), 1);
    assert.match(
      out.errText,
      /training-versions sync: The bucket "not-a-bucket" does not exist on http:\/\/127\.0\.0\.1:\d+\. Check --bucket/,
    );
    assert.equal(out.outText, '');
    assert.deepEqual(await snapshot(dir), before);
  });

  test('the server gone half-way through the listing: exit 1, no file changed', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => ({ key: `${PREFIX}style_1_vV${i + 100}.safetensors` }));
    const doomed = await startS3rver({ buckets: [BUCKET], seed: [{ bucket: BUCKET, objects: many }] });
    try {
      const { dir } = await workspace();
      const before = await snapshot(dir);
      const out = io();
      const argv = [
        '--bucket',
        BUCKET,
        '--prefix',
        PREFIX,
        '--region',
        REGION,
        '--endpoint',
        doomed.endpoint,
        '--path-style',
        '--apply',
        dir,
      ];
      const code = await runSync(argv, out, {
        onProgress: (p) => {
          if (p.phase === 'list' && p.pages === 1) doomed.kill();
        },
      });
      assert.equal(code, 1);
      assert.match(
        out.errText,
        /Lost the connection to http:\/\/127\.0\.0\.1:\d+ while listing s3:\/\/storyboard-user-files\/actor_maker_user\/custom-styles-models\/ \((ECONNREFUSED|connection reset)\)\. .*nothing was written/,
      );
      assert.deepEqual(await snapshot(dir), before);
    } finally {
      await doomed.stop();
    }
  });

  test('cancelled: exit 1, nothing written', async () => {
    const { dir } = await workspace();
    const before = await snapshot(dir);
    const ac = new AbortController();
    const out = io();
    const code = await runSync(args(dir, '--apply'), out, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'metadata') ac.abort();
      },
    });
    assert.equal(code, 1);
    assert.match(out.errText, /The sync was cancelled; nothing was written\./);
    assert.deepEqual(await snapshot(dir), before);
  });

  test('rejected credentials: exit 1, and the credential values appear nowhere in the output', async () => {
    const { dir } = await workspace();
    const id = 'AKIAQQQQTESTKEYID0002',
      secret = 'aB3/+secret+ValueThatMustNotLeak0987654321';
    const out = io({ AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: 'session-token-value-0001' });
    assert.equal(await main(['sync', ...args(dir)], out), 1);
    const all = out.outText + out.errText;
    assert.match(all, /rejected your credentials \(InvalidAccessKeyId\)/);
    for (const v of [id, secret, 'session-token-value-0001']) assert.ok(!all.includes(v), `${v} leaked`);
  });

  test('no credentials anywhere: the command says how to provide them (a real CLI process, clean environment)', async () => {
    const { dir } = await workspace();
    const before = await snapshot(dir);
    const home = await tempDir('tv-s3-home-');
    temps.push(home);
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home.dir,
      AWS_CONFIG_FILE: path.join(home.dir, 'none-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home.dir, 'none-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'sync', ...args(dir, '--apply')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /No AWS credentials found\. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile .* --profile/);
    assert.equal(stdout, '');
    assert.deepEqual(await snapshot(dir), before);
  });

  test('AWS_PROFILE and keys in the environment: the keys are used, as the AWS CLI does; one line of ours, no SDK warning (a real CLI process)', async () => {
    const { dir } = await workspace();
    const home = await tempDir('tv-s3-home-');
    temps.push(home);
    await fs.writeFile(path.join(home.dir, 'config'), '[profile elsewhere]\nregion = eu-west-1\n');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home.dir,
      AWS_CONFIG_FILE: path.join(home.dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home.dir, 'none-credentials'),
      AWS_PROFILE: 'elsewhere',
      ...S3RVER_ENV,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'sync', ...args(dir)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /^Listing s3:\/\/storyboard-user-files\/actor_maker_user\/custom-styles-models\/ on http:\/\/127\.0\.0\.1:\d+ \(from --endpoint, path-style; region us-west-1\)…\n/,
    );
    const notes = stderr.split('\n').filter((l) => l.startsWith('Note: '));
    assert.deepEqual(notes, [
      'Note: Using AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment, as the AWS CLI does; AWS_PROFILE=elsewhere is not used for credentials.',
    ]);
    assert.doesNotMatch(stderr, /NodeVersionSupportWarning|Multiple credential sources|WARNING|Warning/);
    assert.match(stderr, /\n {2}page 1: 10 objects so far\n/, 'progress from the first page');
    assert.match(stdout, /^Listed s3:\/\//);
  });
});
