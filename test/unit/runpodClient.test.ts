/**
 * SPEC.md §4 over HTTP: the RunPod client (services/runpodClient.ts) and the
 * status flow (flows/status.ts) against our RunPod double on 127.0.0.1, built
 * from RunPod's documentation. The flow runs against the strict double (jobs
 * known only by the id /run returned) and the lenient one (base ids answer too).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { describeFailure, describeHealth, describeJob, type SurfaceWords } from '../../src/flows/statusText';
import {
  type StatusCheckOptions,
  type StatusCheckResult,
  type StatusFileInput,
  createStatusCache,
  runStatusCheck,
} from '../../src/flows/status';
import { RunpodClient, type RunpodClientOptions, RunpodConfigError } from '../../src/services/runpodClient';
import { StatusPoller } from '../../src/services/runpodPoller';
import { backoffDelay } from '../../src/services/runpodRateWindow';
import { type FakeMode, type FakeRunpod, pythonError, startFakeRunpod, statusBody } from '../support/fakeRunpod';

const KEY = 'rpa_TESTKEY_9F8E7D6C5B4A_do_not_leak';
/** Any 12 characters of the key would be a leak too (an excerpt may cut it). */
const KEY_PREFIX = KEY.slice(0, 12);
const ENDPOINT = 'ep-test-123';
const NOW = Date.parse('2025-10-14T10:00:00.000Z');
const FAST = 'https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV8.safetensors';
const WORDS: SurfaceWords = { setKey: 'set RUNPOD_API_KEY', endpointSetting: '--endpoint-id', timeoutSetting: '--timeout-ms' };

const uuid = (n: number) => `${String(n).padStart(8, '0')}-4e87-4574-ad26-b1f71e865942`;

/** Everything the code under test said: log lines, messages, results. The key must be in none of it. */
const captured: string[] = [];
let fake: FakeRunpod;
let sleeps: number[];

before(async () => {
  fake = await startFakeRunpod({ apiKey: KEY, endpointId: ENDPOINT });
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.mode = 'strict';
  sleeps = [];
});

function client(options: Partial<RunpodClientOptions> = {}): RunpodClient {
  return new RunpodClient({
    apiUrl: fake.apiUrl,
    endpointId: ENDPOINT,
    apiKey: KEY,
    timeoutMs: 5000,
    now: () => NOW,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: (line) => captured.push(line),
    ...options,
  });
}

