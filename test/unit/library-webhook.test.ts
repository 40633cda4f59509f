/**
 * SPEC.md §4, §7: `training-versions webhook` — one RunPod webhook / status body
 * applied to the entry it matches; dry run by default, `--apply` with a backup
 * and an atomic write, `--format json`, exit codes. Through `main`, the flow
 * with a real writer, and once through the built command with a real stdin.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import { UsageError } from '../../src/cli/common';
import { runWebhook } from '../../src/cli/webhook';
import { runWebhookFlow } from '../../src/flows/webhook';
import { readText, writeAtomic } from '../../src/services/files';
import { JOB, ROOT, captureIO, detailed, file, tempDir, versionsOfText } from '../support/helpers';

const FILE = 'training_versions.json';
const dirs: { remove: () => Promise<void> }[] = [];
after(async () => Promise.all(dirs.map((d) => d.remove())));

interface Workspace {
  root: string;
  a: string;
  b: string;
  payload: (body: unknown) => Promise<string>;
}

/** Two style folders: job c retried (-e1 in style 1, -e2 in style 2), job a only in style 1. */
async function workspace(): Promise<Workspace> {
  const t = await tempDir('tv-webhook-');
  dirs.push(t);
  const a = path.join(t.dir, 'styles', '1_ink', FILE);
  const b = path.join(t.dir, 'styles', '2_wash', FILE);
  await fs.mkdir(path.dirname(a), { recursive: true });
  await fs.mkdir(path.dirname(b), { recursive: true });
  await fs.writeFile(
    a,
    file(
      [
        detailed(`${JOB.a}-e1`, 'V7', { status: 'training', completedAt: undefined }),
        detailed(`${JOB.c}-e1`, 'V8', { status: 'failed', completedAt: undefined }),
      ],
      { eol: '\r\n' },
    ),
  );
  await fs.writeFile(b, file([detailed(`${JOB.c}-e2`, 'V1', { status: 'pending', completedAt: undefined })], { indent: 4 }));
  let n = 0;
  return {
    root: path.join(t.dir, 'styles'),
    a,
    b,
    payload: async (body) => {
      const p = path.join(t.dir, `payload-${n++}.json`);
      await fs.writeFile(p, typeof body === 'string' ? body : JSON.stringify(body));
      return p;
    },
  };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(['webhook', ...args], io);
  return { code, out: io.outText, err: io.errText };
}

const completed = (id: string) => ({
  id,
  status: 'COMPLETED',
  delayTime: 120,
  executionTime: 4000,
  output: {
    loraUrl: 'https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV7.safetensors',
  },
});

