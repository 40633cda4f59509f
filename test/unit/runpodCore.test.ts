/** SPEC.md §4, the pure half: status mapping, target selection, planning, webhooks, polling. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../src/core/findings';
import { redactSecret } from '../../src/core/redact';
import type { RunpodFailure } from '../../src/core/runpodFailure';
import { chooseLoraUrl, loraUrlOfOutput, stringifyError } from '../../src/core/runpodOutput';
import {
  type JobLookup,
  type StatusSummary,
  emptySummary,
  planStatusFile,
  selectStatusTargets,
  summarizeStatus,
} from '../../src/core/runpodPlan';
import { pollDecision } from '../../src/core/runpodPoll';
import { type RunpodJobResult, parseHealthBody, parseStatusBody, validateStatusBody } from '../../src/core/runpodSchemas';
import { statusUpdate } from '../../src/core/runpodUpdate';
import { applyWebhook, matchWebhookEntry } from '../../src/core/runpodWebhook';
import { type SurfaceWords, describeJob, describeSummary, describeUpdateNote } from '../../src/flows/statusText';
import { parseRetryAfter } from '../../src/services/runpodRateWindow';
import { versionsOf } from '../../src/core/versions';

const JOB = '26945dbf-4e87-4574-ad26-b1f71e865942';
const JOB2 = '3e248bb6-012c-4384-ae6c-4b19c126d093';
const JOB3 = 'b91f0c2e-6a1d-4f7e-9c55-2d8e0a7b3c41';
const BUCKET = 'storyboard-user-files';
const KEY = 'actor_maker_user/custom-styles-models/style_1_vV8.safetensors';
const FAST = `https://${BUCKET}.s3-accelerate.amazonaws.com/${KEY}`;
const REGULAR = `https://${BUCKET}.s3.us-west-1.amazonaws.com/${KEY}`;
const NOW = Date.parse('2025-10-14T10:00:00.000Z');
const LATER = Date.parse('2025-10-14T11:30:00.000Z');

type Entry = Record<string, unknown>;

function pending(id: string, extra: Entry = {}): Entry {
  return {
    id,
    name: 'V8',
    timestamp: '2025-10-14T09:00:00.000Z',
    parameters: { network_dim: 16 },
    status: 'pending',
    selectionSetId: 1,
    imageCount: 40,
    ...extra,
  };
}

function file(entries: Entry[], indent: string | number = 2, eol = '\n', bom = false): string {
  const body = JSON.stringify({ versions: entries }, null, indent).split('\n').join(eol) + eol;
  return (bom ? '\uFEFF' : '') + body;
}

function result(body: Entry): RunpodJobResult {
  const r = validateStatusBody(body);
  assert.ok(r.ok, 'the test body must be a valid status response');
  return r.value;
}

const WORDS: SurfaceWords = { setKey: 'set the key', endpointSetting: 'the endpoint setting' };
const notes = (u: { notes: Parameters<typeof describeUpdateNote>[0][] }) => u.notes.map(describeUpdateNote).join(' ');
const timeout = (jobId: string): RunpodFailure => ({
  kind: 'timeout',
  host: '127.0.0.1',
  endpointId: 'ep',
  jobId,
  attempts: 1,
  timeoutMs: 100,
});

function versionOf(entry: Entry) {
  const a = analyze(file([entry]), { now: Date.now() });
  assert.equal(a.versions.length, 1);
  return a.versions[0];
}

/** Plans one file with one lookup per stored id; returns the plan. */
function plan(text: string, lookups: Record<string, JobLookup>, now = NOW, only?: string) {
  const a = analyze(text, { now: Date.now() });
  return planStatusFile('x/training_versions.json', a, selectStatusTargets(a, only), new Map(Object.entries(lookups)), { now });
}

function parsedVersions(text: string): Entry[] {
  return (JSON.parse(text.replace(/^\uFEFF/, '')) as { versions: Entry[] }).versions;
}