function entry(id: string, status = 'pending'): Record<string, unknown> {
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

function fileOf(ids: (string | [string, string])[]): StatusFileInput {
  const versions = ids.map((x) => (typeof x === 'string' ? entry(x) : entry(x[0], x[1])));
  return { path: 'mem/1_ink/training_versions.json', text: JSON.stringify({ versions }, null, 2) + '\n' };
}

function versionsAfter(r: StatusCheckResult, file = 0): Record<string, unknown>[] {
  return (JSON.parse(r.files[file].newText) as { versions: Record<string, unknown>[] }).versions;
}

function keep<T>(x: T): T {
  captured.push(JSON.stringify(x));
  return x;
}

async function check(
  files: StatusFileInput[],
  c: RunpodClient,
  options: Partial<StatusCheckOptions<unknown>> = {},
): Promise<StatusCheckResult> {
  const r = await runStatusCheck([{ client: c, files }], { now: () => NOW, health: false, ...options });
  for (const f of r.files) for (const j of f.jobs) captured.push(describeJob(j, WORDS));
  return keep(r);
}

describe('the client', () => {
  test('asks with the id exactly as given, Bearer auth, and the answer echoes the full id', async () => {
    fake.setJob(`${uuid(1)}-u1`, { kind: 'status', body: statusBody(`${uuid(1)}-u1`, 'RUNNING') });
    const r = keep(await client().status(`${uuid(1)}-u1`));
    assert.equal(r.kind, 'ok');
    assert.equal(r.kind === 'ok' && r.value.id, `${uuid(1)}-u1`);
    const req = fake.requests[0];
    assert.equal(req.method, 'GET');
    assert.equal(req.path, `/v2/${ENDPOINT}/status/${uuid(1)}-u1`);
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req.auth, 'bearer');
  });

  test("the bare key (RunPod's curl examples) is accepted too", async () => {
    fake.setJob(uuid(2), { kind: 'status', body: statusBody(uuid(2), 'IN_QUEUE') });
    const r = await client({ auth: 'bare' }).status(uuid(2));
    assert.equal(r.kind, 'ok');
    assert.equal(fake.requests[0].auth, 'bare');
  });

  test('the strict double knows a job only by its full id: the base id is 404', async () => {
    fake.setJob(`${uuid(3)}-e2`, { kind: 'status', body: statusBody(`${uuid(3)}-e2`, 'IN_QUEUE') });
    const r = keep(await client().status(uuid(3)));
    assert.equal(r.kind, 'not-found');
    assert.match(r.kind === 'not-found' ? r.detail : '', /redis err: client is nil/);
  });

  test('401 for a wrong key → unauthorized data, never retried, never the key', async () => {
    const r = keep(await client({ apiKey: 'wrong-key-123' }).status(uuid(4)));
    assert.equal(r.kind, 'failure');
    assert.ok(r.kind === 'failure' && r.failure.kind === 'unauthorized' && r.failure.status === 401);
    assert.match(
      describeFailure(r.kind === 'failure' ? r.failure : (undefined as never), WORDS),
      /refused the API key \(401\): set RUNPOD_API_KEY/,
    );
    assert.equal(fake.requests.length, 1);
  });

  test('429 with Retry-After (seconds, or an HTTP date): retried, waiting as asked', async () => {
    fake.setJob(uuid(5), {
      kind: 'rate-limited',
      times: 2,
      retryAfter: '1',
      then: { kind: 'status', body: statusBody(uuid(5), 'COMPLETED') },
    });
    const c = client();
    const r = keep(await c.status(uuid(5)));
    assert.equal(r.kind, 'ok');
    assert.equal(r.kind === 'ok' && r.attempts, 3);
    assert.deepEqual(sleeps, [1000, 1000]);
    assert.deepEqual(c.stats, { requests: 3, rateLimited: 2, retries: 2, waitedMs: 2000 });
    sleeps = [];
    fake.setJob(uuid(6), {
      kind: 'rate-limited',
      times: 1,
      retryAfter: new Date(NOW + 3000).toUTCString(),
      then: { kind: 'status', body: statusBody(uuid(6), 'IN_QUEUE') },
    });
    assert.equal((await client().status(uuid(6))).kind, 'ok');
    assert.deepEqual(sleeps, [3000]);
  });

  test('429 without Retry-After (RunPod documents none): jittered backoff across the 10 s window, bounded', async () => {
    fake.setJob(uuid(7), { kind: 'rate-limited', times: 100, then: { kind: 'expired' } });
    const r = keep(await client({ random: () => 1 }).status(uuid(7)));
    assert.ok(r.kind === 'failure' && r.failure.kind === 'rate-limited' && r.failure.attempts === 4);
    assert.equal(fake.requestsFor(uuid(7)).length, 4, '3 retries, then it stops');
    assert.deepEqual(sleeps, [1000, 2000, 4000]);
    assert.match(describeFailure(r.kind === 'failure' ? r.failure : (undefined as never), WORDS), /rate-limited the request 4 times/);
    // The jitter spreads a wait between half and all of it, and never past the window.
    assert.equal(
      backoffDelay(1, 1000, 10_000, () => 0),
      500,
    );
    assert.equal(
      backoffDelay(1, 1000, 10_000, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(9, 1000, 10_000, () => 1),
      10_000,
    );
  });

  test('a Retry-After longer than the client accepts ends the retries at once', async () => {
    fake.setJob(uuid(8), { kind: 'rate-limited', times: 100, retryAfter: '3600', then: { kind: 'expired' } });
    const r = keep(await client().status(uuid(8)));
    assert.ok(r.kind === 'failure' && r.failure.retryAfterMs === 3_600_000);
    assert.equal(fake.requestsFor(uuid(8)).length, 1);
    assert.deepEqual(sleeps, []);
    assert.match(describeFailure(r.kind === 'failure' ? r.failure : (undefined as never), WORDS), /asked to wait 3600 s/);
  });

  test('5xx: backoff, then success; exhausted → http-error', async () => {
    fake.setJob(uuid(9), { kind: 'http-error', status: 503, times: 1, then: { kind: 'status', body: statusBody(uuid(9), 'COMPLETED') } });
    assert.equal((await client().status(uuid(9))).kind, 'ok');
    assert.deepEqual(sleeps, [750]);
    fake.setJob(uuid(10), { kind: 'http-error', status: 500, times: 100 });
    const bad = keep(await client().status(uuid(10)));
    assert.ok(bad.kind === 'failure' && bad.failure.kind === 'http-error' && bad.failure.status === 500);
    assert.equal(fake.requestsFor(uuid(10)).length, 4);
  });

  test('a response slower than the timeout → timeout, not retried', async () => {
    fake.setJob(uuid(11), { kind: 'slow', delayMs: 10_000, body: statusBody(uuid(11), 'COMPLETED') });
    const r = keep(await client({ timeoutMs: 100 }).status(uuid(11)));
    assert.ok(r.kind === 'failure' && r.failure.kind === 'timeout');
    assert.match(
      describeFailure(r.kind === 'failure' ? r.failure : (undefined as never), WORDS),
      /did not answer within 100 ms; try again later \(or raise --timeout-ms\)/,
    );
    assert.equal(fake.requestsFor(uuid(11)).length, 1);
  });

  test("a malformed body → malformed, with the schema's one-line problem", async () => {
    fake.setJob(uuid(12), { kind: 'malformed', body: '{"id": "x"}' });
    const r = keep(await client().status(uuid(12)));
    assert.ok(r.kind === 'failure' && r.failure.kind === 'malformed');
    assert.match(
      describeFailure(r.kind === 'failure' ? r.failure : (undefined as never), WORDS),
      /unexpected answer from RunPod: it has no "status"; nothing changed/,
    );
  });

  test('a server that echoes the request headers cannot leak the key', async () => {
    fake.setJob(uuid(13), { kind: 'http-error', status: 400, times: 100, echoHeaders: true });
    const r = keep(await client().status(uuid(13)));
    const said = r.kind === 'failure' ? describeFailure(r.failure, WORDS) : '';
    assert.match(said, /refused authorization Bearer \*\*\* \(/, 'the echoed key is redacted');
    assert.ok(!said.includes(KEY_PREFIX), 'not even a cut part of it');
  });

  test('an unreachable server → network-error', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = keep(await client({ apiUrl: `http://127.0.0.1:${port}/v2` }).status(uuid(14)));
    assert.ok(r.kind === 'failure' && r.failure.kind === 'network-error' && r.failure.host === `127.0.0.1:${port}`);
  });

  test('/health: the queue and workers; /cancel: a job in flight becomes CANCELLED', async () => {
    // A double of its own: /health counts every job the double holds.
    const own = await startFakeRunpod({ apiKey: KEY, endpointId: ENDPOINT });
    try {
      own.setJob(`${uuid(15)}-u1`, { kind: 'status', body: statusBody(`${uuid(15)}-u1`, 'IN_QUEUE') });
      own.setJob(`${uuid(16)}-u1`, { kind: 'status', body: statusBody(`${uuid(16)}-u1`, 'RUNNING') });
      const c = client({ apiUrl: own.apiUrl });
      const h = keep(await c.health());
      assert.ok(h.kind === 'ok');
      assert.deepEqual([h.value.jobs.inQueue, h.value.jobs.inProgress, h.value.workers.running], [1, 1, 1]);
      assert.match(
        describeHealth({ host: c.host, endpointId: ENDPOINT, answer: h }, WORDS),
        /endpoint ep-test-123: 1 in queue, 1 in progress; workers: 0 idle, 1 running/,
      );
      const cancelled = keep(await c.cancel(`${uuid(15)}-u1`));
      assert.ok(cancelled.kind === 'ok' && cancelled.value.status === 'CANCELLED');
      const req = own.requests.at(-1)!;
      assert.deepEqual([req.method, req.path], ['POST', `/v2/${ENDPOINT}/cancel/${uuid(15)}-u1`]);
      const later = await c.status(`${uuid(15)}-u1`);
      assert.ok(later.kind === 'ok' && later.value.status === 'CANCELLED');
    } finally {
      await own.close();
    }
  });

  test('configuration errors are data, and never hold the key', () => {
    assert.throws(
      () => client({ endpointId: ' ' }),
      (e: Error) => e instanceof RunpodConfigError && e.problem === 'endpoint-id',
    );
    assert.throws(
      () => client({ apiKey: `${KEY}\n` }),
      (e: Error) => e instanceof RunpodConfigError && e.problem === 'api-key-characters' && !e.message.includes(KEY),
    );
    assert.throws(
      () => client({ apiUrl: 'ftp://x' }),
      (e: Error) => e instanceof RunpodConfigError && e.problem === 'api-url',
    );
  });
});

describe('bounds: requests in flight and per window', () => {
  test('no more requests in flight than the concurrency', async () => {
    const ids = [20, 21, 22, 23, 24, 25].map(uuid);
    for (const id of ids) fake.setJob(id, { kind: 'slow', delayMs: 30, body: statusBody(id, 'IN_PROGRESS') });
    const c = client({ concurrency: 2 });
    const rs = await Promise.all(ids.map((id) => c.status(id)));
    assert.deepEqual(
      rs.map((r) => r.kind),
      ids.map(() => 'ok'),
    );
    assert.ok(fake.maxConcurrent <= 2, `at most 2 in flight, saw ${fake.maxConcurrent}`);
  });

  test('no more request starts per window than allowed: the next one waits for the window', async () => {
    let clock = NOW;
    const ids = [30, 31, 32].map(uuid);
    for (const id of ids) fake.setJob(id, { kind: 'status', body: statusBody(id, 'IN_QUEUE') });
    const c = client({
      maxRequestsPerWindow: 2,
      windowMs: 10_000,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    for (const id of ids) assert.equal((await c.status(id)).kind, 'ok');
    assert.deepEqual(sleeps, [10_000]);
  });

  test('a 429 with Retry-After holds back the other requests of the client too', async () => {
    fake.setJob(uuid(33), {
      kind: 'rate-limited',
      times: 1,
      retryAfter: '2',
      then: { kind: 'status', body: statusBody(uuid(33), 'IN_QUEUE') },
    });
    fake.setJob(uuid(34), { kind: 'status', body: statusBody(uuid(34), 'IN_QUEUE') });
    const c = client({ concurrency: 1 });
    const first = await c.status(uuid(33));
    const second = await c.status(uuid(34));
    assert.deepEqual([first.kind, second.kind], ['ok', 'ok']);
    assert.deepEqual(sleeps, [2000, 2000], 'the clock has not moved: the second request waits too');
  });
});

for (const mode of ['strict', 'lenient'] as FakeMode[]) {
  describe(`the status flow against the ${mode} double`, () => {
    beforeEach(() => {
      fake.mode = mode;
    });

    test('every RunPod state, asked by the stored id; COMPLETED brings loraUrl (also from an array); a Python error is shortened', async () => {
      const jobs: [string, string, Record<string, unknown>][] = [
        [`${uuid(40)}-e1`, 'IN_QUEUE', {}],
        [`${uuid(41)}-u1`, 'IN_PROGRESS', { output: 'epoch 3/10' }],
        [`${uuid(42)}-u2`, 'RUNNING', {}],
        [`${uuid(43)}-e2`, 'COMPLETED', { output: [{ log: 'done' }, { loraUrl: FAST }] }],
        [uuid(44), 'FAILED', { error: pythonError('RuntimeError', 'CUDA out of memory') }],
        [`${uuid(45)}-e1`, 'CANCELLED', {}],
        [`${uuid(46)}-e1`, 'TIMED_OUT', {}],
      ];
      for (const [id, s, extra] of jobs) fake.setJob(id, { kind: 'status', body: statusBody(id, s, extra) });
      const f = fileOf([[jobs[0][0], 'starting'], jobs[1][0], jobs[2][0], jobs[3][0], [jobs[4][0], 'training'], jobs[5][0], jobs[6][0]]);
      const r = await check([f], client());
      const v = versionsAfter(r);
      assert.deepEqual(
        v.map((x) => x.status),
        ['pending', 'training', 'training', 'completed', 'failed', 'failed', 'failed'],
      );
      assert.equal(v[3].loraUrl, FAST);
      assert.equal(v[3].completedAt, new Date(NOW).toISOString());
      assert.equal(v[4].error, 'RuntimeError: CUDA out of memory');
      assert.equal(v[5].error, 'RunPod reported CANCELLED');
      assert.deepEqual(fake.requests.map((q) => q.jobId).sort(), jobs.map(([id]) => id).sort(), 'one request per id, as stored');
      assert.ok(r.files[0].jobs.every((j) => j.askedAs === 'id'));
      assert.deepEqual([r.summary.updated, r.summary.running, r.summary.errors], [7, 3, 0]);
    });

    test('an unknown status is an unknown outcome for that entry; the rest of the check goes on', async () => {
      fake.setJob(`${uuid(47)}-u1`, { kind: 'status', body: statusBody(`${uuid(47)}-u1`, 'PAUSED') });
      fake.setJob(`${uuid(48)}-u1`, { kind: 'status', body: statusBody(`${uuid(48)}-u1`, 'COMPLETED') });
      const r = await check([fileOf([[`${uuid(47)}-u1`, 'training'], `${uuid(48)}-u1`])], client());
      assert.deepEqual(
        r.files[0].jobs.map((j) => j.outcome),
        ['unknown-status', 'updated'],
      );
      assert.equal(versionsAfter(r)[0].status, 'training');
      assert.deepEqual([r.summary.unknown, r.summary.errors, r.summary.running], [1, 0, 1]);
      assert.equal(r.stopped, undefined);
    });

    test('404 for every form: never a failure; an old entry is expired (S3 sync), its status kept', async () => {
      const f = fileOf([[`${uuid(50)}-e1`, 'training']]);
      const r = await check([f], client());
      assert.deepEqual(
        fake.requests.map((q) => q.jobId),
        [`${uuid(50)}-e1`, uuid(50)],
        'the stored id, then the base id once',
      );
      assert.equal(r.files[0].newText, f.text);
      assert.equal(r.summary.expired, 1);
      assert.equal(r.summary.errors, 0);
      assert.match(describeJob(r.files[0].jobs[0], WORDS), /S3 sync/);
    });

    test('two ids of one job are each asked once; their shared base id at most once', async () => {
      fake.setJob(`${uuid(51)}-e1`, { kind: 'status', body: statusBody(`${uuid(51)}-e1`, 'IN_PROGRESS') });
      const r = await check([fileOf([`${uuid(51)}-e1`, `${uuid(51)}-e2`, `${uuid(51)}-e3`]), fileOf([`${uuid(51)}-e1`])], client());
      const asked = fake.requests.map((q) => q.jobId!);
      assert.equal(new Set(asked).size, asked.length, `no id asked twice: ${asked.join(', ')}`);
      assert.equal(asked.filter((id) => id === `${uuid(51)}-e1`).length, 1, 'the same id in two files is one request');
      assert.equal(versionsAfter(r)[0].status, 'training');
    });

    test('401: nothing changes, the run stops early, the write is not called', async () => {
      const ids = [60, 61, 62, 63, 64].map(uuid);
      for (const id of ids) fake.setJob(id, { kind: 'status', body: statusBody(id, 'COMPLETED') });
      const f = fileOf(ids);
      let wrote = false;
      const r = await check([f], client({ apiKey: 'wrong-key-123', concurrency: 1 }), {
        concurrency: 1,
        write: async () => {
          wrote = true;
        },
      });
      assert.equal(fake.requests.length, 1, 'one refused request, then no more');
      assert.equal(r.stopped?.reason, 'unauthorized');
      assert.equal(r.stopped?.failure?.status, 401);
      assert.equal(wrote, false);
      assert.equal(r.summary.notChecked, 5);
      assert.ok(r.files[0].jobs.every((j) => /refused the API key/.test(describeJob(j, WORDS))));
    });

    test('a rate limit that does not end stops the run, bounded and reported', async () => {
      const ids = [65, 66, 67].map(uuid);
      for (const id of ids) fake.setJob(id, { kind: 'rate-limited', times: 100, retryAfter: '0', then: { kind: 'expired' } });
      const r = await check([fileOf(ids)], client({ concurrency: 1 }), { concurrency: 1 });
      assert.equal(r.stopped?.reason, 'rate-limited');
      assert.equal(fake.requests.length, 4, 'one job used every retry, then the run stopped');
      assert.deepEqual([r.requests.rateLimited, r.requests.retries], [4, 3]);
      assert.equal(r.summary.notChecked, 3);
    });

    test('a malformed body or a timeout is an error for that job only', async () => {
      fake.setJob(uuid(70), { kind: 'malformed', body: '{"id": "x"}' });
      fake.setJob(uuid(71), { kind: 'status', body: statusBody(uuid(71), 'COMPLETED') });
      fake.setJob(uuid(72), { kind: 'slow', delayMs: 10_000, body: statusBody(uuid(72), 'COMPLETED') });
      const r = await check([fileOf([uuid(70), uuid(71), uuid(72)])], client({ timeoutMs: 200 }));
      assert.deepEqual(
        r.files[0].jobs.map((j) => j.outcome),
        ['error', 'updated', 'error'],
      );
      assert.deepEqual(
        versionsAfter(r).map((v) => v.status),
        ['pending', 'completed', 'pending'],
      );
      assert.equal(r.stopped, undefined);
    });

    test('finished results are remembered for the session (the cache the caller owns)', async () => {
      fake.setJob(uuid(80), { kind: 'status', body: statusBody(uuid(80), 'COMPLETED') });
      fake.setJob(uuid(81), { kind: 'status', body: statusBody(uuid(81), 'IN_PROGRESS') });
      const cache = createStatusCache();
      const f = fileOf([uuid(80), uuid(81), uuid(82)]);
      await check([f], client(), { cache });
      assert.equal(fake.requests.length, 3);
      fake.reset();
      const again = await check([f], client(), { cache });
      assert.deepEqual(
        fake.requests.map((q) => q.jobId),
        [uuid(81)],
        'only the running job is asked again',
      );
      assert.equal(again.summary.expired, 1);
    });

    test('one given version, whatever its status; a missing id is a note', async () => {
      fake.setJob(`${uuid(83)}-e1`, { kind: 'status', body: statusBody(`${uuid(83)}-e1`, 'FAILED', { error: 'late failure' }) });
      const f = fileOf([[`${uuid(83)}-e1`, 'failed'], uuid(84)]);
      const r = await check([f], client(), { only: `${uuid(83)}-e1` });
      assert.deepEqual(
        fake.requests.map((q) => q.jobId),
        [`${uuid(83)}-e1`],
      );
      assert.equal(versionsAfter(r)[0].error, 'late failure');
      const none = await check([f], client(), { only: 'no-such-id' });
      assert.deepEqual(none.notes, [{ kind: 'no-such-version', only: 'no-such-id', files: 1 }]);
    });

    test('a cancelled check asks nothing and writes nothing', async () => {
      fake.setJob(uuid(85), { kind: 'status', body: statusBody(uuid(85), 'COMPLETED') });
      const ac = new AbortController();
      ac.abort();
      let wrote = false;
      const r = await check([fileOf([uuid(85)])], client(), {
        signal: ac.signal,
        write: async () => {
          wrote = true;
        },
      });
      assert.equal(fake.requests.length, 0);
      assert.equal(r.stopped?.reason, 'cancelled');
      assert.equal(wrote, false);
    });

    test('progress once per job; /health beside the check; the write gets the changed files', async () => {
      const ids = [86, 87].map(uuid);
      for (const id of ids) fake.setJob(id, { kind: 'status', body: statusBody(id, 'IN_PROGRESS') });
      const seen: string[] = [];
      const r = await runStatusCheck([{ client: client(), files: [fileOf(ids)] }], {
        now: () => NOW,
        progress: (p) => seen.push(`${p.done}/${p.total}`),
        write: async (changed) => changed.map((c) => c.path),
      });
      assert.deepEqual(seen, ['1/2', '2/2']);
      assert.equal(r.health.length, 1);
      assert.ok(r.health[0].answer.kind === 'ok' && r.health[0].answer.value.jobs.inProgress >= 2);
      assert.deepEqual(r.written, ['mem/1_ink/training_versions.json']);
    });

    test('more than ten jobs: no MaxListenersExceededWarning', async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      try {
        const ids = Array.from({ length: 40 }, (_, i) => `${uuid(100 + i)}-u1`);
        for (const id of ids) fake.setJob(id, { kind: 'slow', delayMs: 5, body: statusBody(id, 'IN_PROGRESS') });
        const ac = new AbortController();
        const r = await check([fileOf(ids)], client(), { signal: ac.signal, health: true });
        assert.equal(r.summary.updated, 40);
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings, []);
    });
  });
}

describe("the seed's RunPod: only the base id answers", () => {
  test('the stored id first, then, after its 404, the base id; the report says which form answered', async () => {
    fake.mode = 'base-only';
    fake.setJob(`${uuid(90)}-e2`, { kind: 'status', body: statusBody(`${uuid(90)}-e2`, 'COMPLETED', { output: { loraUrl: FAST } }) });
    const r = await check([fileOf([`${uuid(90)}-e2`])], client());
    assert.deepEqual(
      fake.requests.map((q) => q.jobId),
      [`${uuid(90)}-e2`, uuid(90)],
    );
    assert.equal(r.files[0].jobs[0].askedAs, 'base-id');
    assert.equal(r.summary.byBaseId, 1);
    assert.equal(versionsAfter(r)[0].status, 'completed');
    assert.match(describeJob(r.files[0].jobs[0], WORDS), /answered for the base id/);
  });
});

describe('the poll loop', () => {
  test('polls while jobs run, stops when none are left', async () => {
    fake.setJob(uuid(95), { kind: 'status', body: statusBody(uuid(95), 'IN_PROGRESS') });
    let text = fileOf([uuid(95)]).text;
    const timers: { fn: () => void; ms: number }[] = [];
    const decisions: string[] = [];
    const c = client();
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const poller = new StatusPoller<StatusCheckResult>({
      pollSeconds: 30,
      check: async (signal) => {
        const r = await check([{ path: 'mem/1_ink/training_versions.json', text }], c, { signal });
        text = r.files[0].newText;
        return r;
      },
      onResult: (_r, d) => {
        decisions.push(d.again ? `again in ${d.delayMs}` : `stop: ${d.reason}`);
        if (!d.again) finished();
      },
      setTimer: (fn, ms) => {
        timers.push({ fn, ms });
        return timers.length;
      },
      clearTimer: () => undefined,
    });
    assert.equal(poller.start(), true);
    assert.equal(poller.start(), false, 'already polling');
    while (timers.length === 0) await new Promise((r) => setImmediate(r));
    assert.equal(timers[0].ms, 30_000);
    fake.setJob(uuid(95), { kind: 'status', body: statusBody(uuid(95), 'COMPLETED') });
    timers[0].fn();
    await done;
    assert.deepEqual(decisions, ['again in 30000', 'stop: no job is running any more']);
    assert.equal(timers.length, 1);
    assert.equal(poller.active, false);
    assert.equal(JSON.parse(text).versions[0].status, 'completed');
  });

  test('polling off (pollSeconds 0) never starts', () => {
    const poller = new StatusPoller({ pollSeconds: 0, check: () => Promise.reject(new Error('must not run')) });
    assert.equal(poller.start(), false);
    assert.equal(poller.active, false);
  });
});

test('the API key appears in no log line, message or result of this file', () => {
  assert.ok(captured.length > 20, 'the tests above captured their output');
  const leaks = captured.filter((s) => s.includes(KEY_PREFIX) || s.includes(KEY.slice(-12)));
  assert.deepEqual(leaks, []);
});
