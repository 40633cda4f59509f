/** SPEC.md §2: what the kept entry of a duplicate group holds after the merge. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../src/core/edits';
import { analyze, fixFor } from '../../src/core/findings';
import {
  JOB,
  type Entry,
  acceleratedModelUrl,
  assertOnlyEditsChanged,
  assertParses,
  detailed,
  file,
  findingsOf,
  fixAll,
  minimal,
  regularModelUrl,
  urlSpellings,
  BUCKET,
  modelKey,
  versionsOfText,
} from '../support/helpers';

/** Applies the merge fix of the (single) duplicate group; returns the resulting versions. */
function merged(entries: Entry[], styleId?: string): Entry[] {
  const text = file(entries);
  const a = analyze(text, { now: Date.now(), styleId, preferAcceleratedUrls: false });
  const dups = findingsOf(a, 'duplicate-version');
  assert.ok(dups.length > 0, 'the entries must form a duplicate group');
  assert.equal(a.groups.length, 1, 'one group');
  const edits = fixFor(a, dups[0])!;
  const out = applyEdits(text, edits);
  assertParses(out);
  assertOnlyEditsChanged(text, out, edits);
  return versionsOfText(out);
}

const url7 = acceleratedModelUrl(1, 'V7');

describe('fill what the winner lacks', () => {
  test('missing, null, "" and {} are filled; present values are kept', () => {
    const winner = detailed(`${JOB.a}-e2`, '', {
      timestamp: '2025-10-13T00:00:00Z',
      selectionSetId: null,
      imageCount: undefined,
      notes: {},
      loraUrl: url7,
      trainer: 'carol',
    });
    const other = detailed(`${JOB.a}-e1`, 'V7', {
      timestamp: '2025-10-12T00:00:00Z',
      completedAt: undefined,
      selectionSetId: 4,
      imageCount: 51,
      notes: { seed: 42 },
      parameters: { network_dim: 99 },
      trainer: 'dave',
    });
    const [m] = merged([winner, other], '1');
    assert.equal(m.id, `${JOB.a}-e2`);
    assert.equal(m.name, 'V7');
    assert.equal(m.selectionSetId, 4);
    assert.equal(m.imageCount, 51);
    assert.deepEqual(m.notes, { seed: 42 });
    // The winner's own values win.
    assert.deepEqual(m.parameters, winner.parameters);
    assert.equal(m.timestamp, '2025-10-13T00:00:00Z');
    assert.equal(m.trainer, 'carol');
  });

  test('from the other members in priority order, not file order', () => {
    const w = detailed(`${JOB.a}-e3`, 'V7', { loraUrl: url7, timestamp: '2025-10-14T00:00:00Z' });
    // Later in the file but higher priority (has completedAt, newer).
    const low = { id: `${JOB.a}-e1`, name: 'V7', timestamp: '2025-10-01T00:00:00Z', trainer: 'low', parameters: {} };
    const high = {
      id: `${JOB.a}-e2`,
      name: 'V7',
      timestamp: '2025-10-02T00:00:00Z',
      completedAt: '2025-10-02T01:00:00Z',
      trainer: 'high',
      parameters: {},
    };
    const [m] = merged([low, w, high], '1');
    assert.equal(m.id, w.id);
    assert.equal(m.trainer, 'high');
  });

  test('unknown keys are preserved and filled too', () => {
    const [m] = merged(
      [detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7 }), minimal(1, 'V7', { x_custom: [1, 2], nested: { a: null } })],
      '1',
    );
    assert.deepEqual(m.x_custom, [1, 2]);
    assert.deepEqual(m.nested, { a: null });
  });

  test('keys named like Object.prototype members are filled like any other', () => {
    const member = JSON.parse(
      '{"id": "style_1_vV7", "parameters": {}, "hasOwnProperty": 3, "toString": "t", "constructor": {"a": 1}, "__proto__": {"b": 2}}',
    ) as Entry;
    const [m] = merged([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7 }), { ...member, loraUrl: regularModelUrl(1, 'V7') }], '1');
    assert.equal(Object.prototype.hasOwnProperty.call(m, 'hasOwnProperty') && m.hasOwnProperty, 3);
    assert.equal(Object.prototype.hasOwnProperty.call(m, 'toString') && m.toString, 't');
    assert.deepEqual(Object.prototype.hasOwnProperty.call(m, 'constructor') && m.constructor, { a: 1 });
    assert.deepEqual(Object.getOwnPropertyDescriptor(m, '__proto__')?.value, { b: 2 });
  });

  test("parameters are never replaced by a member's", () => {
    const [m] = merged(
      [
        detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7, parameters: { network_dim: 16 } }),
        detailed(`${JOB.a}-e2`, 'V7', { parameters: { network_dim: 32, extra: 1 }, completedAt: undefined }),
      ],
      '1',
    );
    assert.deepEqual(m.parameters, { network_dim: 16 });
  });
});