describe('status map (every RunPod status)', () => {
  const cases: [string, string][] = [
    ['IN_QUEUE', 'pending'],
    ['IN_PROGRESS', 'training'],
    ['RUNNING', 'training'],
    ['COMPLETED', 'completed'],
    ['FAILED', 'failed'],
    ['CANCELLED', 'failed'],
    ['TIMED_OUT', 'failed'],
  ];
  for (const [runpod, ours] of cases) {
    test(`${runpod} → ${ours}`, () => {
      const v = versionOf(pending(`${JOB}-e1`, { status: 'starting' }));
      const u = statusUpdate(v, result({ id: JOB, status: runpod }), { now: NOW });
      assert.equal(u.status, ours);
      const changed = Object.fromEntries(u.changes.map((c) => [c.key, JSON.parse(c.raw) as unknown]));
      assert.equal(changed.status, ours);
      assert.equal(u.running, ours === 'pending' || ours === 'training');
      if (ours === 'completed') {
        assert.equal(changed.completedAt, new Date(NOW).toISOString());
        assert.equal(changed.failedAt, undefined);
      } else if (ours === 'failed') {
        assert.equal(changed.failedAt, new Date(NOW).toISOString());
        assert.equal(changed.error, `RunPod reported ${runpod}`);
        assert.equal(changed.completedAt, undefined);
      } else {
        assert.deepEqual(Object.keys(changed), ['status']);
      }
    });
  }

  test('COMPLETED takes loraUrl from output.loraUrl, output.lora_url or output.url', () => {
    for (const key of ['loraUrl', 'lora_url', 'url']) {
      const v = versionOf(pending(`${JOB}-e1`));
      const u = statusUpdate(v, result({ id: JOB, status: 'COMPLETED', output: { [key]: FAST } }), { now: NOW });
      const lora = u.changes.find((c) => c.key === 'loraUrl');
      assert.equal(lora && JSON.parse(lora.raw), FAST, key);
    }
    assert.equal(loraUrlOfOutput({ loraUrl: 'not a url' }), undefined);
    assert.equal(loraUrlOfOutput('https://x/y.safetensors'), undefined);
  });

  test('output of any JSON shape: the first object of an array that has a URL; a progress string is no error', () => {
    assert.equal(loraUrlOfOutput([{ progress: 1 }, { lora_url: FAST }, { url: REGULAR }]), FAST);
    assert.equal(loraUrlOfOutput(['step 1', 42, null]), undefined);
    const v = versionOf(pending(`${JOB}-e1`));
    const fromArray = statusUpdate(v, result({ id: JOB, status: 'COMPLETED', output: [{ log: 'done' }, { loraUrl: FAST }] }), { now: NOW });
    assert.equal(JSON.parse(fromArray.changes.find((c) => c.key === 'loraUrl')!.raw), FAST);
    const progress = statusUpdate(v, result({ id: JOB, status: 'IN_PROGRESS', output: 'epoch 3/10' }), { now: NOW });
    assert.equal(progress.status, 'training');
    assert.deepEqual(
      progress.changes.map((c) => c.key),
      ['status'],
    );
  });

  test('a status RunPod does not document: unknown, nothing changes, the entry stays in flight', () => {
    const v = versionOf(pending(`${JOB}-e1`, { status: 'training' }));
    const u = statusUpdate(v, result({ id: JOB, status: 'PAUSED' }), { now: NOW });
    assert.equal(u.unknown, true);
    assert.deepEqual(u.changes, []);
    assert.equal(u.status, 'training');
    assert.equal(u.running, true);
    assert.match(notes(u), /"PAUSED", which it does not document/);
  });

  test('FAILED stores RunPod error; the Python worker\'s JSON string becomes "<type>: <message>"; other objects are stringified', () => {
    const v = versionOf(pending(`${JOB}-e1`, { status: 'training' }));
    const stored = (body: Entry) =>
      JSON.parse(statusUpdate(v, result(body), { now: NOW }).changes.find((c) => c.key === 'error')!.raw) as unknown;
    assert.equal(stored({ id: JOB, status: 'FAILED', error: 'CUDA out of memory' }), 'CUDA out of memory');
    // As runpod/serverless/modules/rp_job.py sends it: a string holding JSON, with a traceback, host name and worker id.
    const worker = JSON.stringify({
      error_type: "<class 'RuntimeError'>",
      error_message: 'CUDA out of memory',
      error_traceback: 'Traceback (most recent call last):\n  File "h.py"',
      hostname: 'hpcm7-64410a1c',
      worker_id: 'hpcm7',
      runpod_version: '1.7.9',
    });
    const short = stored({ id: JOB, status: 'FAILED', error: worker });
    assert.equal(short, 'RuntimeError: CUDA out of memory');
    assert.ok(!String(short).includes('hpcm7') && !String(short).includes('Traceback'), 'no host, worker or traceback');
    const asObject = stored({ id: JOB, status: 'FAILED', error: { code: 7, detail: 'boom' } });
    assert.equal(typeof asObject, 'string');
    assert.deepEqual(JSON.parse(asObject as string), { code: 7, detail: 'boom' });
    assert.equal(stringifyError({ error_type: 'ValueError', error_message: 'bad input' }), 'ValueError: bad input');
    assert.equal(stringifyError('{not json'), '{not json');
    assert.equal(stringifyError(''), undefined);
    assert.equal(stringifyError({}), undefined);
    assert.equal(stringifyError(42), '42');
  });

  test('completedAt / failedAt come from the response when RunPod gives one, else now', () => {
    const v = versionOf(pending(`${JOB}-e1`));
    const given = statusUpdate(v, result({ id: JOB, status: 'COMPLETED', completedAt: '2025-10-14T09:41:05.201Z' }), { now: NOW });
    assert.equal(JSON.parse(given.changes.find((c) => c.key === 'completedAt')!.raw), '2025-10-14T09:41:05.201Z');
    const inOutput = statusUpdate(v, result({ id: JOB, status: 'COMPLETED', output: { completed_at: 1760434865 } }), { now: NOW });
    assert.equal(JSON.parse(inOutput.changes.find((c) => c.key === 'completedAt')!.raw), new Date(1760434865 * 1000).toISOString());
    const failed = statusUpdate(v, result({ id: JOB, status: 'FAILED', failedAt: '2025-10-14T09:30:00Z' }), { now: NOW });
    assert.equal(JSON.parse(failed.changes.find((c) => c.key === 'failedAt')!.raw), '2025-10-14T09:30:00.000Z');
  });

  test('an existing completedAt is kept when RunPod gives no timestamp', () => {
    const v = versionOf(pending(`${JOB}-e1`, { status: 'completed', completedAt: '2025-10-14T09:41:00.000Z', loraUrl: FAST }));
    const u = statusUpdate(v, result({ id: JOB, status: 'COMPLETED', output: { loraUrl: FAST } }), { now: LATER });
    assert.deepEqual(u.changes, []);
  });

  test('a completed entry is never turned back into another status', () => {
    const v = versionOf(pending(`${JOB}-e1`, { status: 'completed', completedAt: '2025-10-14T09:41:00.000Z' }));
    for (const s of ['IN_QUEUE', 'IN_PROGRESS', 'FAILED']) {
      const u = statusUpdate(v, result({ id: JOB, status: s, error: 'x' }), { now: NOW });
      assert.deepEqual(u.changes, [], s);
      assert.equal(u.status, 'completed');
      assert.equal(u.running, false);
      assert.match(notes(u), /already completed/);
    }
  });
});

