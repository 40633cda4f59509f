/** SPEC.md §2: which entries are the same model, and which one is kept. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDocument } from '../../src/core/document';
import { type LinkRule, findDuplicateGroups } from '../../src/core/duplicates';
import { styleIdOfFolder } from '../../src/core/identity';
import { versionsOf } from '../../src/core/versions';
import {
  BUCKET,
  JOB,
  PREFIX,
  type Entry,
  acceleratedModelUrl,
  detailed,
  file,
  minimal,
  modelKey,
  regularModelUrl,
  urlSpellings,
} from '../support/helpers';

function groups(entries: Entry[], styleId?: string) {
  return findDuplicateGroups(versionsOf(parseDocument(file(entries))), styleId);
}

/** Groups as lists of ids, winner first. */
function groupIds(entries: Entry[], styleId?: string): string[][] {
  return groups(entries, styleId).map((g) => g.members.map((m) => m.id ?? `#${m.index}`));
}

function rulesOf(entries: Entry[], styleId?: string): LinkRule[] {
  return groups(entries, styleId)
    .flatMap((g) => g.links.map((l) => l.rule))
    .sort();
}

/** A detailed entry whose name is no version label, so that only the link under test can apply. */
function plain(id: string, extra: Entry = {}): Entry {
  return detailed(id, `run ${id.slice(0, 4)}`, extra);
}

describe('rule 1: same object', () => {
  const key = modelKey(1, 'V7');
  const spellings = urlSpellings(BUCKET, key);
  for (const [spelling, url] of Object.entries(spellings)) {
    if (spelling === 'accelerated') continue;
    test(`accelerated vs ${spelling}`, () => {
      const entries = [plain(`${JOB.a}-e1`, { loraUrl: spellings.accelerated }), plain(`${JOB.b}-e1`, { loraUrl: url })];
      assert.deepEqual(groupIds(entries), [[`${JOB.a}-e1`, `${JOB.b}-e1`]]);
      assert.deepEqual(rulesOf(entries), ['same-object']);
    });
  }

  test('keys compared after URL-decoding', () => {
    const entries = [
      plain(`${JOB.a}-e1`, { loraUrl: `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}my%20model.safetensors` }),
      plain(`${JOB.b}-e1`, { loraUrl: `https://s3.us-west-1.amazonaws.com/${BUCKET}/${PREFIX}my model.safetensors` }),
    ];
    assert.deepEqual(rulesOf(entries), ['same-object']);
  });

  test('the message names the object', () => {
    const g = groups([
      plain(`${JOB.a}-e1`, { loraUrl: acceleratedModelUrl(1, 'V7') }),
      plain(`${JOB.b}-e1`, { loraUrl: regularModelUrl(1, 'V7') }),
    ]);
    assert.match(g[0].links[0].detail, /s3:\/\/storyboard-user-files\/actor_maker_user\/custom-styles-models\/style_1_vV7\.safetensors/);
  });
});

describe('rule 2: id is the file', () => {
  test('an id equal to the stem of the other loraUrl', () => {
    const entries = [
      plain(`${JOB.a}-e1`, { loraUrl: acceleratedModelUrl(1, 'V7') }),
      { id: 'style_1_vV7', name: 'copied', parameters: {} },
    ];
    assert.deepEqual(groupIds(entries), [[`${JOB.a}-e1`, 'style_1_vV7']]);
    assert.deepEqual(rulesOf(entries), ['id-is-file']);
  });

  test('the stem of any URL counts, not only S3', () => {
    const entries = [
      plain(`${JOB.a}-e1`, { loraUrl: 'https://cdn.example.com/models/style_1_vV7.safetensors' }),
      { id: 'style_1_vV7', name: 'x' },
    ];
    assert.deepEqual(rulesOf(entries), ['id-is-file']);
  });

  test('a stem differing in the label is no link', () => {
    const entries = [plain(`${JOB.a}-e1`, { loraUrl: acceleratedModelUrl(1, 'V70') }), { id: 'style_1_vV7', name: 'x' }];
    assert.deepEqual(groupIds(entries), []);
  });
});

