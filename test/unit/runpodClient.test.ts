/** SPEC.md §4 over HTTP: the RunPod client and `checkStatuses` against our fake RunPod on 127.0.0.1. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  RunpodClient, type RunpodClientOptions, RunpodConfigError, type StatusCheckResult, StatusPoller, checkStatuses, createStatusCache,
} from '../../src/services/runpod';
import { type FakeRunpod, startFakeRunpod, statusBody } from '../support/fakeRunpod';

const KEY = 'rpa_TESTKEY_9F8E7D6C5B4A_do_not_leak';
/** Any 12 characters of the key would be a leak too (an excerpt may cut it). */
const KEY_PREFIX = KEY.slice(0, 12);
const ENDPOINT = 'ep-test-123';
const NOW = Date.parse('2025-10-14T10:00:00.000Z');
const FAST = 'https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV8.safetensors';

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
  sleeps = [];
});

function client(options: Partial<RunpodClientOptions> = {}): RunpodClient {
  return new RunpodClient({
    apiUrl: fake.apiUrl,
    endpointId: ENDPOINT,
    apiKey: KEY,
    timeoutMs: 5000,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: (line) => captured.push(line),
    ...options,
  });
}

function entry(id: string, status = 'pending'): Record<string, unknown> {
  return { id, name: 'V8', timestamp: '2025-10-14T09:00:00.000Z', parameters: { network_dim: 16 }, status, selectionSetId: 1, imageCount: 40 };
}