describe('the URL rule: never replace an accelerated URL by a regular one', () => {
  test('an accelerated loraUrl stays when RunPod reports the regular spelling', () => {
    const v = versionOf(pending(`${JOB}-e1`, { loraUrl: FAST }));
    const u = statusUpdate(v, result({ id: JOB, status: 'COMPLETED', output: { loraUrl: REGULAR } }), {
      now: NOW,
      preferAcceleratedUrls: false,
    });
    assert.equal(
      u.changes.find((c) => c.key === 'loraUrl'),
      undefined,
    );
    assert.match(notes(u), /kept the accelerated loraUrl/);
  });

  test('an accelerated loraUrl stays even for a regular URL of another object', () => {
    const other = `https://${BUCKET}.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV9.safetensors`;
    assert.equal(chooseLoraUrl(FAST, other, false), undefined);
  });

  test('a regular URL from RunPod is upgraded to the accelerated form when preferred', () => {
    const v = versionOf(pending(`${JOB}-e1`));
    const u = statusUpdate(v, result({ id: JOB, status: 'COMPLETED', output: { lora_url: REGULAR } }), { now: NOW });
    assert.equal(JSON.parse(u.changes.find((c) => c.key === 'loraUrl')!.raw), FAST);
    const off = statusUpdate(v, result({ id: JOB, status: 'COMPLETED', output: { lora_url: REGULAR } }), {
      now: NOW,
      preferAcceleratedUrls: false,
    });
    assert.equal(JSON.parse(off.changes.find((c) => c.key === 'loraUrl')!.raw), REGULAR);
  });

  test('a regular loraUrl is replaced by an accelerated one, not by another regular spelling', () => {
    assert.equal(chooseLoraUrl(REGULAR, FAST, false), FAST);
    const pathStyle = `https://s3.us-west-1.amazonaws.com/${BUCKET}/${KEY}`;
    assert.equal(chooseLoraUrl(REGULAR, pathStyle, false), undefined);
    assert.equal(chooseLoraUrl(undefined, pathStyle, false), pathStyle);
  });
});