describe('rule 3: version name is the file', () => {
  const v4 = () => detailed(`${JOB.a}-e2`, 'V4', { status: 'training', completedAt: undefined });
  test('V4 vs style_59_vV4.safetensors in folder 59', () => {
    const entries = [v4(), minimal(59, 'V4')];
    assert.deepEqual(groupIds(entries, '59'), [[`${JOB.a}-e2`, 'style_59_vV4']]);
    assert.deepEqual(rulesOf(entries, '59'), ['version-name-is-file']);
  });

  for (const name of ['v4', '4', 'V4']) {
    test(`name "${name}" is the version V4`, () => {
      assert.equal(groupIds([detailed(`${JOB.a}-e1`, name), minimal(59, 'V4')], '59').length, 1);
    });
  }

  test('file labels are normalised: style_59_v4 and style_59_vv4 are V4', () => {
    assert.equal(groupIds([v4(), minimal(59, '4')], '59').length, 1);
    assert.equal(groupIds([v4(), minimal(59, 'v4')], '59').length, 1);
  });

  test("the file may come from the other entry's id or name when it has no loraUrl", () => {
    assert.equal(groupIds([v4(), { id: 'style_59_vV4', name: 'style_59_vV4.safetensors', parameters: {} }], '59').length, 1);
    assert.equal(groupIds([v4(), { id: 'sync-1', name: 'style_59_vV4.safetensors', parameters: {} }], '59').length, 1);
  });

  test('an entry\'s file from its id or name as a stem or a file name ("name": "style_164_vV1" counts)', () => {
    const v1 = () => detailed(`${JOB.a}-e1`, 'V1', { status: 'training', completedAt: undefined });
    // name a stem, id neither
    assert.deepEqual(rulesOf([v1(), { id: 'sync-1', name: 'style_164_vV1', parameters: {} }], '164'), ['version-name-is-file']);
    // id a file name, name neither
    assert.deepEqual(rulesOf([v1(), { id: 'style_164_vV1.safetensors', name: 'from S3', parameters: {} }], '164'), [
      'version-name-is-file',
    ]);
    // neither names a file of that label: no link
    assert.deepEqual(groupIds([v1(), { id: 'style_164_vV2.safetensors', name: 'style_164_vV2', parameters: {} }], '164'), []);
  });

  test('a file name is never a version name', () => {
    // Both are S3 entries of different labels: the name "style_59_vV4.safetensors" is not "V4".
    assert.deepEqual(groupIds([minimal(59, 'V4'), minimal(59, 'V5')], '59'), []);
  });

  test('skipped for a folder without a style id', () => {
    assert.deepEqual(groupIds([v4(), minimal(59, 'V4')], undefined), []);
  });

  test("skipped when the file's style id is not the folder's", () => {
    assert.deepEqual(groupIds([v4(), minimal(58, 'V4')], '59'), []);
    assert.deepEqual(groupIds([v4(), minimal(590, 'V4')], '59'), []);
  });

  test('style ids compare as numbers: folder 059 is style 59', () => {
    assert.equal(groupIds([v4(), minimal(59, 'V4')], styleIdOfFolder('059_comic')).length, 1);
    assert.equal(groupIds([v4(), minimal('059', 'V4')], styleIdOfFolder('59_comic')).length, 1);
  });
});

describe('rule 4: same job', () => {
  test('-e1 and -e2 are attempts of one job', () => {
    const entries = [detailed(`${JOB.c}-e1`, 'V2', { status: 'failed' }), detailed(`${JOB.c}-e2`, 'V3')];
    assert.equal(groupIds(entries).length, 1);
    assert.deepEqual(rulesOf(entries), ['same-job']);
  });

  test('-u1 and the bare base id', () => {
    assert.deepEqual(rulesOf([plain(`${JOB.c}-u1`), plain(JOB.c)]), ['same-job']);
  });

  test('two entries with the very same id', () => {
    assert.deepEqual(rulesOf([plain(`${JOB.c}-e1`), plain(`${JOB.c}-e1`)]), ['same-job']);
  });

  test('attempts that name two different S3 objects are two models (no file is dropped)', () => {
    const entries = [
      plain(`${JOB.c}-e1`, { loraUrl: acceleratedModelUrl(3, 'V2') }),
      plain(`${JOB.c}-e2`, { loraUrl: acceleratedModelUrl(3, 'V3') }),
    ];
    assert.deepEqual(groupIds(entries), []);
    // An attempt without a file still joins the job, but only one of its objects:
    // a group never holds two different S3 objects (§2).
    const groups = groupIds([...entries, plain(`${JOB.c}-e3`, { loraUrl: undefined })]);
    assert.equal(groups.length, 1);
    assert.equal(groups[0].length, 2);
    assert.ok(groups[0].includes(`${JOB.c}-e3`));
  });

  test('no chain of links puts two objects in one group', () => {
    // V2's file under two keys; a bare entry named V2 would link both by rule 3.
    const other = `https://${BUCKET}.s3-accelerate.amazonaws.com/elsewhere/style_3_vV2.safetensors`;
    const entries = [
      plain(`${JOB.c}-e1`, { name: 'x', loraUrl: acceleratedModelUrl(3, 'V2') }),
      plain(`${JOB.d}-e1`, { name: 'y', loraUrl: other }),
      plain('5f0e9d8c-7b6a-4d3c-8b2a-190f8e7d6c5b-e1', { name: 'V2', loraUrl: undefined }),
    ];
    const gs = groups(entries, '3');
    assert.equal(gs.length, 1);
    for (const g of gs) assert.equal(new Set(g.members.map((m) => m.objectKey).filter(Boolean)).size, 1);
  });

  test('different jobs are not linked', () => {
    assert.deepEqual(groupIds([plain(`${JOB.c}-e1`), plain(`${JOB.d}-e1`)]), []);
  });
});