describe('description "Synced from S3"', () => {
  test('never carried onto a detailed entry', () => {
    const [m] = merged([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7 }), minimal(1, 'V7')], '1');
    assert.equal('description' in m, false);
  });

  test('never carried even when the detailed entry only has imageCount', () => {
    const d = { id: `${JOB.a}-e1`, name: 'V7', imageCount: 40, status: 'completed', completedAt: '2025-10-12T08:41:05.201Z' };
    const [m] = merged([d, minimal(1, 'V7')], '1');
    assert.equal(m.description, undefined);
  });

  test('another description is carried', () => {
    const [m] = merged([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7 }), minimal(1, 'V7', { description: 'the good one' })], '1');
    assert.equal(m.description, 'the good one');
  });

  test('kept between two minimal entries', () => {
    const a = minimal(1, 'V7', { loraUrl: url7, description: undefined, timestamp: '2025-10-13T00:00:00Z' });
    const b = minimal(1, 'V7', { id: 'sync-copy', timestamp: '2025-10-01T00:00:00Z' });
    const [m] = merged([a, b], '1');
    assert.equal(m.id, 'style_1_vV7');
    assert.equal(m.description, 'Synced from S3');
  });
});

describe("a failed attempt's error and failedAt", () => {
  const failed = (extra: Entry = {}) =>
    detailed(`${JOB.c}-e1`, 'V2', {
      status: 'failed',
      completedAt: undefined,
      failedAt: '2025-10-13T10:09:12.001Z',
      error: 'CUDA out of memory',
      timestamp: '2025-10-13T10:02:44.310Z',
      ...extra,
    });

  test('never carried onto an entry that is completed', () => {
    const ok = detailed(`${JOB.c}-e2`, 'V2', { timestamp: '2025-10-13T10:11:05.877Z', loraUrl: acceleratedModelUrl(3, 'V2') });
    const [m] = merged([failed(), ok], '3');
    assert.equal(m.id, ok.id);
    assert.equal(m.status, 'completed');
    assert.equal('error' in m, false);
    assert.equal('failedAt' in m, false);
  });

  test('never carried onto a winner that ends up completed through another member', () => {
    // The winner is still "training"; an S3 entry proves the model exists.
    const training = detailed(`${JOB.c}-e2`, 'V2', { status: 'training', completedAt: undefined, timestamp: '2025-10-13T10:11:05.877Z' });
    const [m] = merged([failed(), training, minimal(3, 'V2')], '3');
    assert.equal(m.id, training.id);
    assert.equal(m.status, 'completed');
    assert.equal(m.error, undefined);
    assert.equal(m.failedAt, undefined);
  });

  test('a failed winner that the merge makes completed loses its own error and failedAt', () => {
    // The failed attempt has the parameters, so it is kept; the S3 entry proves the model exists.
    const [m] = merged([failed({ loraUrl: undefined }), minimal(3, 'V2', { loraUrl: acceleratedModelUrl(3, 'V2') })], '3');
    assert.equal(m.id, `${JOB.c}-e1`);
    assert.equal(m.status, 'completed');
    assert.equal('error' in m, false);
    assert.equal('failedAt' in m, false);
    assert.equal(m.loraUrl, acceleratedModelUrl(3, 'V2'));
  });

  test('carried when the merged entry is not completed', () => {
    const retry = detailed(`${JOB.c}-e2`, 'V2', { status: 'failed', completedAt: undefined, timestamp: '2025-10-13T10:11:05.877Z' });
    const [m] = merged([failed(), retry], '3');
    assert.equal(m.id, retry.id);
    assert.equal(m.status, 'failed');
    assert.equal(m.error, 'CUDA out of memory');
    assert.equal(m.failedAt, '2025-10-13T10:09:12.001Z');
  });
});