describe('parsing status bodies', () => {
  test('valid, malformed; an unknown status parses (it is reported, never an error)', () => {
    const ok = parseStatusBody(JSON.stringify({ id: JOB, status: 'COMPLETED', workerId: 'w1', extra: { kept: true } }));
    assert.ok(ok.ok);
    assert.deepEqual(ok.value.raw.extra, { kept: true }, 'fields we do not read pass through');
    const notJson = parseStatusBody('<html>Bad gateway</html>');
    assert.ok(!notJson.ok && /not JSON/.test(notJson.problem));
    const noStatus = parseStatusBody('{"id":"x"}');
    assert.ok(!noStatus.ok && noStatus.problem === 'it has no "status"', !noStatus.ok ? noStatus.problem : '');
    const badId = parseStatusBody('{"id":7,"status":"COMPLETED"}');
    assert.ok(!badId.ok && badId.problem === '"id" is not a string', !badId.ok ? badId.problem : '');
    const unknown = parseStatusBody('{"id":"x","status":"EXPLODED"}');
    assert.ok(unknown.ok && unknown.value.status === 'EXPLODED');
    assert.equal(parseStatusBody('[1,2]').ok, false);
    assert.equal(parseStatusBody('\uFEFF{"status":"IN_QUEUE"}').ok, true, 'a BOM is not an error');
  });

  test('/health: strict on the counts we show, the rest passes through', () => {
    const h = parseHealthBody(
      JSON.stringify({
        jobs: { completed: 5, failed: 1, inProgress: 2, inQueue: 3, retried: 0 },
        workers: { idle: 0, running: 2, throttled: 1, newField: 9 },
      }),
    );
    assert.ok(h.ok);
    assert.equal(h.value.jobs.inQueue, 3);
    assert.equal((h.value.workers as Record<string, unknown>).newField, 9);
    const bad = parseHealthBody(JSON.stringify({ jobs: { inQueue: 'three', inProgress: 0 }, workers: { idle: 0, running: 0 } }));
    assert.ok(!bad.ok && bad.problem === '"jobs.inQueue" is not a number', !bad.ok ? bad.problem : '');
    const missing = parseHealthBody(JSON.stringify({ jobs: { inQueue: 1, inProgress: 0 } }));
    assert.ok(!missing.ok && missing.problem === 'it has no "workers"', !missing.ok ? missing.problem : '');
  });

  test('Retry-After in seconds and as an HTTP date', () => {
    assert.equal(parseRetryAfter('2', NOW), 2000);
    assert.equal(parseRetryAfter(new Date(NOW + 5000).toUTCString(), NOW), 5000);
    assert.equal(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW), 0);
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(parseRetryAfter(null, NOW), undefined);
  });

  test('redaction removes the secret and its URL-encoded form', () => {
    const key = 'rpa_SECRET/KEY+42';
    assert.equal(redactSecret(`header ${key} and ${encodeURIComponent(key)}`, key), 'header *** and ***');
    assert.equal(redactSecret('nothing here', key), 'nothing here');
  });
});