describe('near-misses: not duplicates', () => {
  test('V7 vs style_1_vV70', () => {
    assert.deepEqual(groupIds([detailed(`${JOB.a}-e1`, 'V7'), minimal(1, 'V70')], '1'), []);
  });

  test('style_1_vV7 vs style_11_vV7', () => {
    assert.deepEqual(groupIds([minimal(1, 'V7'), minimal(11, 'V7')], '1'), []);
    assert.deepEqual(groupIds([detailed(`${JOB.a}-e1`, 'V7'), minimal(11, 'V7')], '1'), []);
  });

  test('two files of one label (style_1_v7, style_1_vV7) are two objects', () => {
    assert.deepEqual(groupIds([minimal(1, '7'), minimal(1, 'V7')], '1'), []);
    // Each is still found by its own spellings and its own id.
    const entries = [
      minimal(1, '7'),
      minimal(1, 'V7'),
      minimal(1, 'V7', { id: 'copy', loraUrl: acceleratedModelUrl(1, 'V7') }),
      { id: 'style_1_v7', name: 'x' },
    ];
    assert.deepEqual(
      groupIds(entries, '1').map((g) => g.sort()),
      [
        ['style_1_v7', 'style_1_v7'],
        ['copy', 'style_1_vV7'],
      ],
    );
  });

  test('entries that share only a name', () => {
    assert.deepEqual(groupIds([detailed(`${JOB.a}-e1`, 'V7'), detailed(`${JOB.b}-e1`, 'V7')], '1'), []);
  });

  test('entries that share only parameters and timestamp', () => {
    const same = { parameters: { network_dim: 16 }, timestamp: '2025-10-12T08:14:00.884Z' };
    assert.deepEqual(groupIds([detailed(`${JOB.a}-e1`, 'V1', same), detailed(`${JOB.b}-e1`, 'V2', same)], '1'), []);
  });

  test('the same file name under two different keys', () => {
    const entries = [
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
      detailed(`${JOB.b}-e1`, 'V7', { loraUrl: `https://${BUCKET}.s3-accelerate.amazonaws.com/archive/style_1_vV7.safetensors` }),
    ];
    assert.deepEqual(groupIds(entries, '1'), []);
  });

  test('the same file name in two different buckets', () => {
    const entries = [
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
      detailed(`${JOB.b}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7', 'other-team-models') }),
    ];
    assert.deepEqual(groupIds(entries, '1'), []);
    // Without names the same holds for the bare rule-1 comparison.
    assert.deepEqual(
      groupIds([
        plain(`${JOB.a}-e1`, { loraUrl: acceleratedModelUrl(1, 'V7') }),
        plain(`${JOB.b}-e1`, { loraUrl: acceleratedModelUrl(1, 'V7', 'other-team-models') }),
      ]),
      [],
    );
  });

  test('an S3 entry of the same file name in another bucket', () => {
    const entries = [
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
      minimal(1, 'V7', { loraUrl: regularModelUrl(1, 'V7', 'other-team-models') }),
    ];
    assert.deepEqual(groupIds(entries, '1'), []);
  });
});

describe('transitive closure', () => {
  test('A~B by rule 4, B~C by rule 1 → one group', () => {
    const entries = [
      detailed(`${JOB.c}-e1`, 'first try', { status: 'failed', completedAt: undefined }),
      plain(`${JOB.c}-e2`, { loraUrl: acceleratedModelUrl(3, 'V2') }),
      plain(`${JOB.d}-e1`, { loraUrl: regularModelUrl(3, 'V2') }),
      plain('unrelated-1'),
    ];
    assert.deepEqual(
      groupIds(entries).map((g) => g.sort()),
      [[`${JOB.c}-e1`, `${JOB.c}-e2`, `${JOB.d}-e1`].sort()],
    );
    assert.deepEqual(rulesOf(entries), ['same-job', 'same-object']);
  });

  test('A~B by rule 2, B~C by rule 3 → one group', () => {
    const entries = [
      { id: 'style_5_vV2', name: 'copy', parameters: {} },
      plain(`${JOB.a}-e1`, { loraUrl: acceleratedModelUrl(5, 'V2') }),
      detailed(`${JOB.b}-e1`, 'V2'),
    ];
    assert.equal(groupIds(entries, '5')[0].length, 3);
    assert.deepEqual(rulesOf(entries, '5'), ['id-is-file', 'version-name-is-file']);
  });

  test('two separate groups stay separate', () => {
    const entries = [detailed(`${JOB.a}-e1`, 'V1'), minimal(1, 'V1'), detailed(`${JOB.b}-e1`, 'V2'), minimal(1, 'V2')];
    assert.deepEqual(groupIds(entries, '1'), [
      [`${JOB.a}-e1`, 'style_1_vV1'],
      [`${JOB.b}-e1`, 'style_1_vV2'],
    ]);
  });
});

describe('winner order', () => {
  const url = acceleratedModelUrl(1, 'V7');
  const bare = (id: string, extra: Entry) => ({ id, name: 'x', loraUrl: url, ...extra });

  test('non-empty parameters first', () => {
    const entries = [
      bare('a', { parameters: {}, completedAt: '2025-10-12T08:00:00Z', timestamp: '2025-10-13T00:00:00Z' }),
      bare('b', { parameters: { network_dim: 8 }, timestamp: '2025-10-01T00:00:00Z' }),
    ];
    assert.equal(groups(entries)[0].winner.id, 'b');
  });

  test('then has completedAt', () => {
    const entries = [
      bare('a', { parameters: { d: 1 }, timestamp: '2025-10-13T00:00:00Z' }),
      bare('b', { parameters: { d: 1 }, completedAt: '2025-10-02T00:00:00Z', timestamp: '2025-10-01T00:00:00Z' }),
    ];
    assert.equal(groups(entries)[0].winner.id, 'b');
  });

  test('then the newest timestamp (time zones compared as instants)', () => {
    const entries = [
      bare('a', { timestamp: '2025-10-12T08:41:02+00:00' }),
      bare('b', { timestamp: '2025-10-12T10:00:00+02:00' }),
      bare('c', { timestamp: '2025-10-12T08:41:03Z' }),
    ];
    assert.deepEqual(groupIds(entries), [['c', 'a', 'b']]);
  });

  test('a missing or unparsable timestamp is oldest', () => {
    const entries = [bare('a', {}), bare('b', { timestamp: 'yesterday' }), bare('c', { timestamp: '2020-01-01T00:00:00Z' })];
    assert.equal(groups(entries)[0].winner.id, 'c');
  });

  test('then the earliest in the file', () => {
    const entries = [bare('a', { timestamp: '2025-10-12T00:00:00Z' }), bare('b', { timestamp: '2025-10-12T00:00:00Z' })];
    assert.equal(groups(entries)[0].winner.id, 'a');
    assert.deepEqual(groupIds([entries[1], entries[0]]), [['b', 'a']]);
  });

  test('parameters {} or missing count as empty; an empty completedAt does not count', () => {
    const entries = [
      bare('a', { parameters: {}, completedAt: '', timestamp: '2025-10-13T00:00:00Z' }),
      bare('b', { completedAt: '2025-10-02T00:00:00Z', timestamp: '2025-10-01T00:00:00Z' }),
    ];
    assert.equal(groups(entries)[0].winner.id, 'b');
  });
});