describe('loraUrl', () => {
  const key = modelKey(1, 'V7');
  const spell = urlSpellings(BUCKET, key);

  test('the accelerated one if any member has it', () => {
    const w = detailed(`${JOB.a}-e1`, 'V7', { loraUrl: spell.pathStyle });
    for (const fast of [spell.accelerated, spell.acceleratedDualStack]) {
      const [m] = merged([w, minimal(1, 'V7', { loraUrl: fast })], '1');
      assert.equal(m.loraUrl, fast);
    }
  });

  test("never replaces the winner's accelerated URL", () => {
    const [m] = merged(
      [minimal(1, 'V7', { loraUrl: spell.global }), detailed(`${JOB.a}-e1`, 'V7', { loraUrl: spell.acceleratedDualStack })],
      '1',
    );
    assert.equal(m.loraUrl, spell.acceleratedDualStack);
  });

  test("else the winner's", () => {
    const [m] = merged(
      [detailed(`${JOB.a}-e1`, 'V7', { loraUrl: spell.virtualHostedDash }), minimal(1, 'V7', { loraUrl: spell.dualStack })],
      '1',
    );
    assert.equal(m.loraUrl, spell.virtualHostedDash);
  });

  test('else any', () => {
    const [m] = merged([detailed(`${JOB.a}-e1`, 'V7'), minimal(1, 'V7', { loraUrl: spell.global })], '1');
    assert.equal(m.loraUrl, spell.global);
  });

  test("a winner whose loraUrl names no S3 object takes the group's object: the clean-up is final (§3)", () => {
    // The winner's loraUrl is a bare key, or a URL of another host: only the S3 sync's copy names the
    // object. An entry of another object, with the winner's version name, is kept apart by that object;
    // if the merged entry named no object, the next analysis would link it to the merged entry.
    const other = urlSpellings(BUCKET, `${key.slice(0, key.lastIndexOf('/'))}/previews/v7.safetensors`).accelerated;
    for (const own of [key, `https://cdn.example.com/models/style_1_vV7.safetensors`]) {
      const w = { ...minimal(1, 'V7', { loraUrl: own }), parameters: { network_dim: 16 }, completedAt: '2025-10-12T08:41:05Z' };
      const entries = [detailed(`${JOB.b}-e1`, 'V7', { loraUrl: other }), w, minimal(1, 'V7', { loraUrl: spell.virtualHostedRegion })];
      const text = file(entries);
      const first = fixAll(text, { styleId: '1', preferAcceleratedUrls: false });
      assert.deepEqual(
        first.analysis.groups.map((g) => g.members.map((m) => m.index)),
        [[1, 2]],
        `${own}: the other object's entry is not in the group`,
      );
      const out = versionsOfText(first.text);
      assert.equal(out.length, 2);
      assert.equal(out[1].loraUrl, spell.virtualHostedRegion, `${own}: the kept entry names the group's object`);
      assert.equal(out[0].loraUrl, other);
      const again = analyze(first.text, { now: Date.now(), styleId: '1', preferAcceleratedUrls: false });
      assert.deepEqual(findingsOf(again, 'duplicate-version'), [], `${own}: no duplicate after the clean-up`);
    }
  });
});

describe('status and completedAt', () => {
  test('completed if any member is completed; completedAt follows that member', () => {
    const w = detailed(`${JOB.a}-e2`, 'V4', { status: 'training', completedAt: undefined, timestamp: '2025-10-14T08:00:12.000Z' });
    // Higher priority than `done` (newer) but it did not supply "completed".
    const odd = {
      id: 'style_59_v4',
      name: 'style_59_v4.safetensors',
      parameters: {},
      status: 'failed',
      completedAt: '2025-10-15T00:00:00Z',
      timestamp: '2025-10-15T00:00:00Z',
    };
    const done = {
      id: 'style_59_vV4',
      name: 'style_59_vV4.safetensors',
      parameters: {},
      status: 'completed',
      completedAt: '2025-10-14T09:02:31Z',
      timestamp: '2025-10-14T09:02:31Z',
    };
    const [m] = merged([w, odd, done], '59');
    assert.equal(m.id, w.id);
    assert.equal(m.status, 'completed');
    assert.equal(m.completedAt, '2025-10-14T09:02:31Z');
  });

  test("the winner's completedAt stays when the winner is completed", () => {
    const [m] = merged([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7 }), minimal(1, 'V7', { completedAt: '2030-01-01T00:00:00Z' })], '1');
    assert.equal(m.completedAt, '2025-10-12T08:41:05.201Z');
  });

  test('the S3 example: a training winner with a completed S3 copy (examples/59_comic_halftone)', () => {
    const w = detailed(`${JOB.a}-e2`, 'V4', { status: 'training', completedAt: undefined });
    const s3 = minimal(59, 'V4', { loraUrl: acceleratedModelUrl(59, 'V4') });
    const [m, ...rest] = merged([w, s3], '59');
    assert.equal(rest.length, 0);
    assert.equal(m.status, 'completed');
    assert.equal(m.loraUrl, s3.loraUrl);
    assert.equal(m.lastSynced, s3.lastSynced);
    assert.equal(m.name, 'V4');
    assert.equal(m.description, undefined);
    assert.deepEqual(m.parameters, w.parameters);
  });

  test("otherwise the winner's status", () => {
    const w = detailed(`${JOB.a}-e2`, 'V4', { status: 'training', completedAt: undefined, timestamp: '2025-10-14T00:00:00Z' });
    const f = detailed(`${JOB.a}-e1`, 'V4', { status: 'failed', completedAt: undefined, timestamp: '2025-10-13T00:00:00Z' });
    const [m] = merged([f, w], '59');
    assert.equal(m.id, w.id);
    assert.equal(m.status, 'training');
  });
});