describe('which entries are checked', () => {
  const text = file([
    pending(`${JOB}-e1`),
    pending(`${JOB2}-e2`, { status: 'training' }),
    pending(JOB3, { status: 'starting' }),
    pending('4d1c0f7e-1111-4222-8333-944455556666-e1', { status: 'completed' }),
    pending('5d1c0f7e-1111-4222-8333-944455556666-e1', { status: 'failed' }),
    { id: 7, status: 'pending' },
    { id: 'style_1_vV3', name: 'style_1_vV3.safetensors', status: 'pending', parameters: {} },
  ]);

  test('every pending / starting / training entry with a string id (and its base id, asked only after a 404)', () => {
    const { targets, skipped } = selectStatusTargets(analyze(text, { now: Date.now() }));
    assert.deepEqual(
      targets.map((t) => t.id),
      [`${JOB}-e1`, `${JOB2}-e2`, JOB3],
    );
    assert.deepEqual(
      targets.map((t) => t.baseId),
      [JOB, JOB2, JOB3],
    );
    assert.deepEqual(
      skipped.map((s) => s.version.id),
      ['style_1_vV3'],
    );
  });

  test('one given version, whatever its status; by id or base id', () => {
    const byId = selectStatusTargets(analyze(text, { now: Date.now() }), '4d1c0f7e-1111-4222-8333-944455556666-e1');
    assert.deepEqual(
      byId.targets.map((t) => t.id),
      ['4d1c0f7e-1111-4222-8333-944455556666-e1'],
    );
    const byBase = selectStatusTargets(analyze(text, { now: Date.now() }), JOB2);
    assert.deepEqual(
      byBase.targets.map((t) => t.id),
      [`${JOB2}-e2`],
    );
    assert.deepEqual(selectStatusTargets(analyze(text, { now: Date.now() }), 'nope').targets, []);
  });

  test('a file that does not parse has no targets', () => {
    assert.deepEqual(selectStatusTargets(analyze('{ "versions": [ ', { now: Date.now() })).targets, []);
  });
});

