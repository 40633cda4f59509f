/**
 * Held-out conformance cases for the library (SPEC.md §8, §5, §2), derived from
 * the text of SPEC.md rather than from the product's fixtures.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze, applyWebhook, cleanup, syncObjects } from '../../src/lib';

const BUCKET = 'storyboard-user-files';
const PREFIX = 'actor_maker_user/custom-styles-models/';
const JOB = '3e248bb6-012c-4384-ae6c-4b19c126d093';
const NOW = new Date('2025-11-01T12:00:00.000Z');
const doc = (versions: unknown[]) => JSON.stringify({ versions }, null, 2) + '\n';
const versionsOf = (text: string) => (JSON.parse(text) as { versions: Record<string, unknown>[] }).versions;
const accel = (key: string) => `https://${BUCKET}.s3-accelerate.amazonaws.com/${key}`;
const detailed = (extra: Record<string, unknown> = {}) => ({
  id: `${JOB}-e1`,
  name: 'V7',
  timestamp: '2025-10-12T08:14:00.884Z',
  parameters: { network_dim: 16 },
  status: 'training',
  selectionSetId: 1,
  imageCount: 43,
  ...extra,
});

describe('§8 "an invalid file gives findings and changed: false"', () => {
  // An unknown status is invalid-schema (§3): the file is invalid, so nothing rewrites it.
  const url = `https://${BUCKET}.s3.us-west-1.amazonaws.com/${PREFIX}style_1_vV1.safetensors`;
  const bogus = doc([
    { id: 'a', name: 'V1', parameters: { x: 1 }, loraUrl: url },
    { id: 'style_1_vV1', status: 'bogus' },
  ]);

  test('analyze reports the error; cleanup leaves the file as it is', () => {
    assert.ok(analyze(bogus, { styleId: '1' }).findings.some((f) => f.code === 'invalid-schema' && f.severity === 'error'));
    // Before: the merge copied status "bogus" onto the kept entry and upgraded the URL.
    assert.deepEqual(cleanup(bogus, { styleId: '1' }), { text: bogus, changed: false });
  });

  test('syncObjects leaves an invalid file as it is', () => {
    const r = syncObjects(bogus, [{ bucket: BUCKET, key: `${PREFIX}style_1_vV2.safetensors` }], { styleId: '1', now: NOW });
    assert.deepEqual(r, { text: bogus, changed: false });
  });

  test('a key written twice (readers disagree which wins): no function rewrites the file', () => {
    const twice = `{"versions":[{"id":"${JOB}-e1","id":"style_1_vV1","status":"training","loraUrl":"${url}"}]}`;
    assert.ok(analyze(twice).findings.some((f) => f.code === 'invalid-schema'));
    assert.deepEqual(cleanup(twice), { text: twice, changed: false });
    assert.deepEqual(syncObjects(twice, [{ bucket: BUCKET, key: `${PREFIX}style_1_vV1.safetensors` }], { styleId: '1', now: NOW }), {
      text: twice,
      changed: false,
    });
    const w = applyWebhook(twice, { id: `${JOB}-e1`, status: 'COMPLETED' }, { now: NOW });
    assert.equal(w.changed, false);
    assert.equal(w.text, twice);
    assert.equal(w.versionId, null);
    assert.equal(w.problem, 'invalid-file');
  });

  test('applyWebhook on a file with an unknown status: changed false, problem invalid-file', () => {
    const text = doc([{ id: `${JOB}-e1`, status: 'queued' }]);
    const r = applyWebhook(text, { id: `${JOB}-e1`, status: 'COMPLETED' }, { now: NOW });
    assert.deepEqual(
      { text: r.text, changed: r.changed, versionId: r.versionId, problem: r.problem },
      { text, changed: false, versionId: null, problem: 'invalid-file' },
    );
  });

  test('a valid file with unknown keys is not invalid: cleanup still merges', () => {
    const text = doc([
      { id: 'a', name: 'V1', parameters: { x: 1 }, custom: true },
      { id: 'style_1_vV1', loraUrl: accel(`${PREFIX}style_1_vV1.safetensors`) },
    ]);
    const r = cleanup(text, { styleId: '1' });
    assert.equal(r.changed, true);
    assert.equal(versionsOf(r.text).length, 1);
  });
});

describe('§5 / §2: an entry whose loraUrl names another object is never matched to this one', () => {
  const other = accel(`${PREFIX}old/style_1_vV7.safetensors`);
  const key = `${PREFIX}style_1_vV7.safetensors`;

  test('version name = label does not claim an entry of another object: the object becomes its own entry', () => {
    const text = doc([detailed({ loraUrl: other })]);
    const r = syncObjects(text, [{ bucket: BUCKET, key, lastModified: '2025-10-20T00:00:00.000Z' }], { styleId: '1', now: NOW });
    const vs = versionsOf(r.text);
    assert.deepEqual(vs[0], detailed({ loraUrl: other }), 'the entry of the other object is untouched');
    assert.deepEqual(vs[1], {
      id: 'style_1_vV7',
      name: 'style_1_vV7.safetensors',
      status: 'completed',
      loraUrl: accel(key),
      timestamp: '2025-10-20T00:00:00.000Z',
      lastSynced: NOW.toISOString(),
      parameters: {},
      description: 'Synced from S3',
    });
    // And the result holds no duplicate (§5: a sync never creates one).
    assert.ok(!analyze(r.text, { styleId: '1' }).findings.some((f) => f.code === 'duplicate-version'));
  });

  test('id = stem does not claim an entry of another object', () => {
    const entry = {
      id: 'style_1_vV7',
      name: 'style_1_vV7.safetensors',
      status: 'completed',
      loraUrl: other,
      parameters: {},
      description: 'Synced from S3',
    };
    const r = syncObjects(doc([entry]), [{ bucket: BUCKET, key }], { styleId: '1', now: NOW });
    const vs = versionsOf(r.text);
    assert.deepEqual(vs[0], entry);
    assert.equal(vs.length, 2);
    assert.equal(vs[1].loraUrl, accel(key));
  });

  test('runpod-job-id metadata does not claim an entry whose loraUrl names another object', () => {
    const text = doc([detailed({ loraUrl: other })]);
    const r = syncObjects(text, [{ bucket: BUCKET, key: `${PREFIX}style_1_vV8.safetensors`, metadata: { 'runpod-job-id': `${JOB}-e1` } }], {
      styleId: '1',
      now: NOW,
    });
    const vs = versionsOf(r.text);
    assert.deepEqual(vs[0], detailed({ loraUrl: other }));
    assert.equal(vs.length, 2);
  });

  test('same object, any spelling, still matches (regular URL upgraded; twice changes only lastSynced)', () => {
    const regular = `https://s3.us-west-1.amazonaws.com/${BUCKET}/${key}`;
    const r = syncObjects(doc([detailed({ loraUrl: regular })]), [{ bucket: BUCKET, key }], { styleId: '1', now: NOW });
    assert.deepEqual(versionsOf(r.text), [detailed({ loraUrl: accel(key), status: 'completed', lastSynced: NOW.toISOString() })]);
    const later = new Date('2025-11-02T00:00:00.000Z');
    const again = syncObjects(r.text, [{ bucket: BUCKET, key }], { styleId: '1', now: later });
    assert.deepEqual(versionsOf(again.text), [detailed({ loraUrl: accel(key), status: 'completed', lastSynced: later.toISOString() })]);
  });
});