function fileOf(ids: (string | [string, string])[]): { path: string; text: string } {
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

describe('the status request', () => {
  test('asks by base id (an -e2 id is stripped) with the key in the authorization header', async () => {
    fake.setJob(uuid(1), { kind: 'status', body: statusBody(uuid(1), 'IN_PROGRESS') });
    const r = keep(await client().status(`${uuid(1)}-e2`));
    assert.equal(r.kind, 'ok');
    assert.equal(fake.requests.length, 1);
    const req = fake.requests[0];
    assert.equal(req.method, 'GET');
    assert.equal(req.path, `/v2/${ENDPOINT}/status/${uuid(1)}`);
    assert.equal(req.jobId, uuid(1));
    assert.equal(req.headers.authorization, KEY);
  });

  test('404 "redis err: client is nil" → expired, not an error', async () => {
    fake.setJob(uuid(2), { kind: 'expired' });
    const r = keep(await client().status(uuid(2)));
    assert.equal(r.kind, 'expired');
    assert.match(r.kind === 'expired' ? r.message : '', /no longer holds this job \(404: redis err: client is nil\)/);
  });

  test('401 for a wrong key → unauthorized, with a message that says what to do and not the key', async () => {
    const r = keep(await client({ apiKey: 'wrong-key-123' }).status(uuid(3)));
    assert.equal(r.kind, 'unauthorized');
    assert.match(r.message, /refused the API key \(401\)/);
    assert.match(r.message, /RUNPOD_API_KEY/);
    assert.ok(!r.message.includes('wrong-key-123'));
    assert.equal(fake.requests.length, 1, 'a refused key is not retried');
  });

  test('429 with Retry-After (seconds) then success: retried, waiting as asked', async () => {
    fake.setJob(uuid(4), { kind: 'rate-limited', times: 2, retryAfter: '1', then: { kind: 'status', body: statusBody(uuid(4), 'COMPLETED') } });
    const r = keep(await client().status(uuid(4)));
    assert.equal(r.kind, 'ok');
    assert.equal(r.attempts, 3);
    assert.equal(fake.requestsFor(uuid(4)).length, 3);
    assert.deepEqual(sleeps, [1000, 1000]);
  });

  test('429 with Retry-After as an HTTP date', async () => {
    fake.setJob(uuid(5), { kind: 'rate-limited', times: 1, retryAfter: new Date(NOW + 3000).toUTCString(), then: { kind: 'status', body: statusBody(uuid(5), 'IN_QUEUE') } });
    const r = keep(await client().status(uuid(5)));
    assert.equal(r.kind, 'ok');
    assert.deepEqual(sleeps, [3000]);
  });

  test('429 forever: stops after the bound (3 retries = 4 requests)', async () => {
    fake.setJob(uuid(6), { kind: 'rate-limited', times: 100, retryAfter: '1', then: { kind: 'expired' } });
    const r = keep(await client().status(uuid(6)));
    assert.equal(r.kind, 'rate-limited');
    assert.equal(fake.requestsFor(uuid(6)).length, 4);
    assert.deepEqual(sleeps, [1000, 1000, 1000]);
    assert.match(r.message, /rate-limited the request 4 times/);
  });

  test('a Retry-After longer than the client accepts ends the retries at once', async () => {
    fake.setJob(uuid(7), { kind: 'rate-limited', times: 100, retryAfter: '3600', then: { kind: 'expired' } });
    const r = keep(await client().status(uuid(7)));
    assert.equal(r.kind, 'rate-limited');
    assert.equal(fake.requestsFor(uuid(7)).length, 1);
    assert.deepEqual(sleeps, []);
    assert.match(r.message, /asked to wait 3600 s/);
  });

  test('5xx: backoff without Retry-After, then success; exhausted → http-error', async () => {
    fake.setJob(uuid(8), { kind: 'http-error', status: 503, times: 1, then: { kind: 'status', body: statusBody(uuid(8), 'COMPLETED') } });
    const ok = keep(await client().status(uuid(8)));
    assert.equal(ok.kind, 'ok');
    assert.deepEqual(sleeps, [500]);
    sleeps = [];
    fake.setJob(uuid(9), { kind: 'http-error', status: 500, times: 100 });
    const bad = keep(await client().status(uuid(9)));
    assert.equal(bad.kind, 'http-error');
    assert.equal(bad.kind === 'http-error' ? bad.status : 0, 500);
    assert.equal(fake.requestsFor(uuid(9)).length, 4);
    assert.deepEqual(sleeps, [500, 1000, 2000]);
  });

  test('a response slower than the timeout → timeout', async () => {
    fake.setJob(uuid(10), { kind: 'slow', delayMs: 10_000, body: statusBody(uuid(10), 'COMPLETED') });
    const r = keep(await client({ timeoutMs: 100 }).status(uuid(10)));
    assert.equal(r.kind, 'timeout');
    assert.match(r.message, /did not answer within 100 ms/);
    assert.equal(fake.requestsFor(uuid(10)).length, 1, 'a timeout is not retried');
  });

  test('a malformed body → malformed', async () => {
    fake.setJob(uuid(11), { kind: 'malformed' });
    const r = keep(await client().status(uuid(11)));
    assert.equal(r.kind, 'malformed');
    assert.match(r.message, /not JSON/);
  });

  test('a server that echoes the request headers cannot leak the key into the message', async () => {
    fake.setJob(uuid(12), { kind: 'http-error', status: 400, times: 100, echoHeaders: true });
    const r = keep(await client().status(uuid(12)));
    assert.equal(r.kind, 'http-error');
    assert.match(r.message, /refused authorization \*\*\* \(/, 'the echoed key is redacted');
    assert.ok(!r.message.includes(KEY_PREFIX), 'not even a cut part of it');
  });

  test('an unreachable server → network-error', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = keep(await client({ apiUrl: `http://127.0.0.1:${port}/v2` }).status(uuid(13)));
    assert.equal(r.kind, 'network-error');
    assert.match(r.message, /cannot reach http:\/\/127\.0\.0\.1/);
  });

  test('configuration errors name the problem, never the key', () => {
    assert.throws(() => client({ endpointId: ' ' }), (e: Error) => e instanceof RunpodConfigError && /endpoint id/.test(e.message));
    assert.throws(() => client({ apiKey: `${KEY}\n` }), (e: Error) => e instanceof RunpodConfigError && !e.message.includes(KEY) && /line breaks/.test(e.message));
    assert.throws(() => client({ apiUrl: 'ftp://x' }), RunpodConfigError);
  });
});

describe('bounds: requests in flight and per window', () => {
  test('no more requests in flight than the concurrency', async () => {
    const ids = [20, 21, 22, 23, 24, 25].map(uuid);
    for (const id of ids) fake.setJob(id, { kind: 'slow', delayMs: 30, body: statusBody(id, 'IN_PROGRESS') });
    const c = client({ concurrency: 2 });
    const rs = await Promise.all(ids.map((id) => c.status(id)));
    assert.deepEqual(rs.map((r) => r.kind), ids.map(() => 'ok'));
    assert.equal(fake.requests.length, 6);
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
    assert.equal(fake.requests.length, 3);
  });
});

describe('checkStatuses', () => {
  test('every RunPod status maps onto its entry; COMPLETED brings loraUrl and completedAt', async () => {
    const jobs: [number, string, Record<string, unknown>][] = [
      [40, 'IN_QUEUE', {}], [41, 'IN_PROGRESS', {}], [42, 'COMPLETED', { output: { loraUrl: FAST } }],
      [43, 'FAILED', { error: { error_type: 'RuntimeError', error_message: 'CUDA OOM' } }], [44, 'CANCELLED', {}], [45, 'TIMED_OUT', {}],
    ];
    for (const [n, s, extra] of jobs) fake.setJob(uuid(n), { kind: 'status', body: statusBody(uuid(n), s, extra) });
    const f = fileOf([[`${uuid(40)}-e1`, 'starting'], [`${uuid(41)}-e1`, 'pending'], `${uuid(42)}-e2`, [uuid(43), 'training'], `${uuid(44)}-e1`, `${uuid(45)}-e1`]);
    const r = keep(await checkStatuses([f], client(), { now: () => NOW }));
    const v = versionsAfter(r);
    assert.deepEqual(v.map((x) => x.status), ['pending', 'training', 'completed', 'failed', 'failed', 'failed']);
    assert.equal(v[2].loraUrl, FAST);
    assert.equal(v[2].completedAt, new Date(NOW).toISOString());
    assert.equal(v[3].failedAt, new Date(NOW).toISOString());
    assert.deepEqual(JSON.parse(v[3].error as string), { error_type: 'RuntimeError', error_message: 'CUDA OOM' });
    assert.equal(v[4].error, 'RunPod reported CANCELLED');
    assert.equal(v[5].error, 'RunPod reported TIMED_OUT');
    assert.deepEqual(fake.requests.map((q) => q.jobId).sort(), jobs.map(([n]) => uuid(n)).sort(), 'every job asked by base id');
    assert.equal(r.summary.updated, 6);
    assert.equal(r.summary.running, 2);
    assert.equal(r.summary.errors, 0);
    assert.equal(r.stopped, undefined);
  });

  test('404: nothing marked failed; the summary says expired and points to S3 sync', async () => {
    fake.setJob(uuid(50), { kind: 'expired' });
    const f = fileOf([[`${uuid(50)}-e1`, 'training']]);
    const r = keep(await checkStatuses([f], client(), { now: () => NOW }));
    assert.equal(r.files[0].changed, false);
    assert.equal(r.files[0].newText, f.text);
    assert.equal(versionsAfter(r)[0].status, 'training');
    assert.equal(r.summary.expired, 1);
    assert.equal(r.summary.errors, 0);
    assert.equal(r.files[0].jobs[0].outcome, 'expired');
    assert.match(r.files[0].jobs[0].message, /S3 sync/);
  });

  test('401: nothing changes and the run stops early', async () => {
    const ids = [60, 61, 62, 63, 64].map(uuid);
    for (const id of ids) fake.setJob(id, { kind: 'status', body: statusBody(id, 'COMPLETED') });
    const f = fileOf(ids);
    const r = keep(await checkStatuses([f], client({ apiKey: 'wrong-key-123', concurrency: 1 }), { now: () => NOW }));
    assert.equal(fake.requests.length, 1, 'one refused request, then no more');
    assert.equal(r.stopped?.reason, 'unauthorized');
    assert.equal(r.files[0].changed, false);
    assert.equal(r.files[0].newText, f.text);
    assert.equal(r.summary.errors, 1);
    assert.equal(r.summary.notChecked, 4);
    assert.ok(r.files[0].jobs.filter((j) => j.outcome === 'not-checked').every((j) => /refused the API key/.test(j.message)));
  });

  test('a rate limit that does not end stops the run', async () => {
    const ids = [65, 66, 67].map(uuid);
    for (const id of ids) fake.setJob(id, { kind: 'rate-limited', times: 100, retryAfter: '0', then: { kind: 'expired' } });
    const r = keep(await checkStatuses([fileOf(ids)], client({ concurrency: 1 }), { now: () => NOW }));
    assert.equal(r.stopped?.reason, 'rate-limited');
    const perJob = ids.map((id) => fake.requestsFor(id).length);
    assert.ok(perJob.every((n) => n >= 1 && n <= 4), `at most 4 requests per job: ${perJob.join(', ')}`);
    assert.ok(perJob.includes(4), 'one job used every retry');
    assert.ok(fake.requests.length < 12, 'the run stopped before every job used its retries');
    assert.equal(r.summary.errors, 1);
    assert.equal(r.summary.notChecked, 2);
  });

  test('a 429 with Retry-After holds back the other requests of the client too', async () => {
    fake.setJob(uuid(68), { kind: 'rate-limited', times: 1, retryAfter: '2', then: { kind: 'status', body: statusBody(uuid(68), 'IN_QUEUE') } });
    fake.setJob(uuid(69), { kind: 'status', body: statusBody(uuid(69), 'IN_QUEUE') });
    const c = client({ concurrency: 1 });
    const first = await c.status(uuid(68));
    assert.deepEqual(sleeps, [2000]);
    // The pause lasts until NOW + 2 s on the client's clock, which has not moved: the next request waits too.
    const second = await c.status(uuid(69));
    assert.deepEqual([first.kind, second.kind], ['ok', 'ok']);
    assert.deepEqual(sleeps, [2000, 2000]);
  });

  test('a malformed body is an error for that job only', async () => {
    fake.setJob(uuid(70), { kind: 'malformed', body: '{"id": "x"}' });
    fake.setJob(uuid(71), { kind: 'status', body: statusBody(uuid(71), 'COMPLETED') });
    const r = keep(await checkStatuses([fileOf([uuid(70), uuid(71)])], client(), { now: () => NOW }));
    const [bad, good] = r.files[0].jobs;
    assert.equal(bad.outcome, 'error');
    assert.match(bad.message, /unexpected answer from RunPod: the response has no "status"; nothing changed/);
    assert.equal(good.outcome, 'updated');
    const v = versionsAfter(r);
    assert.equal(v[0].status, 'pending');
    assert.equal(v[1].status, 'completed');
    assert.equal(r.stopped, undefined);
  });

  test('a timeout is an error for that job only', async () => {
    fake.setJob(uuid(72), { kind: 'slow', delayMs: 10_000, body: statusBody(uuid(72), 'COMPLETED') });
    fake.setJob(uuid(73), { kind: 'status', body: statusBody(uuid(73), 'IN_PROGRESS') });
    const r = keep(await checkStatuses([fileOf([uuid(72), uuid(73)])], client({ timeoutMs: 100 }), { now: () => NOW }));
    assert.deepEqual(r.files[0].jobs.map((j) => j.outcome), ['error', 'updated']);
    assert.match(r.files[0].jobs[0].message, /did not answer within 100 ms/);
  });

  test('two attempts of one job are asked once', async () => {
    fake.setJob(uuid(74), { kind: 'status', body: statusBody(uuid(74), 'IN_PROGRESS') });
    const r = await checkStatuses([fileOf([`${uuid(74)}-e1`, `${uuid(74)}-e2`])], client(), { now: () => NOW });
    assert.equal(fake.requests.length, 1);
    assert.deepEqual(versionsAfter(r).map((x) => x.status), ['training', 'training']);
  });

  test('finished results are remembered for the session (the cache the caller owns)', async () => {
    fake.setJob(uuid(80), { kind: 'status', body: statusBody(uuid(80), 'COMPLETED') });
    fake.setJob(uuid(81), { kind: 'status', body: statusBody(uuid(81), 'IN_PROGRESS') });
    fake.setJob(uuid(82), { kind: 'expired' });
    const cache = createStatusCache();
    const f = fileOf([uuid(80), uuid(81), uuid(82)]);
    await checkStatuses([f], client(), { now: () => NOW, cache });
    assert.equal(fake.requests.length, 3);
    fake.reset();
    const again = await checkStatuses([f], client(), { now: () => NOW, cache });
    assert.deepEqual(fake.requests.map((q) => q.jobId), [uuid(81)], 'only the running job is asked again');
    assert.equal(versionsAfter(again)[0].status, 'completed');
    assert.equal(again.summary.expired, 1);
    fake.reset();
    await checkStatuses([f], client(), { now: () => NOW });
    assert.equal(fake.requests.length, 3, 'without a cache every job is asked');
  });

  test('one given version, whatever its status; a missing id is reported', async () => {
    fake.setJob(uuid(83), { kind: 'status', body: statusBody(uuid(83), 'FAILED', { error: 'late failure' }) });
    const f = fileOf([[`${uuid(83)}-e1`, 'failed'], uuid(84)]);
    const r = await checkStatuses([f], client(), { now: () => NOW, only: `${uuid(83)}-e1` });
    assert.deepEqual(fake.requests.map((q) => q.jobId), [uuid(83)]);
    assert.equal(versionsAfter(r)[0].error, 'late failure');
    const none = await checkStatuses([f], client(), { now: () => NOW, only: 'no-such-id' });
    assert.match(none.notes.join(' '), /No version with the id "no-such-id"/);
  });

  test('a cancelled check asks nothing and changes nothing', async () => {
    fake.setJob(uuid(85), { kind: 'status', body: statusBody(uuid(85), 'COMPLETED') });
    const ac = new AbortController();
    ac.abort();
    const r = await checkStatuses([fileOf([uuid(85)])], client(), { now: () => NOW }, undefined, ac.signal);
    assert.equal(fake.requests.length, 0);
    assert.equal(r.stopped?.reason, 'cancelled');
    assert.equal(r.files[0].changed, false);
  });

  test('progress is reported once per job', async () => {
    const ids = [86, 87].map(uuid);
    for (const id of ids) fake.setJob(id, { kind: 'status', body: statusBody(id, 'IN_QUEUE') });
    const seen: string[] = [];
    await checkStatuses([fileOf(ids)], client(), { now: () => NOW }, (p) => seen.push(`${p.done}/${p.total}`));
    assert.deepEqual(seen, ['1/2', '2/2']);
  });
});

describe('the poll loop', () => {
  test('polls while jobs run, stops when none are left', async () => {
    fake.setJob(uuid(90), { kind: 'status', body: statusBody(uuid(90), 'IN_PROGRESS') });
    let text = fileOf([uuid(90)]).text;
    const timers: { fn: () => void; ms: number }[] = [];
    const decisions: string[] = [];
    const c = client();
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const poller = new StatusPoller({
      pollSeconds: 30,
      check: async (signal) => {
        const r = await checkStatuses([{ path: 'mem/1_ink/training_versions.json', text }], c, { now: () => NOW }, undefined, signal);
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
    // Let the first check finish, then finish the job and fire the timer.
    while (timers.length === 0) await new Promise((r) => setImmediate(r));
    assert.equal(timers[0].ms, 30_000);
    fake.setJob(uuid(90), { kind: 'status', body: statusBody(uuid(90), 'COMPLETED') });
    timers[0].fn();
    await done;
    assert.deepEqual(decisions, ['again in 30000', 'stop: no job is running any more']);
    assert.equal(timers.length, 1, 'nothing scheduled after the last job finished');
    assert.equal(poller.active, false);
    assert.equal(fake.requests.length, 2);
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
