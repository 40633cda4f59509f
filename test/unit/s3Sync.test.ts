/**
 * The S3 sync plan (SPEC.md §5) as a pure function: matching order, what a
 * match changes, the minimal entry, no duplicates ever, layout kept byte for byte.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../src/core/findings';
import { planSync, type S3ObjectInfo, type SyncPlanOptions, type SyncTarget } from '../../src/core/s3Sync';
import { metadataJobId } from '../../src/core/s3Metadata';
import {
  acceleratedUrl,
  encodeKeyPath,
  endpointObjectIdentity,
  isPresigned,
  objectIdentity as urlIdentity,
  objectUrl,
  parseS3Url,
  urlFileName,
  usesPathStyle,
} from '../../src/core/s3Url';
import { objectIdentity } from '../../src/core/s3Url';
import {
  BUCKET,
  JOB,
  PREFIX,
  REGION,
  acceleratedModelUrl,
  assertEol,
  assertOnlyEditsChanged,
  assertParses,
  detailed,
  file,
  minimal,
  modelKey,
  regularModelUrl,
  render,
  versionsOfText,
} from '../support/helpers';

const NOW = '2025-11-01T12:00:00.000Z';
const LATER = '2025-11-02T12:00:00.000Z';
const MODIFIED = new Date('2025-10-20T10:00:00.000Z');
const OPTIONS: SyncPlanOptions = { bucket: BUCKET, region: REGION, preferAcceleratedUrls: true, now: NOW };

function target(text: string, styleId: string | undefined, path = `/ws/${styleId ?? 'misc'}_style/training_versions.json`): SyncTarget {
  return { path, analysis: analyze(text, { now: Date.now(), styleId }) };
}

function obj(styleId: string | number, label: string, extra: Partial<S3ObjectInfo> = {}): S3ObjectInfo {
  return { key: modelKey(styleId, label), lastModified: MODIFIED, size: 1024, ...extra };
}

function plan1(text: string, styleId: string, objects: S3ObjectInfo[], options: Partial<SyncPlanOptions> = {}) {
  const plan = planSync(objects, [target(text, styleId)], { ...OPTIONS, ...options });
  return { plan, file: plan.files[0], text: plan.files[0].newText };
}

describe('S3 sync: what a match changes', () => {
  test('an accelerated URL is kept; only lastSynced changes on a completed entry', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') })]);
    const { file: f, text: out } = plan1(text, '1', [obj(1, 'V7')], { preferAcceleratedUrls: false });
    assert.equal(f.updates.length, 1);
    assert.equal(f.updates[0].rule, 'same-object');
    assert.deepEqual(f.updates[0].changes, [{ field: 'lastSynced', from: undefined, to: NOW }]);
    assert.equal(versionsOfText(out)[0].loraUrl, acceleratedModelUrl(1, 'V7'));
  });

  test('a regular URL of the same object is upgraded to accelerated when preferred, left alone otherwise', () => {
    const text = file([detailed(`${JOB.b}-e1`, 'V6', { loraUrl: regularModelUrl(1, 'V6') })]);
    const up = plan1(text, '1', [obj(1, 'V6')]);
    assert.deepEqual(
      up.file.updates[0].changes.find((c) => c.field === 'loraUrl'),
      { field: 'loraUrl', from: regularModelUrl(1, 'V6'), to: acceleratedModelUrl(1, 'V6') },
    );
    assert.equal(versionsOfText(up.text)[0].loraUrl, acceleratedModelUrl(1, 'V6'));
    const keep = plan1(text, '1', [obj(1, 'V6')], { preferAcceleratedUrls: false });
    assert.equal(
      keep.file.updates[0].changes.some((c) => c.field === 'loraUrl'),
      false,
    );
    assert.equal(versionsOfText(keep.text)[0].loraUrl, regularModelUrl(1, 'V6'));
  });

  test('a matched entry gets status completed, loraUrl when missing, lastSynced, and keeps every other field', () => {
    const before = detailed(`${JOB.c}-e2`, 'V4', { status: 'training', completedAt: undefined, custom: { keep: [1, 2] } });
    const text = file([before]);
    const { file: f, text: out } = plan1(text, '59', [obj(59, 'V4')]);
    assert.equal(f.updates[0].rule, 'version-name');
    assert.deepEqual(
      f.updates[0].changes.map((c) => c.field),
      ['loraUrl', 'status', 'lastSynced'],
    );
    const after = versionsOfText(out)[0];
    assert.deepEqual(after, {
      ...JSON.parse(JSON.stringify(before)),
      loraUrl: acceleratedModelUrl(59, 'V4'),
      status: 'completed',
      lastSynced: NOW,
    });
    assertOnlyEditsChanged(text, out, f.edits);
  });

  test('a dotted bucket gets the regular virtual-hosted URL with its region (no accelerated form exists)', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { status: 'pending' })]);
    const { text: out } = plan1(text, '1', [obj(1, 'V7')], { bucket: 'models.example.com', region: 'eu-central-1' });
    assert.equal(versionsOfText(out)[0].loraUrl, `https://models.example.com.s3.eu-central-1.amazonaws.com/${modelKey(1, 'V7')}`);
  });
});

describe('S3 sync: match order', () => {
  test('"V4" matches style_59_vV4.safetensors in style 59, never in style 5', () => {
    const v4 = (id: string) => file([detailed(id, 'V4', { status: 'training', completedAt: undefined })]);
    const plan = planSync([obj(59, 'V4')], [target(v4(`${JOB.a}-e1`), '5'), target(v4(`${JOB.b}-e1`), '59')], OPTIONS);
    const [five, fiftyNine] = plan.files;
    assert.equal(five.changed, false);
    assert.equal(five.updates.length + five.additions.length, 0);
    assert.equal(fiftyNine.updates.length, 1);
    assert.equal(fiftyNine.updates[0].id, `${JOB.b}-e1`);
    assert.equal(fiftyNine.updates[0].rule, 'version-name');
  });

  test('an id equal to the file stem matches', () => {
    const text = file([
      { id: 'style_12_vV2', name: 'style_12_vV2.safetensors', status: 'completed', parameters: {}, description: 'Synced from S3' },
    ]);
    const { file: f, text: out } = plan1(text, '12', [obj(12, 'V2')]);
    assert.equal(f.updates[0].rule, 'id-is-stem');
    assert.equal(f.additions.length, 0);
    assert.equal(versionsOfText(out)[0].loraUrl, acceleratedModelUrl(12, 'V2'));
  });

  test('runpod-job-id metadata (the base id) matches the entry stored with -e2, only when metadata reading is on', () => {
    const text = file([detailed(`${JOB.c}-e2`, 'Retry', { status: 'training', completedAt: undefined })]);
    const o = obj(3, 'V2', { metadata: { 'runpod-job-id': JOB.c } });
    const on = plan1(text, '3', [o], { readMetadata: true });
    assert.equal(on.file.updates.length, 1);
    assert.equal(on.file.updates[0].rule, 'job-id');
    assert.match(on.file.updates[0].reason, new RegExp(JOB.c));
    assert.equal(on.file.additions.length, 0);
    const off = plan1(text, '3', [o], { readMetadata: false });
    assert.equal(off.file.updates.length, 0);
    assert.equal(off.file.additions.length, 1);
  });

  test('runpod_job_id (underscore, any case) with a full -e1 id matches too', () => {
    const text = file([detailed(`${JOB.d}-e1`, 'First', { status: 'training', completedAt: undefined })]);
    const { file: f } = plan1(text, '3', [obj(3, 'V1', { metadata: { RunPod_Job_Id: `${JOB.d}-e1` } })], { readMetadata: true });
    assert.equal(f.updates[0]?.rule, 'job-id');
  });

  test('among -e1 (failed) and -e2 (completed) of one job, the metadata match picks the entry a merge would keep', () => {
    const text = file([
      detailed(`${JOB.c}-e1`, 'Try', { status: 'failed', completedAt: undefined, failedAt: '2025-10-13T10:09:12.001Z', error: 'CUDA' }),
      detailed(`${JOB.c}-e2`, 'Try', { completedAt: '2025-10-13T10:38:40.512Z' }),
    ]);
    const { file: f } = plan1(text, '3', [obj(3, 'V2', { metadata: { 'runpod-job-id': JOB.c } })], { readMetadata: true });
    assert.equal(f.updates.length, 1);
    assert.equal(f.updates[0].id, `${JOB.c}-e2`);
  });

  test('stronger evidence claims first: the same object wins over a version name, whatever the key order', () => {
    const entry = detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7').replace(PREFIX, 'new/') });
    const text = file([entry]);
    // "a/…" sorts before "new/…": by key order alone it would take V7 by its name.
    const objects = [
      { key: 'a/style_1_vV7.safetensors', lastModified: MODIFIED },
      { key: 'new/style_1_vV7.safetensors', lastModified: MODIFIED },
    ];
    const { file: f, text: out } = plan1(text, '1', objects);
    assert.equal(f.updates.length, 1);
    assert.equal(f.updates[0].key, 'new/style_1_vV7.safetensors');
    assert.equal(f.updates[0].rule, 'same-object');
    // Another key is another object (§2: not a duplicate): its own entry.
    assert.deepEqual(
      f.additions.map((a) => a.key),
      ['a/style_1_vV7.safetensors'],
    );
    assert.equal(analyze(out, { now: Date.now(), styleId: '1' }).groups.length, 0);
  });

  test('an entry claimed by one object is not claimed by another (AWS: the other object gets its own entry)', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { status: 'training', completedAt: undefined })]);
    // "style_1_v7" sorts before "style_1_vV7": it claims "V7" by name first.
    const objects = [obj(1, 'V7'), { key: `${PREFIX}style_1_v7.safetensors`, lastModified: MODIFIED }];
    const { file: f, text: out } = plan1(text, '1', objects);
    assert.deepEqual(
      f.updates.map((u) => [u.key, u.rule]),
      [[`${PREFIX}style_1_v7.safetensors`, 'version-name']],
    );
    assert.deepEqual(
      f.additions.map((a) => a.key),
      [modelKey(1, 'V7')],
    );
    assert.equal(analyze(out, { now: Date.now(), styleId: '1' }).groups.length, 0);
  });

  test('on a custom endpoint (objects the §2 rules cannot tell apart) the second object is left out, not duplicated', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { status: 'training', completedAt: undefined })]);
    const objects = [obj(1, 'V7'), { key: `${PREFIX}style_1_v7.safetensors`, lastModified: MODIFIED }];
    const { file: f, text: out } = plan1(text, '1', objects, { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
    assert.equal(f.updates.length, 1);
    assert.equal(f.updates[0].key, `${PREFIX}style_1_v7.safetensors`);
    assert.equal(f.additions.length, 0);
    assert.deepEqual(
      f.notAdded.map((n) => n.key),
      [modelKey(1, 'V7')],
    );
    assert.match(f.notAdded[0].reason, /would duplicate "V7".*style_1_v7\.safetensors already matched/);
    assert.equal(versionsOfText(out).length, 1);
    assert.equal(analyze(out, { now: Date.now(), styleId: '1' }).groups.length, 0);
  });

  test('an entry whose non-S3 URL names the same file is matched (the §2 rules), not duplicated', () => {
    const text = file([
      detailed(`${JOB.a}-e1`, 'Final', {
        loraUrl: 'https://cdn.example.com/models/style_1_vV7.safetensors',
        status: 'training',
        completedAt: undefined,
      }),
    ]);
    const { file: f, text: out } = plan1(text, '1', [obj(1, 'V7')]);
    assert.equal(f.additions.length, 0);
    assert.equal(f.updates.length, 1);
    assert.equal(f.updates[0].rule, 'linked');
    assert.equal(
      versionsOfText(out)[0].loraUrl,
      'https://cdn.example.com/models/style_1_vV7.safetensors',
      'a URL that is there is never replaced',
    );
    assert.equal(versionsOfText(out)[0].status, 'completed');
  });
});

describe('S3 sync: new entries and reports', () => {
  test('a new file becomes exactly one minimal entry, in the order of §5', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') })]);
    const { file: f, text: out } = plan1(text, '1', [obj(1, 'V7'), obj(1, 'V8')]);
    assert.equal(f.additions.length, 1);
    const added = versionsOfText(out)[1];
    assert.deepEqual(Object.keys(added), ['id', 'name', 'status', 'loraUrl', 'timestamp', 'lastSynced', 'parameters', 'description']);
    assert.deepEqual(added, {
      id: 'style_1_vV8',
      name: 'style_1_vV8.safetensors',
      status: 'completed',
      loraUrl: acceleratedModelUrl(1, 'V8'),
      timestamp: MODIFIED.toISOString(),
      lastSynced: NOW,
      parameters: {},
      description: 'Synced from S3',
    });
    assert.equal(versionsOfText(out).length, 2);
    const after = analyze(out, { now: Date.now(), styleId: '1' });
    assert.equal(after.groups.length, 0);
    assert.deepEqual(
      after.findings.map((x) => x.code),
      ['minimal-entry'],
    );
  });

  test('two objects with the same file name under two prefixes make one entry', () => {
    const objects = [
      { key: 'a/style_1_vV9.safetensors', lastModified: MODIFIED },
      { key: 'b/style_1_vV9.safetensors', lastModified: MODIFIED },
    ];
    const { file: f, text: out } = plan1(file([]), '1', objects);
    assert.equal(f.additions.length, 1);
    assert.equal(f.additions[0].key, 'a/style_1_vV9.safetensors');
    assert.deepEqual(
      f.notAdded.map((n) => n.key),
      ['b/style_1_vV9.safetensors'],
    );
    assert.equal(versionsOfText(out).length, 1);
  });

  test('a file for a style with no folder is reported and written nowhere; other objects are ignored', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') })]);
    const objects = [
      obj(1, 'V7'),
      obj(99, 'V1'),
      { key: `${PREFIX}notes.txt` },
      { key: `${PREFIX}style_1_vV7.ckpt` },
      { key: `${PREFIX}lora_final.safetensors` },
    ];
    const { plan } = plan1(text, '1', objects);
    assert.deepEqual(
      plan.unplaced.map((u) => [u.key, u.styleId]),
      [[modelKey(99, 'V1'), '99']],
    );
    assert.match(plan.unplaced[0].reason, /no style folder/);
    assert.equal(plan.counts.ignored, 3);
    assert.equal(plan.counts.models, 2);
    assert.ok(!plan.files[0].newText.includes('style_99'));
  });

  test('a file that does not parse is skipped and reported; the others are still planned', () => {
    const good = target(file([detailed(`${JOB.a}-e1`, 'V7', { status: 'training' })]), '1');
    const bad = target('{ "versions": [ { "id": ', '2', '/ws/2_bad/training_versions.json');
    const plan = planSync([obj(1, 'V7'), obj(2, 'V1')], [bad, good], OPTIONS);
    assert.deepEqual(
      plan.skipped.map((s) => [s.path, s.kind]),
      [['/ws/2_bad/training_versions.json', 'invalid']],
    );
    assert.match(plan.skipped[0].reason, /invalid-json/);
    assert.equal(plan.files.length, 1);
    assert.equal(plan.files[0].updates.length, 1);
    assert.match(plan.unplaced[0].reason, /does not parse/);
  });

  test('a folder without a style id receives nothing; two folders with one style id do not guess', () => {
    const plan = planSync(
      [obj(4, 'V1')],
      [
        target(file([]), undefined, '/ws/misc/training_versions.json'),
        target(file([]), '4', '/ws/4_a/training_versions.json'),
        target(file([]), '4', '/ws/04_b/training_versions.json'),
      ],
      OPTIONS,
    );
    assert.deepEqual(
      plan.skipped.map((s) => s.kind),
      ['no-style-id'],
    );
    assert.equal(
      plan.files.every((f) => !f.changed),
      true,
    );
    assert.match(plan.unplaced[0].reason, /2 style folders have style id 4/);
  });

  test('a second sync changes nothing but lastSynced', () => {
    const text = file([
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
      detailed(`${JOB.b}-e1`, 'V6', { loraUrl: regularModelUrl(1, 'V6') }),
      detailed(`${JOB.c}-e2`, 'V5', { status: 'training', completedAt: undefined }),
      minimal(1, 'V3', { loraUrl: undefined }),
    ]);
    const objects = [
      obj(1, 'V7'),
      obj(1, 'V6'),
      obj(1, 'V5'),
      obj(1, 'V3'),
      obj(1, 'V8'),
      obj(1, 'V9', { metadata: { 'runpod-job-id': 'x' } }),
    ];
    const first = plan1(text, '1', objects);
    assert.equal(first.file.additions.length, 2);
    const second = plan1(first.text, '1', objects, { now: LATER });
    assert.equal(second.file.additions.length, 0);
    assert.equal(second.file.notAdded.length, 0);
    assert.equal(second.file.updates.length, 6);
    for (const u of second.file.updates) assert.deepEqual(u.changes, [{ field: 'lastSynced', from: NOW, to: LATER }]);
    const strip = (t: string) => versionsOfText(t).map(({ lastSynced: _l, ...rest }) => rest);
    assert.deepEqual(strip(second.text), strip(first.text));
    assert.equal(second.text, first.text.split(NOW).join(LATER));
  });
});

describe('S3 sync: the file layout survives', () => {
  test('BOM, CRLF, 4-space indentation and unknown keys are kept; only the edits change bytes', () => {
    const root = {
      versions: [detailed(`${JOB.a}-e1`, 'V7', { status: 'training', completedAt: undefined })],
      updatedBy: 'webhook-handler',
    };
    const text = render(root, { indent: 4, eol: '\r\n', bom: true });
    const { file: f, text: out } = plan1(text, '1', [obj(1, 'V7'), obj(1, 'V8')]);
    assert.ok(out.startsWith('\ufeff{'));
    assertEol(out, '\r\n');
    assertParses(out);
    assertOnlyEditsChanged(text, out, f.edits);
    assert.match(out, /\r\n {8}\{\r\n {12}"id": "style_1_vV8",\r\n/);
    assert.match(out, /\r\n {12}"lastSynced": "2025-11-01T12:00:00.000Z"/);
    assert.equal(JSON.parse(out.slice(1)).updatedBy, 'webhook-handler');
  });

  test('an empty versions array gets its first entries', () => {
    const { text: out } = plan1('{"versions": []}\n', '7', [obj(7, 'V1'), obj(7, 'V2')]);
    assertParses(out);
    assert.deepEqual(
      versionsOfText(out).map((v) => v.id),
      ['style_7_vV1', 'style_7_vV2'],
    );
  });

  test('an unchanged plan leaves the text identical', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7'), lastSynced: NOW })]);
    const { file: f } = plan1(text, '1', [obj(1, 'V7')]);
    assert.equal(f.changed, false);
    assert.equal(f.newText, text);
    assert.deepEqual(f.updates[0].changes, []);
  });
});

describe('S3 sync: URLs', () => {
  test('keys are encoded per path segment', () => {
    assert.equal(encodeKeyPath('a b/c+d#e?.safetensors'), 'a%20b/c%2Bd%23e%3F.safetensors');
    assert.equal(
      objectUrl(BUCKET, 'x y/style_1_vV1.safetensors', { region: REGION, preferAcceleratedUrls: false }),
      `https://${BUCKET}.s3.${REGION}.amazonaws.com/x%20y/style_1_vV1.safetensors`,
    );
  });

  test('a custom endpoint gets its own URL (path-style or virtual-hosted), never accelerated; AWS endpoints stay AWS URLs', () => {
    const key = 'p/style_1_vV1.safetensors';
    assert.equal(
      objectUrl('b', key, { region: 'auto', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, preferAcceleratedUrls: true }),
      'http://127.0.0.1:9000/b/p/style_1_vV1.safetensors',
    );
    assert.equal(
      objectUrl('b', key, { region: 'auto', endpoint: 'https://minio.example.com/s3/', preferAcceleratedUrls: true }),
      'https://b.minio.example.com/s3/p/style_1_vV1.safetensors',
    );
    assert.equal(
      objectUrl('bkt', key, { region: 'us-east-1', endpoint: 'https://s3-fips.us-east-1.amazonaws.com', preferAcceleratedUrls: true }),
      'https://bkt.s3-accelerate.amazonaws.com/p/style_1_vV1.safetensors',
    );
  });

  test('a URL on the custom endpoint names the same object as the listing', () => {
    const key = 'p/a b/style_1_vV1.safetensors';
    const id = objectIdentity({ bucket: 'b', key });
    for (const [endpoint, pathStyle] of [
      ['http://127.0.0.1:9000', true],
      ['https://minio.example.com/s3', false],
    ] as const) {
      const url = objectUrl('b', key, { region: 'x', endpoint, forcePathStyle: pathStyle, preferAcceleratedUrls: true });
      assert.equal(endpointObjectIdentity(url, endpoint), id, url);
    }
    assert.equal(endpointObjectIdentity('https://elsewhere.example.com/b/p/style_1_vV1.safetensors', 'http://127.0.0.1:9000'), undefined);
  });

  test('entries written on a custom endpoint are matched again by the same object', () => {
    const options = { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true };
    const first = plan1(file([]), '1', [obj(1, 'V1')], options);
    assert.equal(versionsOfText(first.text)[0].loraUrl, `http://127.0.0.1:9000/${BUCKET}/${modelKey(1, 'V1')}`);
    const second = plan1(first.text, '1', [obj(1, 'V1')], { ...options, now: LATER });
    assert.equal(second.file.updates[0].rule, 'same-object');
    assert.equal(second.file.additions.length, 0);
  });

  test('metadataJobId reads both spellings and ignores other keys', () => {
    assert.equal(metadataJobId({ 'runpod-job-id': ' abc-e2 ' }), 'abc-e2');
    assert.equal(metadataJobId({ 'x-amz-meta-runpod_job_id': 'abc' }), 'abc');
    assert.equal(metadataJobId({ 'job-id': 'abc' }), undefined);
    assert.equal(metadataJobId(undefined), undefined);
  });
});

describe('S3 URLs: addressing, encoded keys, presigned URLs (SPEC.md §1, §5)', () => {
  const key = `${PREFIX}style_1_vV8.safetensors`;
  const encoded = `${PREFIX.replace(/\//g, '%2F')}style_1_vV8.safetensors`;

  test('an IP-address or localhost endpoint is addressed path-style even without forcePathStyle; a DNS name virtual-hosted', () => {
    for (const endpoint of ['http://127.0.0.1:9000', 'http://localhost:9000', 'http://[::1]:9000']) {
      assert.equal(usesPathStyle(endpoint, false), true, endpoint);
      assert.equal(objectUrl('b', key, { region: 'us-east-1', endpoint, preferAcceleratedUrls: true }), `${endpoint}/b/${key}`);
    }
    assert.equal(usesPathStyle('https://minio.example.com', false), false);
    assert.equal(usesPathStyle(undefined, false), false);
  });

  test('a key written with %2F is the same object as the key written with /; stems come from the decoded key', () => {
    const withSlashes = `https://${BUCKET}.s3-accelerate.amazonaws.com/${key}`;
    const withPercent = `https://${BUCKET}.s3-accelerate.amazonaws.com/${encoded}`;
    assert.equal(urlIdentity(parseS3Url(withPercent)!), urlIdentity(parseS3Url(withSlashes)!));
    assert.equal(urlFileName(withPercent), 'style_1_vV8.safetensors');
    const text = file([detailed(`${JOB.a}-e1`, 'V8', { loraUrl: withPercent })]);
    const { file: f } = plan1(text, '1', [obj(1, 'V8')]);
    assert.deepEqual(
      f.updates.map((u) => u.rule),
      ['same-object'],
    );
    assert.equal(f.additions.length, 0, 'no second entry for the same object');
  });

  test('an upgrade writes the decoded key, encoded per segment', () => {
    const regular = `https://${BUCKET}.s3.${REGION}.amazonaws.com/${encoded}`;
    assert.equal(acceleratedUrl(parseS3Url(regular)!), `https://${BUCKET}.s3-accelerate.amazonaws.com/${key}`);
  });

  test('presigned URLs are recognised and never rewritten (no upgrade)', () => {
    const signed =
      `${regularModelUrl(1, 'V6')}?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
      '&X-Amz-Credential=AKIDEXAMPLE%2F20251101%2Fus-west-1%2Fs3%2Faws4_request&X-Amz-Signature=abc';
    assert.equal(isPresigned(signed), true);
    assert.equal(isPresigned(`${regularModelUrl(1, 'V6')}?x-amz-signature=abc`), true);
    assert.equal(isPresigned(regularModelUrl(1, 'V6')), false);
    assert.equal(isPresigned(`${regularModelUrl(1, 'V6')}?versionId=X-Amz-Signature`), false);
    assert.equal(acceleratedUrl(parseS3Url(signed)!), undefined);
    const { file: f } = plan1(file([detailed(`${JOB.b}-e1`, 'V6', { loraUrl: signed })]), '1', [obj(1, 'V6')]);
    assert.deepEqual(
      f.updates[0].changes.map((c) => c.field),
      ['lastSynced'],
      'the presigned URL stays',
    );
  });

  test('an unreachable <bucket>.<IP> URL of this object on this endpoint is repaired to path-style; other hosts are not touched', () => {
    const endpoint = 'http://127.0.0.1:8080';
    const broken = `http://${BUCKET}.127.0.0.1:8080/${key}`;
    const good = `${endpoint}/${BUCKET}/${key}`;
    const { file: f } = plan1(file([detailed(`${JOB.a}-e1`, 'V8', { loraUrl: broken })]), '1', [obj(1, 'V8')], { endpoint });
    assert.deepEqual(
      f.updates[0].changes.find((c) => c.field === 'loraUrl'),
      { field: 'loraUrl', from: broken, to: good },
    );
    const again = plan1(f.newText, '1', [obj(1, 'V8')], { endpoint, now: LATER });
    assert.deepEqual(
      again.file.updates[0].changes.map((c) => c.field),
      ['lastSynced'],
      'repaired once, then kept',
    );
    const dns = `https://${BUCKET}.minio.example.com/${key}`;
    const other = plan1(file([detailed(`${JOB.a}-e1`, 'V8', { loraUrl: dns })]), '1', [obj(1, 'V8')], {
      endpoint: 'https://minio.example.com',
    });
    assert.equal(
      other.file.updates[0].changes.some((c) => c.field === 'loraUrl'),
      false,
      'a resolvable virtual-hosted URL stays',
    );
  });
});
