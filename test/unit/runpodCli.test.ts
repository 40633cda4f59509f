/** `training-versions status` against our RunPod double on 127.0.0.1 (strict and lenient): dry run, --apply, exit codes, /health, no key in output. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { CliIO } from '../../src/cli/common';
import { main } from '../../src/cli/main';
import { runStatus } from '../../src/cli/status';
import { type FakeMode, type FakeRunpod, pythonError, startFakeRunpod, statusBody } from '../support/fakeRunpod';

const KEY = 'rpa_CLIKEY_1A2B3C4D5E6F_never_print';
const ENDPOINT = 'ep-cli-7';
const DONE = '11111111-4e87-4574-ad26-b1f71e865942';
const RUNNING = '22222222-4e87-4574-ad26-b1f71e865942';
const GONE = '33333333-4e87-4574-ad26-b1f71e865942';
const SLOW = '44444444-4e87-4574-ad26-b1f71e865942';
const FAST = 'https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV8.safetensors';

let fake: FakeRunpod;
let dir: string;
let file: string;
let original: string;
const printed: string[] = [];

function io(env: NodeJS.ProcessEnv = { RUNPOD_API_KEY: KEY }) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = {
    out: (s) => {
      out.push(s);
      printed.push(s);
    },
    err: (s) => {
      err.push(s);
      printed.push(s);
    },
    env,
    cwd: dir,
    color: false,
  };
  return { cli, out, err, text: () => out.join('\n'), errText: () => err.join('\n') };
}

function entry(id: string, status: string): Record<string, unknown> {
  return {
    id,
    name: 'V8',
    timestamp: '2025-10-14T09:00:00.000Z',
    parameters: { network_dim: 16 },
    status,
    selectionSetId: 1,
    imageCount: 40,
  };
}

before(async () => {
  fake = await startFakeRunpod({ apiKey: KEY, endpointId: ENDPOINT });
  fake.setJob(`${DONE}-e2`, { kind: 'status', body: statusBody(`${DONE}-e2`, 'COMPLETED', { output: { loraUrl: FAST } }) });
  fake.setJob(RUNNING, { kind: 'status', body: statusBody(RUNNING, 'IN_PROGRESS') });
  fake.setJob(GONE, { kind: 'expired' });
  fake.setJob(SLOW, { kind: 'slow', delayMs: 10_000, body: statusBody(SLOW, 'COMPLETED') });
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(path.join(tmpdir(), 'tv-status-'));
  mkdirSync(path.join(dir, '1_ink_intensity'));
  file = path.join(dir, '1_ink_intensity', 'training_versions.json');
  // CRLF and 4 spaces: the CLI keeps both.
  original =
    JSON.stringify(
      { versions: [entry(`${DONE}-e2`, 'training'), entry(RUNNING, 'pending'), entry(`${GONE}-e1`, 'pending')] },
      null,
      4,
    ).replace(/\n/g, '\r\n') + '\r\n';
  writeFileSync(file, original);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const base = () => ['--endpoint-id', ENDPOINT, '--api-url', fake.apiUrl];

for (const mode of ['strict', 'lenient'] as FakeMode[])
  describe(`training-versions status (${mode} RunPod double)`, () => {
    beforeEach(() => {
      fake.mode = mode;
    });

    test('without RUNPOD_API_KEY: exit 2 and how to set it', async () => {
      const t = io({});
      const code = await main(['status', ...base(), dir], t.cli);
      assert.equal(code, 2);
      assert.match(t.errText(), /RUNPOD_API_KEY is not set/);
      assert.match(t.errText(), /export RUNPOD_API_KEY=/);
      assert.equal(fake.requests.length, 0);
    });

    test('without --endpoint-id: exit 2', async () => {
      const t = io();
      assert.equal(await main(['status', dir], t.cli), 2);
      assert.match(t.errText(), /--endpoint-id is required/);
    });

    test('dry run prints the plan and writes nothing', async () => {
      const t = io();
      const code = await main(['status', ...base(), dir], t.cli);
      assert.equal(code, 0, t.errText());
      assert.equal(readFileSync(file, 'utf8'), original);
      assert.equal(existsSync(`${file}.backup`), false);
      const out = t.text();
      assert.match(
        out,
        /updated — training → completed \(RunPod: COMPLETED\); sets status "completed", completedAt "20\d\d-[^"]+Z", loraUrl "https:\/\/storyboard-user-files\.s3-accelerate/,
      );
      assert.match(
        out,
        new RegExp(`^RunPod endpoint ${ENDPOINT}: 0 in queue, \\d+ in progress; workers: 0 idle, \\d+ running`, 'm'),
        'the queue and workers come first',
      );
      assert.match(out, /updated, still running — pending → training/);
      assert.match(out, /expired — RunPod no longer holds this job/);
      assert.match(out, /Summary: 2 updated, 1 still running, 1 expired, 0 errors/);
      assert.match(out, /Nothing was written: run again with --apply/);
      const asked = fake.requests.filter((r) => r.op === 'status').map((r) => r.jobId);
      assert.deepEqual(
        asked.sort(),
        [`${DONE}-e2`, RUNNING, `${GONE}-e1`, GONE].sort(),
        'each stored id once; the base id only after a 404',
      );
      assert.deepEqual(fake.requests.filter((r) => r.op === 'health').length, 1);
    });

    test('--format json: the plan and the outcome as one document (§7), the same as the text says', async () => {
      const t = io();
      assert.equal(await main(['status', ...base(), '--format', 'json', dir], t.cli), 0, t.errText());
      const doc = JSON.parse(t.text());
      assert.equal(doc.apply, false);
      assert.equal(doc.health.length, 1);
      assert.match(doc.health[0].message, new RegExp(`^endpoint ${ENDPOINT}: 0 in queue`));
      const [f] = doc.files;
      assert.deepEqual([f.path, f.changed, f.written], [file, true, false]);
      assert.deepEqual(
        f.jobs.map((j: { outcome: string }) => j.outcome),
        ['updated', 'updated', 'expired'],
      );
      assert.deepEqual(f.jobs[0].fields, ['status', 'completedAt', 'loraUrl']);
      assert.equal(f.jobs[2].askedAs, undefined, 'an expired job answered for neither form');
      assert.deepEqual([doc.summary.updated, doc.summary.expired, doc.summary.errors], [2, 1, 0]);
      assert.equal(readFileSync(file, 'utf8'), original, 'a dry run writes nothing');
      const applied = io();
      assert.equal(await main(['status', ...base(), '--format', 'json', '--apply', dir], applied.cli), 0);
      const after = JSON.parse(applied.text()).files[0];
      assert.deepEqual([after.written, after.backup], [true, `${file}.backup`]);
      assert.equal(await main(['status', ...base(), '--format', 'xml', dir], io().cli), 2, 'an unknown format is bad usage');
    });

    test('--apply writes a backup, then the file; a second run changes nothing', async () => {
      const t = io();
      assert.equal(await runStatus([...base(), '--apply', dir], t.cli), 0, t.errText());
      assert.equal(readFileSync(`${file}.backup`, 'utf8'), original);
      const written = readFileSync(file, 'utf8');
      assert.notEqual(written, original);
      assert.equal(written.replace(/\r\n/g, '').includes('\n'), false, 'CRLF kept');
      const v = (JSON.parse(written) as { versions: Record<string, unknown>[] }).versions;
      assert.deepEqual(
        v.map((x) => x.status),
        ['completed', 'training', 'pending'],
      );
      assert.equal(v[0].loraUrl, FAST);
      assert.match(t.text(), /written; backup at .*training_versions\.json\.backup/);

      const again = io();
      assert.equal(await runStatus([...base(), '--apply', '--no-backup', dir], again.cli), 0);
      assert.equal(readFileSync(file, 'utf8'), written, 'the same answers change nothing');
      assert.match(again.text(), /Summary: 0 updated, 1 still running, 1 expired/);
    });

    test('--no-backup writes no backup', async () => {
      const t = io();
      assert.equal(await runStatus([...base(), '--apply', '--no-backup', dir], t.cli), 0);
      assert.equal(existsSync(`${file}.backup`), false);
      assert.notEqual(readFileSync(file, 'utf8'), original);
    });

    test('a wrong key: exit 1, nothing written, a credentials message', async () => {
      const t = io({ RUNPOD_API_KEY: 'not-the-key' });
      const code = await runStatus([...base(), '--apply', dir], t.cli);
      assert.equal(code, 1);
      assert.equal(readFileSync(file, 'utf8'), original);
      assert.equal(existsSync(`${file}.backup`), false);
      assert.match(t.text(), /RunPod refused the API key \(401\)/);
      assert.match(t.text(), /Stopped early/);
    });

    test('only expired jobs: exit 0, status kept, S3 sync suggested', async () => {
      writeFileSync(file, JSON.stringify({ versions: [entry(`${GONE}-e1`, 'training')] }, null, 2));
      const before = readFileSync(file, 'utf8');
      const t = io();
      assert.equal(await runStatus([...base(), '--apply', dir], t.cli), 0);
      assert.equal(readFileSync(file, 'utf8'), before);
      assert.match(t.text(), /expired/);
      assert.match(t.text(), /run an S3 sync/);
      assert.match(t.text(), /Status kept "training"/);
    });

    test('a 404 for a job submitted minutes ago: not found, with its likely causes; exit 0, nothing changed', async () => {
      const young = {
        ...entry('77777777-4e87-4574-ad26-b1f71e865942-u1', 'pending'),
        timestamp: new Date(Date.now() - 4 * 60_000).toISOString(),
      };
      writeFileSync(file, JSON.stringify({ versions: [young] }, null, 2));
      const before = readFileSync(file, 'utf8');
      const t = io();
      assert.equal(await runStatus([...base(), '--apply', dir], t.cli), 0);
      assert.equal(readFileSync(file, 'utf8'), before);
      assert.match(
        t.text(),
        /not found — RunPod does not know this job \(404 for 77777777-[^ ]+-u1 and 77777777-4e87-4574-ad26-b1f71e865942\), yet the entry is only \d+ min old: likely --endpoint-id is not the endpoint it was submitted to/,
      );
      assert.match(t.text(), /Summary: 0 updated, 0 still running, 0 expired, 1 not found, 0 errors/);
    });

    test('--timeout-ms: a slow answer is a remote error, exit 1', async () => {
      writeFileSync(file, JSON.stringify({ versions: [entry(SLOW, 'training')] }, null, 2));
      const t = io();
      assert.equal(await runStatus([...base(), '--timeout-ms', '100', dir], t.cli), 1);
      assert.match(t.text(), /did not answer within 100 ms/);
    });

    test('--id checks one version whatever its status', async () => {
      writeFileSync(file, JSON.stringify({ versions: [entry(`${DONE}-e2`, 'failed'), entry(RUNNING, 'pending')] }, null, 2));
      const t = io();
      assert.equal(await runStatus([...base(), '--no-health', '--id', `${DONE}-e2`, dir], t.cli), 0);
      assert.deepEqual(
        fake.requests.map((r) => r.jobId),
        [`${DONE}-e2`],
      );
      assert.match(t.text(), /failed → completed/);
    });

    test('nothing to check: says so, asks nothing', async () => {
      writeFileSync(file, JSON.stringify({ versions: [entry(DONE, 'completed')] }, null, 2));
      const t = io();
      assert.equal(await runStatus([...base(), dir], t.cli), 0);
      assert.match(t.text(), /No pending, starting or training versions to check in 1 file/);
      assert.equal(fake.requests.length, 0);
    });

    test("eleven -u1 jobs (the issue's case): each ends with RunPod's true state, no warning from Node", async () => {
      const ids = Array.from({ length: 11 }, (_, i) => `${String(i + 50).padStart(8, '0')}-4e87-4574-ad26-b1f71e865942-u1`);
      ids.forEach((id, i) =>
        fake.setJob(id, {
          kind: 'status',
          body: statusBody(
            id,
            i === 0 ? 'FAILED' : i % 2 ? 'RUNNING' : 'COMPLETED',
            i === 0 ? { error: pythonError('RuntimeError', 'CUDA out of memory') } : {},
          ),
        }),
      );
      writeFileSync(file, JSON.stringify({ versions: ids.map((id) => entry(id, 'pending')) }, null, 2));
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
      process.on('warning', onWarning);
      const t = io();
      try {
        assert.equal(await runStatus([...base(), '--apply', '--no-backup', dir], t.cli), 0, t.text());
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings, []);
      const v = (JSON.parse(readFileSync(file, 'utf8')) as { versions: Record<string, unknown>[] }).versions;
      assert.deepEqual(
        v.map((x) => x.status),
        ids.map((_, i) => (i === 0 ? 'failed' : i % 2 ? 'training' : 'completed')),
      );
      assert.equal(v[0].error, 'RuntimeError: CUDA out of memory');
      assert.match(t.text(), /Summary: 11 updated, 5 still running, 0 expired, 0 errors/);
      assert.doesNotMatch(t.text(), /expired —/);
    });

    test('--verbose logs requests without the key', async () => {
      const t = io();
      assert.equal(await runStatus([...base(), '--verbose', dir], t.cli), 0);
      assert.match(t.errText(), new RegExp(`GET ${fake.apiUrl.replace(/[.]/g, '\\.')}/${ENDPOINT}/status/${RUNNING} → 200`));
      assert.match(t.errText(), new RegExp(`GET ${fake.apiUrl.replace(/[.]/g, '\\.')}/${ENDPOINT}/health → 200`));
    });

    test('the API key is in no output line of any run above', () => {
      assert.ok(printed.length > 10);
      assert.deepEqual(
        printed.filter((s) => s.includes(KEY.slice(0, 12)) || s.includes(KEY.slice(-12))),
        [],
      );
    });
  });
