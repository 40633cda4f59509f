/**
 * docs/library.md's two writers, examples/writers/*.mjs, run as they are (node, importing
 * the package by its name) on temporary copies, and write what the command writes:
 * the webhook route = `webhook --apply`, the S3 sync step = `sync --apply` against a real
 * S3 API (s3rver on 127.0.0.1).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { ROOT, captureIO, copyExamples, tempDir, versionsOfText } from '../support/helpers';
import { S3RVER_ENV, type S3rverHandle, putObjects, seedClient, startS3rver } from '../support/s3rver';
import { BUCKET, PREFIX, REGION, SEED_OBJECTS, writeSeedWorkspace } from '../support/syncFixtures';

const FILE = 'training_versions.json';
const WRITERS = path.join(ROOT, 'examples', 'writers');
const temps: { remove: () => Promise<void> }[] = [];
after(async () => Promise.all(temps.map((t) => t.remove())));

async function temp(prefix: string): Promise<string> {
  const t = await tempDir(prefix);
  temps.push(t);
  return t.dir;
}

/** The examples import `training-versions` (the package itself): its library bundles must exist. */
before(async () => {
  if (existsSync(path.join(ROOT, 'dist', 'lib', 'index.mjs'))) return;
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(ROOT, 'src', 'lib', 'index.ts')],
    outfile: path.join(ROOT, 'dist', 'lib', 'index.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
  });
});

/** A child's environment: no AWS settings of this machine, only what the test gives. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

const sameExceptLastSynced = (text: string) => text.replace(/"lastSynced": "[^"]*"/g, '"lastSynced": "…"');

describe('examples/writers/webhook-route.mjs', () => {
  let child: ChildProcess | undefined;
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  test('answers RunPod’s webhook and writes what `webhook --apply` writes', async () => {
    const viaRoute = await copyExamples(await temp('tv-ex-route-'));
    const viaCli = await copyExamples(await temp('tv-ex-cli-'));
    const payload = JSON.stringify({
      id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
      status: 'COMPLETED',
      output: {
        url: `https://${BUCKET}.s3.${REGION}.amazonaws.com/${PREFIX}style_59_vV4.safetensors`,
        completedAt: '2025-10-14T11:00:00.000Z',
      },
    });

    child = spawn(process.execPath, [path.join(WRITERS, 'webhook-route.mjs'), viaRoute, '--port', '0'], {
      cwd: ROOT,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child!.on('exit', (code) => reject(new Error(`the route exited (${code}): ${stderr}`)));
    });
    const post = async (style: string, body: string) => {
      const r = await fetch(`${url}?style=${style}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      return { status: r.status, body: (await r.json()) as { versionId?: string; changed?: boolean; error?: string } };
    };

    const ok = await post('59_comic_halftone', payload);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.versionId, '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918-e2');
    assert.equal(ok.body.changed, true);
    const again = await post('59_comic_halftone', payload);
    assert.deepEqual([again.status, again.body.changed], [200, false], 'RunPod retries a webhook: the second delivery changes nothing');
    assert.equal((await post('1_ink_intensity', payload)).status, 404, 'no entry of that job in that style');
    assert.equal((await post('59_comic_halftone', '{"id": 3}')).status, 400);
    assert.equal((await post('../etc', payload)).status, 400);
    assert.equal((await post('404_no_such_style', payload)).status, 404);
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));

    const payloadFile = path.join(path.dirname(viaCli), 'payload.json');
    await fs.writeFile(payloadFile, payload);
    const io = captureIO();
    assert.equal(await main(['webhook', '--payload', payloadFile, '--apply', viaCli], io), 0, io.outText);
    const routeText = await fs.readFile(path.join(viaRoute, '59_comic_halftone', FILE), 'utf8');
    assert.equal(routeText, await fs.readFile(path.join(viaCli, '59_comic_halftone', FILE), 'utf8'));
    assert.equal(versionsOfText(routeText)[0].status, 'completed');
    assert.equal(
      await fs.readFile(path.join(viaRoute, '59_comic_halftone', `${FILE}.backup`), 'utf8'),
      await fs.readFile(path.join(viaCli, '59_comic_halftone', `${FILE}.backup`), 'utf8'),
    );
  });
});

describe('examples/writers/s3-sync-step.mjs', { timeout: 120_000 }, () => {
  let server: S3rverHandle;
  before(async () => {
    server = await startS3rver({ buckets: [BUCKET] });
    const client = seedClient(server.endpoint);
    await putObjects(client, BUCKET, SEED_OBJECTS);
    client.destroy();
  });
  after(async () => server?.stop());

  test('lists a real bucket and writes what `sync --apply` writes (but lastSynced); a second run changes only lastSynced', async () => {
    const viaStep = await temp('tv-ex-step-');
    const viaCli = await temp('tv-ex-sync-');
    const files = await writeSeedWorkspace(viaStep);
    await writeSeedWorkspace(viaCli);
    const flags = [
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
    ];
    const exec = promisify(execFile);
    const step = () =>
      exec(process.execPath, [path.join(WRITERS, 's3-sync-step.mjs'), ...flags, viaStep], { cwd: ROOT, env: childEnv(S3RVER_ENV) });
    const first = await step();
    assert.match(first.stdout, /10 objects listed; updated /);

    const io = captureIO();
    io.env = { ...S3RVER_ENV };
    assert.equal(await main(['sync', ...flags, '--apply', viaCli], io), 0, io.outText + io.errText);
    let changed = 0;
    for (const [folder, p] of Object.entries(files)) {
      const mine = await fs.readFile(p, 'utf8');
      const theirs = await fs.readFile(path.join(viaCli, folder, FILE), 'utf8');
      assert.equal(sameExceptLastSynced(mine), sameExceptLastSynced(theirs), folder);
      if (existsSync(`${p}.backup`)) changed++;
    }
    assert.ok(changed >= 3, 'the sync changed several style files');

    const before = new Map(await Promise.all(Object.values(files).map(async (p) => [p, await fs.readFile(p, 'utf8')] as const)));
    await step();
    for (const p of Object.values(files))
      assert.equal(sameExceptLastSynced(await fs.readFile(p, 'utf8')), sameExceptLastSynced(before.get(p)!), 'only lastSynced moves');
  });
});
