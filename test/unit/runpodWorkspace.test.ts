/** The workspace-level RunPod helpers the editor uses: key validation, jobs to poll, webhook file choice, the check report. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../src/core/findings';
import type { RunpodFailure } from '../../src/core/runpodFailure';
import { type JobLookup, type StatusSummary, emptySummary } from '../../src/core/runpodPlan';
import { findWebhookFile } from '../../src/core/runpodWebhook';
import { jobsToPoll, validateRunpodApiKey } from '../../src/core/runpodWorkspace';
import { checkReport } from '../../src/vscode/runpodReport';

const A = '26945dbf-4e87-4574-ad26-b1f71e865942';
const B = '3e248bb6-012c-4384-ae6c-4b19c126d093';
const C = 'b91f0c2e-6a1d-4f7e-9c55-2d8e0a7b3c41';

type Entry = Record<string, unknown>;
const entry = (id: string, status: string, extra: Entry = {}): Entry => ({
  id,
  name: 'V1',
  timestamp: '2025-10-14T09:00:00.000Z',
  parameters: { network_dim: 16 },
  status,
  ...extra,
});
const file = (...entries: Entry[]) => analyze(JSON.stringify({ versions: entries }, null, 2), { now: Date.now(), styleId: '1' });

const zero: StatusSummary = emptySummary();
const failure = (kind: RunpodFailure['kind'], extra: Partial<RunpodFailure> = {}): RunpodFailure => ({
  kind,
  host: 'api.runpod.ai',
  endpointId: 'ep',
  attempts: 1,
  ...extra,
});

describe('validateRunpodApiKey', () => {
  test('accepts a key, ignoring whitespace around it', () => {
    assert.equal(validateRunpodApiKey('rpa_ABC123xyz'), undefined);
    assert.equal(validateRunpodApiKey('  rpa_ABC123xyz\n'), undefined);
  });
  test('refuses an empty key, inner whitespace and characters a header cannot carry', () => {
    assert.match(validateRunpodApiKey('') ?? '', /Enter the API key/);
    assert.match(validateRunpodApiKey('   ') ?? '', /Enter the API key/);
    assert.match(validateRunpodApiKey('rpa_ABC 123') ?? '', /no spaces/);
    assert.match(validateRunpodApiKey('rpa_ABC\t123') ?? '', /no spaces/);
    assert.match(validateRunpodApiKey('rpa_ÄBC') ?? '', /printable ASCII/);
  });
  test('never quotes the key it refuses', () => {
    for (const k of ['secret key 1', 'sécret']) assert.ok(!(validateRunpodApiKey(k) ?? '').includes(k.slice(0, 4)));
  });
});

describe('jobsToPoll', () => {
  test('lists each in-flight job once by its stored id, across files, skipping finished entries and S3 stems', () => {
    const f1 = file(entry(`${A}-e1`, 'pending'), entry(`${A}-e2`, 'training'), entry(B, 'completed'), entry('style_1_vV3', 'pending'));
    const f2 = file(entry(`${C}-e1`, 'starting'), entry(B, 'failed'), entry(`${A}-e1`, 'pending'));
    assert.deepEqual(jobsToPoll([f1, f2]).sort(), [`${A}-e1`, `${A}-e2`, `${C}-e1`].sort());
  });
  test('leaves out the jobs the session already knows finished or expired', () => {
    const f1 = file(entry(`${A}-e1`, 'pending'), entry(`${C}`, 'training'));
    const known = new Map<string, JobLookup>([[`${A}-e1`, { kind: 'unknown-id', asked: [`${A}-e1`, A] }]]);
    assert.deepEqual(jobsToPoll([f1], known), [C]);
  });
  test('a file that does not parse has no jobs', () => {
    assert.deepEqual(jobsToPoll([analyze('{ "versions": [ ', { now: Date.now() })]), []);
  });
});

describe('findWebhookFile', () => {
  test('an exact id match in a later file wins over a base-id match in the first', () => {
    const first = file(entry(`${A}-e1`, 'pending'));
    const second = file(entry(A, 'pending'));
    assert.deepEqual(
      findWebhookFile(
        [
          { key: 'first', analysis: first },
          { key: 'second', analysis: second },
        ],
        A,
      ),
      { key: 'second', by: 'id', versionId: A },
    );
  });
  test('among base-id matches the first file in the given order wins', () => {
    const one = file(entry(`${A}-e1`, 'pending'));
    const two = file(entry(`${A}-e2`, 'pending'));
    assert.deepEqual(
      findWebhookFile(
        [
          { key: 2, analysis: two },
          { key: 1, analysis: one },
        ],
        A,
      ),
      { key: 2, by: 'base-id', versionId: `${A}-e2` },
    );
  });
  test('a payload id with a suffix finds the entry by base id', () => {
    const f = file(entry(`${A}-e1`, 'pending'));
    assert.deepEqual(findWebhookFile([{ key: 'f', analysis: f }], `${A}-e3`), { key: 'f', by: 'base-id', versionId: `${A}-e1` });
  });
  test('no match, and files that do not parse, give nothing', () => {
    assert.equal(
      findWebhookFile(
        [
          { key: 'f', analysis: file(entry(B, 'pending')) },
          { key: 'bad', analysis: analyze('nope', { now: Date.now() }) },
        ],
        A,
      ),
      undefined,
    );
  });
});

describe('checkReport', () => {
  test('a refused key: an error, nothing changed, and a way to set the key', () => {
    const r = checkReport({
      summary: { ...zero, checked: 2, notChecked: 1, errors: 1 },
      stopped: { reason: 'unauthorized', failure: failure('unauthorized', { status: 401 }) },
      notes: [],
      filesWritten: 0,
      conflicts: 0,
    });
    assert.equal(r.severity, 'error');
    assert.match(r.message, /^RunPod refused the API key \(401\); nothing changed\./);
    assert.deepEqual(r.actions, ['Set API Key']);
  });
  test('expired jobs: information that says expired, offering S3 sync; never a failure', () => {
    const r = checkReport({
      summary: { ...zero, checked: 3, updated: 1, running: 1, expired: 1, filesChanged: 1 },
      notes: [],
      filesWritten: 1,
      conflicts: 0,
    });
    assert.equal(r.severity, 'information');
    assert.match(r.message, /1 updated, 1 still running, 1 expired, 0 errors/);
    assert.match(r.message, /run an S3 sync/);
    assert.match(r.message, /Updated 1 file\./);
    assert.doesNotMatch(r.message, /failed/);
    assert.deepEqual(r.actions, ['Sync from S3']);
  });
  test("the endpoint's queue and workers are in the report; not-found jobs offer the endpoint setting", () => {
    const health = [
      {
        host: 'api.runpod.ai',
        endpointId: 'ep-7',
        answer: {
          kind: 'ok' as const,
          attempts: 1,
          value: { jobs: { inQueue: 4, inProgress: 0 }, workers: { idle: 0, running: 0, throttled: 2 } },
        },
      },
    ];
    const r = checkReport({ summary: { ...zero, checked: 2, running: 1, notFound: 1 }, notes: [], health, filesWritten: 0, conflicts: 0 });
    assert.match(
      r.message,
      /RunPod endpoint ep-7: 4 in queue, 0 in progress; workers: 0 idle, 0 running, 2 throttled \(no worker is up: queued jobs wait, entries stay pending\)\./,
    );
    assert.match(r.message, /1 not found/);
    assert.deepEqual(r.actions, ['Open Settings']);
  });
  test('errors, early stops and files changed meanwhile: a warning pointing at the log', () => {
    const r = checkReport({
      summary: { ...zero, checked: 2, errors: 1, notChecked: 1 },
      stopped: { reason: 'rate-limited', failure: failure('rate-limited', { jobId: 'X', attempts: 4 }) },
      notes: [{ kind: 'none-known', count: 2 }],
      filesWritten: 0,
      conflicts: 2,
    });
    assert.equal(r.severity, 'warning');
    assert.match(r.message, /2 files changed while RunPod was asked and were left alone/);
    assert.match(r.message, /RunPod knew none of these jobs/);
    assert.match(r.message, /Stopped early: job X: RunPod rate-limited/);
    assert.deepEqual(r.actions, ['Show Log']);
  });
  test('a cancelled check says nothing changed', () => {
    const r = checkReport({
      summary: { ...zero, checked: 1, notChecked: 1 },
      stopped: { reason: 'cancelled' },
      notes: [],
      filesWritten: 0,
      conflicts: 0,
    });
    assert.equal(r.severity, 'information');
    assert.match(r.message, /cancelled; nothing changed/);
  });
});