describe('planning a check', () => {
  const entries = [
    pending(`${JOB}-e2`),
    pending(`${JOB2}-e1`, { status: 'training' }),
    pending(JOB3),
    pending('style_1_vV3', { parameters: {} }),
  ];

  test('results are applied as minimal edits; expired and errors change nothing', () => {
    const text = file(entries);
    const p = plan(text, {
      [`${JOB}-e2`]: { kind: 'result', result: result({ id: `${JOB}-e2`, status: 'COMPLETED', output: { loraUrl: FAST } }), askedAs: 'id' },
      [`${JOB2}-e1`]: { kind: 'unknown-id', asked: [`${JOB2}-e1`, JOB2] },
      [JOB3]: { kind: 'error', failure: timeout(JOB3) },
    });
    assert.equal(p.changed, true);
    const after = parsedVersions(p.newText);
    const before = parsedVersions(text);
    assert.equal(after[0].status, 'completed');
    assert.equal(after[0].loraUrl, FAST);
    assert.equal(after[0].completedAt, new Date(NOW).toISOString());
    assert.deepEqual(after.slice(1), before.slice(1), 'expired, errored and skipped entries are untouched');
    assert.deepEqual(
      p.jobs.map((j) => j.outcome),
      ['updated', 'expired', 'error', 'skipped'],
    );
    const expired = p.jobs[1];
    assert.equal(expired.to, 'training', 'expired keeps its status');
    assert.match(describeJob(expired, WORDS), /no longer holds this job/);
    assert.match(describeJob(expired, WORDS), /not a failure/);
    assert.match(describeJob(expired, WORDS), /S3 sync/);
    assert.match(describeJob(p.jobs[2], WORDS), /did not answer within 100 ms/);
    const s = summarizeStatus([p]);
    assert.deepEqual(
      {
        checked: s.checked,
        updated: s.updated,
        running: s.running,
        expired: s.expired,
        errors: s.errors,
        skipped: s.skipped,
        filesChanged: s.filesChanged,
      },
      { checked: 3, updated: 1, running: 0, expired: 1, errors: 1, skipped: 1, filesChanged: 1 },
    );
    assert.match(describeSummary(s), /1 updated, 0 still running, 1 expired, 1 error/);
    assert.match(describeSummary(s), /S3 sync/);
  });

  test('only the edited values change; CRLF, BOM and 4-space indentation survive', () => {
    const text = file(entries, 4, '\r\n', true);
    const p = plan(text, {
      [`${JOB}-e2`]: { kind: 'result', result: result({ id: `${JOB}-e2`, status: 'FAILED', error: { message: 'OOM' } }), askedAs: 'id' },
    });
    assert.ok(p.newText.startsWith('\uFEFF{\r\n    "versions": ['));
    assert.equal(p.newText.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF introduced');
    assert.ok(p.newText.includes('\r\n            "failedAt": "2025-10-14T10:00:00.000Z"'), 'new keys follow the entry layout');
    // Exactly: the status value replaced, two properties appended after the last one; every other byte kept.
    const first = text.indexOf('"imageCount": 40') + '"imageCount": 40'.length;
    const added = `,\r\n            "failedAt": "2025-10-14T10:00:00.000Z",\r\n            "error": ${JSON.stringify(JSON.stringify({ message: 'OOM' }))}`;
    const expected = (text.slice(0, first) + added + text.slice(first)).replace('"status": "pending"', '"status": "failed"');
    assert.equal(p.newText, expected);
  });

  test('applying the same result twice changes nothing, even later', () => {
    const lookups: Record<string, JobLookup> = {
      [`${JOB}-e2`]: { kind: 'result', result: result({ id: `${JOB}-e2`, status: 'COMPLETED', output: { url: REGULAR } }), askedAs: 'id' },
      [`${JOB2}-e1`]: { kind: 'result', result: result({ id: JOB2, status: 'CANCELLED' }), askedAs: 'base-id' },
      [JOB3]: { kind: 'result', result: result({ id: JOB3, status: 'IN_PROGRESS' }), askedAs: 'id' },
    };
    const first = plan(file(entries), lookups, NOW);
    assert.equal(first.changed, true);
    // Second application: every entry is checked again (completed / failed ones by id).
    for (const id of [`${JOB}-e2`, `${JOB2}-e1`, JOB3]) {
      const again = plan(first.newText, lookups, LATER, id);
      assert.equal(again.changed, false, id);
      assert.equal(again.newText, first.newText);
      assert.equal(again.jobs.find((j) => j.id === id)?.outcome, 'unchanged');
    }
  });

  test('an answer for another job is an error, nothing changes', () => {
    const p = plan(file([pending(`${JOB}-e1`)]), {
      [`${JOB}-e1`]: { kind: 'result', result: result({ id: JOB2, status: 'COMPLETED' }), askedAs: 'id' },
    });
    assert.equal(p.changed, false);
    assert.equal(p.jobs[0].outcome, 'error');
    assert.match(describeJob(p.jobs[0], WORDS), /another job/);
  });

  test("404 for every form: expired for an entry older than RunPod's retention, not found (with likely causes) for a younger one", () => {
    const young = pending(`${JOB}-u1`, { timestamp: new Date(NOW - 5 * 60_000).toISOString() });
    const old = pending(`${JOB2}-u1`, { timestamp: new Date(NOW - 3 * 3_600_000).toISOString() });
    const p = plan(file([young, old]), {
      [`${JOB}-u1`]: { kind: 'unknown-id', asked: [`${JOB}-u1`, JOB] },
      [`${JOB2}-u1`]: { kind: 'unknown-id', asked: [`${JOB2}-u1`, JOB2] },
    });
    assert.equal(p.changed, false, 'never a failure: both keep their status');
    assert.deepEqual(
      p.jobs.map((j) => j.outcome),
      ['not-found', 'expired'],
    );
    const said = describeJob(p.jobs[0], WORDS);
    assert.match(said, /only 5 min old/);
    assert.match(said, /the endpoint setting is not the endpoint it was submitted to/);
    assert.match(said, new RegExp(`404 for ${JOB}-u1 and ${JOB}\\b`));
    const s = summarizeStatus([p]);
    assert.equal(s.notFound, 1);
    assert.equal(s.expired, 1);
    assert.match(describeSummary(s), /1 expired, 1 not found/);
  });

  test('the report says which form of the id answered', () => {
    const p = plan(file([pending(`${JOB}-e1`)]), {
      [`${JOB}-e1`]: { kind: 'result', result: result({ id: JOB, status: 'IN_QUEUE' }), askedAs: 'base-id' },
    });
    assert.equal(p.jobs[0].askedAs, 'base-id');
    assert.match(describeJob(p.jobs[0], WORDS), new RegExp(`answered for the base id ${JOB} after a 404 for ${JOB}-e1`));
    assert.match(describeSummary(summarizeStatus([p])), /1 answered only for the base id/);
  });

  test('a file that does not parse is reported unusable and never changed', () => {
    const p = plan('{ "versions": [ ', {});
    assert.equal(p.changed, false);
    assert.equal(p.unusable?.code, 'invalid-json');
  });
});

describe('webhook payloads', () => {
  const text = file([pending(`${JOB}-e2`), pending(JOB2, { status: 'training' }), pending(`${JOB3}-e1`)]);

  test('by exact id', () => {
    const r = applyWebhook(text, JSON.stringify({ id: JOB2, status: 'COMPLETED', output: { loraUrl: FAST } }), { now: NOW });
    assert.ok(r.ok);
    assert.equal(r.by, 'id');
    assert.equal(r.versionId, JOB2);
    const v = parsedVersions(r.text)[1];
    assert.equal(v.status, 'completed');
    assert.equal(v.loraUrl, FAST);
  });

  test('by base id: the stored id carries -e2, the payload the base id (the seed fix)', () => {
    const r = applyWebhook(text, JSON.stringify({ id: JOB, status: 'FAILED', error: 'boom' }), { now: NOW });
    assert.ok(r.ok);
    assert.equal(r.by, 'base-id');
    assert.equal(r.versionId, `${JOB}-e2`);
    const v = parsedVersions(r.text)[0];
    assert.equal(v.status, 'failed');
    assert.equal(v.error, 'boom');
  });

  test('base equals base: payload -e2, stored -e1', () => {
    const r = applyWebhook(text, JSON.stringify({ id: `${JOB3}-e2`, status: 'IN_PROGRESS' }), { now: NOW });
    assert.ok(r.ok);
    assert.equal(r.versionId, `${JOB3}-e1`);
    assert.equal(parsedVersions(r.text)[2].status, 'training');
  });

  test('an exact match wins over a base-id match', () => {
    const versions = versionsOf(analyze(file([pending(`${JOB}-e1`), pending(JOB)]), { now: Date.now() }).doc);
    const m = matchWebhookEntry(versions, JOB);
    assert.equal(m?.version.id, JOB);
    assert.equal(m?.by, 'id');
    assert.deepEqual(
      m?.others.map((o) => o.id),
      [`${JOB}-e1`],
    );
  });

  test('nothing matches: a clear message, nothing changed', () => {
    const r = applyWebhook(text, JSON.stringify({ id: '99999999-0000-4000-8000-000000000000', status: 'COMPLETED' }), { now: NOW });
    assert.ok(!r.ok);
    assert.equal(r.reason, 'no-match');
    assert.equal(r.jobId, '99999999-0000-4000-8000-000000000000');
    assert.equal(r.baseId, '99999999-0000-4000-8000-000000000000');
  });

  test('an invalid payload or file is refused', () => {
    const bad = applyWebhook(text, '{"status": "COMPLETED"}', { now: NOW });
    assert.ok(!bad.ok && bad.reason === 'no-id');
    const notJson = applyWebhook(text, 'hello', { now: NOW });
    assert.ok(!notJson.ok && notJson.reason === 'invalid-payload');
    const badFile = applyWebhook('{"versions": 3}', JSON.stringify({ id: JOB, status: 'COMPLETED' }), { now: NOW });
    assert.ok(!badFile.ok && badFile.reason === 'invalid-file');
  });

  test('the same payload twice: the second changes nothing', () => {
    const payload = JSON.stringify({ id: JOB, status: 'COMPLETED', output: { lora_url: REGULAR } });
    const once = applyWebhook(text, payload, { now: NOW });
    assert.ok(once.ok && once.changed);
    const twice = applyWebhook(once.text, payload, { now: LATER });
    assert.ok(twice.ok);
    assert.equal(twice.changed, false);
    assert.equal(twice.text, once.text);
    assert.deepEqual(twice.fields, []);
  });
});

describe('poll decisions', () => {
  const base: StatusSummary = { ...emptySummary(), checked: 2 };
  test('poll while jobs run; stop when none are left, on errors, when stopped or off', () => {
    assert.deepEqual(pollDecision({ ...base, running: 2 }, 30), { again: true, delayMs: 30_000, reason: '2 jobs still running' });
    assert.equal(pollDecision({ ...base, running: 0 }, 30).again, false);
    assert.equal(pollDecision({ ...base, running: 1, errors: 1 }, 30).again, false);
    assert.equal(pollDecision({ ...base, running: 1 }, 30, { reason: 'unauthorized' }).again, false);
    assert.equal(pollDecision({ ...base, running: 1, unknown: 1 }, 30).again, true, 'an unknown status never stops polling');
    assert.equal(pollDecision({ ...base, running: 1 }, 0).again, false);
  });
});