describe('training-versions webhook', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await workspace();
  });

  test('dry run by default: says what would change, writes nothing', async () => {
    const before = await fs.readFile(ws.a, 'utf8');
    const r = await run(['--payload', await ws.payload(completed(JOB.a)), ws.root]);
    assert.equal(r.code, 0);
    assert.match(r.out, /V7/);
    assert.match(r.out, /--apply/);
    assert.equal(await fs.readFile(ws.a, 'utf8'), before);
    assert.ok(!existsSync(`${ws.a}.backup`));
  });

  test('--apply: backup of the old text, atomic write of the new; a second run changes nothing', async () => {
    const before = await fs.readFile(ws.a, 'utf8');
    const p = await ws.payload(completed(JOB.a));
    const r = await run(['--payload', p, '--apply', ws.root]);
    assert.equal(r.code, 0, r.out);
    assert.equal(await fs.readFile(`${ws.a}.backup`, 'utf8'), before);
    const after = await fs.readFile(ws.a, 'utf8');
    const [v7] = versionsOfText(after);
    assert.equal(v7.status, 'completed');
    assert.equal(
      v7.loraUrl,
      'https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV7.safetensors',
    );
    assert.ok(after.includes('\r\n'), 'CRLF kept');
    assert.deepEqual((await fs.readdir(path.dirname(ws.a))).sort(), [FILE, `${FILE}.backup`], 'no temporary file left');
    const again = await run(['--payload', p, '--apply', '--format', 'json', ws.root]);
    assert.equal(again.code, 0);
    assert.equal(JSON.parse(again.out).outcome, 'unchanged');
    assert.equal(await fs.readFile(ws.a, 'utf8'), after);
  });

  test('--no-backup; an exact id in another file wins over a base id; --format json is one document', async () => {
    const r = await run(['--payload', await ws.payload(completed(`${JOB.c}-e2`)), '--apply', '--no-backup', '--format', 'json', ws.root]);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out);
    assert.equal(doc.apply, true);
    assert.equal(doc.outcome, 'written');
    assert.deepEqual(doc.payload, { id: `${JOB.c}-e2`, baseId: JOB.c, status: 'COMPLETED' });
    assert.equal(doc.match.path, ws.b);
    assert.equal(doc.match.versionId, `${JOB.c}-e2`);
    assert.equal(doc.match.by, 'id');
    assert.deepEqual(
      doc.files.map((f: { status: string }) => f.status),
      ['searched', 'matched'],
    );
    assert.equal(doc.backup, undefined);
    assert.ok(!existsSync(`${ws.b}.backup`));
    assert.equal(versionsOfText(await fs.readFile(ws.b, 'utf8'))[0].status, 'completed');
    assert.ok((await fs.readFile(ws.b, 'utf8')).includes('\n            "status": "completed"'), '4-space indent kept');
    // The base id alone (the seed's webhook) finds the first file's retried entry.
    const base = JSON.parse(
      (await run(['--payload', await ws.payload({ id: JOB.c, status: 'IN_PROGRESS' }), '--format', 'json', ws.root])).out,
    );
    assert.equal(base.match.path, ws.a);
    assert.equal(base.match.by, 'base-id');
    assert.equal(base.outcome, 'planned');
  });

  test('exit codes: no match 1, not a RunPod body 1, an unparsable file 1 (still applied), bad usage 2', async () => {
    const none = await run(['--payload', await ws.payload(completed(JOB.b)), ws.root]);
    assert.equal(none.code, 1);
    assert.match(none.out, new RegExp(`No version matches job ${JOB.b}`));
    for (const body of ['not json', '{"id":"x"}', '[1]', '{"status":"COMPLETED"}']) {
      const r = await run(['--payload', await ws.payload(body), '--format', 'json', ws.root]);
      assert.equal(r.code, 1, body);
      assert.equal(JSON.parse(r.out).outcome, 'invalid-payload');
    }
    // A status RunPod does not document is an unknown outcome for its entry (§4), never a refused body:
    // no entry of job x → no match; the entry of job A → unchanged, saying why.
    const unknownElsewhere = await run(['--payload', await ws.payload('{"id":"x","status":"DONE"}'), '--format', 'json', ws.root]);
    assert.deepEqual([unknownElsewhere.code, JSON.parse(unknownElsewhere.out).outcome], [1, 'no-match']);
    const unknown = await run(['--payload', await ws.payload({ id: `${JOB.a}-e1`, status: 'DONE' }), '--format', 'json', ws.root]);
    const unknownDoc = JSON.parse(unknown.out);
    assert.deepEqual([unknown.code, unknownDoc.outcome], [0, 'unchanged']);
    assert.match(unknownDoc.match.message, /"DONE", which it does not document; nothing changed/);
    assert.equal((await run(['--payload', await ws.payload('  \n'), ws.root])).code, 2, 'empty payload');
    assert.equal((await run(['--payload', path.join(ws.root, 'missing.json'), ws.root])).code, 2, 'missing payload file');
    assert.equal((await run(['--payload', '', ws.root])).code, 2, 'empty option value');
    assert.equal((await run(['--payload', await ws.payload(completed(JOB.a)), '--format', 'xml', ws.root])).code, 2);
    assert.equal((await run(['--payload', await ws.payload(completed(JOB.a)), path.join(ws.root, 'nope')])).code, 2, 'unreadable path');
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /--payload FILE \| -/);

    await fs.writeFile(ws.b, '{ "versions": [ ');
    const partly = await run(['--payload', await ws.payload(completed(JOB.a)), '--apply', ws.root]);
    assert.equal(partly.code, 1);
    assert.match(partly.out, /2_wash.*skipped, left untouched — invalid-json/);
    assert.equal(versionsOfText(await fs.readFile(ws.a, 'utf8'))[0].status, 'completed');
    assert.equal(await fs.readFile(ws.b, 'utf8'), '{ "versions": [ ', 'the unparsable file is never written');
  });

  test('standard input is the default; a terminal or empty input is bad usage', async () => {
    const io = captureIO();
    const code = await runWebhook([ws.root], io, async () => JSON.stringify(completed(JOB.a)));
    assert.equal(code, 0);
    assert.match(io.outText, /V7/);
    await assert.rejects(
      runWebhook(['--payload', '-', ws.root], captureIO(), async () => undefined),
      UsageError,
    );
    await assert.rejects(
      runWebhook([ws.root], captureIO(), async () => ''),
      UsageError,
    );
  });

  test('a file changed on disk after it was read is not overwritten', async () => {
    const changedMeanwhile = file([detailed(`${JOB.a}-e1`, 'V7', { status: 'training', note: 'edited by hand' })]);
    const result = await runWebhookFlow(
      {
        paths: [ws.root],
        payload: JSON.stringify(completed(JOB.a)),
        apply: true,
        backup: true,
        preferAcceleratedUrls: true,
        now: Date.UTC(2026, 0, 2),
      },
      {
        write: writeAtomic,
        read: async (p) => {
          const r = await readText(p);
          if (p === ws.a) await fs.writeFile(p, changedMeanwhile);
          return r;
        },
      },
    );
    assert.equal(result.outcome, 'failed');
    assert.match(result.detail ?? '', /changed on disk/);
    assert.equal(await fs.readFile(ws.a, 'utf8'), changedMeanwhile);
  });

  test('the built command reads the payload from a pipe', async () => {
    let cli = path.join(ROOT, 'dist', 'cli.js');
    if (!existsSync(cli)) {
      // No build yet: bundle the CLI into a temporary folder the way scripts/build.mjs does.
      const out = await tempDir('tv-build-');
      dirs.push(out);
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
      });
    }
    const child = spawn(process.execPath, [cli, 'webhook', '--apply', '--format', 'json', ws.root], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(JSON.stringify(completed(JOB.a)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, out);
    assert.equal(JSON.parse(out).outcome, 'written');
    assert.equal(versionsOfText(await fs.readFile(ws.a, 'utf8'))[0].status, 'completed');
  });
});