describe('lastSynced', () => {
  const ls = (t: string | undefined) => ({ lastSynced: t });
  test("the latest of the members'", () => {
    const [m] = merged(
      [
        detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7, ...ls('2025-10-12T09:00:00Z') }),
        minimal(1, 'V7', ls('2025-10-13T09:00:00Z')),
        minimal(1, 'V7', { id: 'x', ...ls('2025-10-11T09:00:00Z') }),
      ],
      '1',
    );
    assert.equal(m.lastSynced, '2025-10-13T09:00:00Z');
  });

  test("the winner's when it is the latest (compared as instants)", () => {
    const [m] = merged(
      [detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7, ...ls('2025-10-13T10:00:00+02:00') }), minimal(1, 'V7', ls('2025-10-13T07:59:59Z'))],
      '1',
    );
    assert.equal(m.lastSynced, '2025-10-13T10:00:00+02:00');
  });
});

describe('the rest of the file', () => {
  test('other members are removed, the winner stays in its place, nothing else changes', () => {
    const before = detailed(`${JOB.d}-e1`, 'V1', { loraUrl: acceleratedModelUrl(1, 'V1') });
    const s3 = minimal(1, 'V7');
    const after = detailed(`${JOB.b}-e1`, 'V6', { loraUrl: acceleratedModelUrl(1, 'V6') });
    const w = detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7 });
    const out = merged([before, s3, after, w], '1');
    assert.deepEqual(
      out.map((v) => v.id),
      [before.id, after.id, w.id],
    );
    assert.deepEqual(out[0], before);
    assert.deepEqual(out[1], after);
  });

  test('the kept entry gains only the merged fields; top-level keys stay', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7 }), minimal(1, 'V7')]).replace(
      '{\n  "versions"',
      '{\n  "updatedBy": "webhook-handler",\n  "versions"',
    );
    const { text: out } = fixAll(text, { now: Date.now(), styleId: '1' });
    const root = JSON.parse(out) as Record<string, unknown>;
    assert.equal(root.updatedBy, 'webhook-handler');
    const [m] = root.versions as Entry[];
    assert.deepEqual(Object.keys(m), [...Object.keys(detailed('x', 'y', { loraUrl: url7 })), 'lastSynced']);
  });

  test("a group of three, fixed from any member's finding, gives the same text", () => {
    const entries = [
      minimal(1, 'V7'),
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url7 }),
      { id: `${JOB.a}-e2`, name: 'V7', status: 'pending', parameters: {} },
    ];
    const text = file(entries);
    const a = analyze(text, { now: Date.now(), styleId: '1' });
    const dups = findingsOf(a, 'duplicate-version');
    assert.equal(dups.length, 2);
    const outs = dups.map((d) => applyEdits(text, fixFor(a, d)!));
    assert.equal(outs[0], outs[1]);
    assert.deepEqual(
      versionsOfText(outs[0]).map((v) => v.id),
      [`${JOB.a}-e1`],
    );
  });

  test('with the regular URL of the example, the merge in fix-all also upgrades (no downgrade ever)', () => {
    const { text } = fixAll(file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: regularModelUrl(1, 'V7') }), minimal(1, 'V7')]), {
      now: Date.now(),
      styleId: '1',
    });
    assert.equal(versionsOfText(text)[0].loraUrl, url7);
  });
});
