/**
 * SPEC.md §8: the library's four functions give what the command gives on the
 * same text (analyze = check --format json, cleanup = cleanup --apply,
 * applyWebhook = webhook --apply), and never throw on bad text or payloads.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { type S3ObjectInfo, analyze, applyWebhook, cleanup, styleIdOfFolder, syncObjects } from '../../src/lib';
import {
  BUCKET,
  JOB,
  NOW,
  PREFIX,
  captureIO,
  copyExamples,
  detailed,
  file,
  minimal,
  modelKey,
  tempDir,
  versionsOfText,
} from '../support/helpers';

const FILE = 'training_versions.json';

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.outText };
}

async function styleFiles(dir: string): Promise<{ folder: string; path: string }[]> {
  const out: { folder: string; path: string }[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() && (await fs.stat(path.join(dir, e.name, FILE)).catch(() => undefined)))
      out.push({ folder: e.name, path: path.join(dir, e.name, FILE) });
  }
  assert.ok(out.length >= 5, 'examples/ holds the style folders');
  return out;
}

describe('library = command, on the examples', () => {
  let tmp: { dir: string; remove: () => Promise<void> };
  let ex: string;
  before(async () => {
    tmp = await tempDir('tv-lib-');
    ex = await copyExamples(tmp.dir);
  });
  after(async () => tmp.remove());

  test('analyze() findings are exactly check --format json findings, file by file', async () => {
    const { code, out } = await cli(['check', '--format', 'json', ex]);
    assert.equal(code, 1);
    const report = JSON.parse(out) as { files: { path: string; findings: unknown[] }[] };
    const files = await styleFiles(ex);
    let total = 0;
    for (const f of files) {
      const fromCli = report.files.find((r) => r.path === f.path);
      assert.ok(fromCli, `check reported ${f.path}`);
      const text = await fs.readFile(f.path, 'utf8');
      const { findings } = analyze(text, { styleId: styleIdOfFolder(f.folder) });
      assert.deepEqual(findings, fromCli.findings, f.folder);
      total += findings.length;
    }
    assert.ok(total > 3, 'the examples have findings to compare');
  });

  test('analyze() honours staleAfterHours, preferAcceleratedUrls and now like the flags', async () => {
    const { out } = await cli(['check', '--format', 'json', '--stale-after-hours', '100000', '--no-prefer-accelerated', ex]);
    const report = JSON.parse(out) as { files: { path: string; findings: { code: string }[] }[] };
    for (const f of await styleFiles(ex)) {
      const text = await fs.readFile(f.path, 'utf8');
      const lib = analyze(text, { styleId: styleIdOfFolder(f.folder), staleAfterHours: 100000, preferAcceleratedUrls: false });
      assert.deepEqual(lib.findings, report.files.find((r) => r.path === f.path)!.findings);
      assert.ok(!lib.findings.some((x) => x.code === 'stale-job' || x.code === 'non-accelerated-url'));
    }
    // The examples' in-flight jobs are from October 2025: not stale the day after.
    const text = await fs.readFile(path.join(ex, '59_comic_halftone', FILE), 'utf8');
    assert.ok(analyze(text, { styleId: '59' }).findings.some((f) => f.code === 'stale-job'));
    assert.ok(!analyze(text, { styleId: '59', now: new Date('2025-10-14T12:00:00Z') }).findings.some((f) => f.code === 'stale-job'));
  });

  test('cleanup().text is byte for byte the file cleanup --apply writes', async () => {
    const files = await styleFiles(ex);
    const before = new Map<string, string>();
    for (const f of files) before.set(f.path, await fs.readFile(f.path, 'utf8'));
    const { code } = await cli(['cleanup', '--apply', '--no-backup', ex]);
    assert.equal(code, 0);
    let changed = 0;
    for (const f of files) {
      const r = cleanup(before.get(f.path)!, { styleId: styleIdOfFolder(f.folder) });
      const written = await fs.readFile(f.path, 'utf8');
      assert.equal(r.text, written, f.folder);
      assert.equal(r.changed, written !== before.get(f.path));
      if (r.changed) changed++;
      // Idempotent: the cleaned text has nothing left to fix.
      assert.deepEqual(cleanup(r.text, { styleId: styleIdOfFolder(f.folder) }), { text: r.text, changed: false });
    }
    assert.ok(changed >= 2, 'several example files have fixes');
  });
});

describe('applyWebhook = webhook --apply', () => {
  const completedAt = '2025-10-14T10:00:00.000Z';
  const lora = `https://${BUCKET}.s3.us-west-1.amazonaws.com/${modelKey(59, 'V4')}`;
  const payload = {
    id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
    status: 'COMPLETED',
    output: { lora_url: lora, completed_at: completedAt },
  };
  let tmp: { dir: string; remove: () => Promise<void> };
  let ex: string;
  before(async () => {
    tmp = await tempDir('tv-lib-wh-');
    ex = await copyExamples(tmp.dir);
  });
  after(async () => tmp.remove());

  test('the same text as the command writes, whichever form the payload takes', async () => {
    const target = path.join(ex, '59_comic_halftone', FILE);
    const original = await fs.readFile(target, 'utf8');
    const payloadFile = path.join(tmp.dir, 'payload.json');
    await fs.writeFile(payloadFile, JSON.stringify(payload));
    const { code } = await cli(['webhook', '--payload', payloadFile, '--apply', ex]);
    assert.equal(code, 0);
    const written = await fs.readFile(target, 'utf8');
    assert.notEqual(written, original);
    assert.equal(await fs.readFile(`${target}.backup`, 'utf8'), original);
    for (const form of [payload, JSON.stringify(payload), Buffer.from(JSON.stringify(payload)), '\ufeff' + JSON.stringify(payload)]) {
      const r = applyWebhook(original, form);
      assert.equal(r.text, written);
      assert.equal(r.changed, true);
      assert.equal(r.versionId, '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918-e2', 'matched by base id');
      assert.equal(r.problem, null);
    }
    const [v] = versionsOfText(written);
    assert.equal(v.status, 'completed');
    assert.equal(v.completedAt, completedAt);
    assert.equal(v.loraUrl, `https://${BUCKET}.s3-accelerate.amazonaws.com/${modelKey(59, 'V4')}`, 'the output URL is written accelerated');
    // A repeated webhook finds its entry and changes nothing.
    assert.deepEqual(applyWebhook(written, payload), {
      text: written,
      changed: false,
      versionId: v.id,
      problem: null,
      message: applyWebhook(written, payload).message,
    });
  });

  test('exact id before base id; failed jobs; now', () => {
    const text = file(
      [
        detailed(`${JOB.c}-e1`, 'V1', { status: 'failed', completedAt: undefined }),
        detailed(`${JOB.c}-e2`, 'V1', { status: 'training', completedAt: undefined }),
      ],
      { indent: 4, eol: '\r\n' },
    );
    const done = applyWebhook(text, { id: `${JOB.c}-e2`, status: 'COMPLETED' }, { now: new Date(NOW) });
    assert.equal(done.versionId, `${JOB.c}-e2`);
    const second = versionsOfText(done.text)[1];
    assert.equal(second.status, 'completed');
    assert.equal(second.completedAt, new Date(NOW).toISOString());
    assert.ok(done.text.includes('\r\n    '), 'CRLF and 4-space indent survive');
    const failed = applyWebhook(
      text,
      {
        id: `${JOB.c}-e2`,
        status: 'FAILED',
        error: JSON.stringify({ error_type: 'OutOfMemory', error_message: 'CUDA out of memory', error_traceback: 'Traceback…' }),
      },
      { now: new Date(NOW) },
    );
    const f = versionsOfText(failed.text)[1];
    assert.equal(f.status, 'failed');
    assert.equal(f.failedAt, new Date(NOW).toISOString());
  });

  test('no match, a payload that is not RunPod’s, a file that does not parse: unchanged, never a throw', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { status: 'training' })]);
    const none = applyWebhook(text, { id: `${JOB.b}-e1`, status: 'COMPLETED' });
    assert.deepEqual({ ...none, message: '' }, { text, changed: false, versionId: null, problem: 'no-match', message: '' });
    assert.match(none.message, new RegExp(JOB.b));
    // A status RunPod does not document is an unknown outcome for the entry (§4): matched, nothing changed.
    const unknown = applyWebhook(text, { id: JOB.a, status: 'DONE' });
    assert.deepEqual([unknown.text, unknown.changed, unknown.problem], [text, false, null]);
    assert.match(unknown.message, /"DONE", which it does not document; nothing changed/);
    for (const bad of [undefined, null, 42, 'not json', '{"status":"COMPLETED"}', { id: JOB.a }, [], Buffer.from('\xff\xfe')]) {
      const r = applyWebhook(text, bad);
      assert.equal(r.text, text);
      assert.equal(r.changed, false);
      assert.equal(r.problem, 'invalid-payload', String(bad));
    }
    const cyclic: Record<string, unknown> = { id: JOB.a, status: 'COMPLETED' };
    cyclic.self = cyclic;
    assert.equal(applyWebhook(text, cyclic).problem, 'invalid-payload');
    const broken = '{ "versions": [ { "id": "x", } ';
    assert.deepEqual(
      { ...applyWebhook(broken, { id: 'x', status: 'COMPLETED' }), message: '' },
      { text: broken, changed: false, versionId: null, problem: 'invalid-file', message: '' },
    );
    assert.throws(() => applyWebhook(text, {}, { now: new Date('nope') }), TypeError);
  });
});

describe('syncObjects', () => {
  const now = new Date('2025-10-20T00:00:00.000Z');
  const listing = (styleId: number, labels: string[]): S3ObjectInfo[] =>
    labels.map((l) => ({ bucket: BUCKET, key: modelKey(styleId, l), lastModified: new Date('2025-10-12T08:41:02Z') }));

  test('matches the webhook entry instead of adding a duplicate; a new file becomes a minimal entry', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: undefined })]);
    const r = syncObjects(text, [...listing(1, ['V7', 'V8']), ...listing(2, ['V1']), { bucket: BUCKET, key: `${PREFIX}notes.txt` }], {
      styleId: '1',
      now,
    });
    assert.equal(r.changed, true);
    const vs = versionsOfText(r.text);
    assert.equal(vs.length, 2);
    assert.equal(vs[0].id, `${JOB.a}-e1`);
    assert.equal(vs[0].loraUrl, `https://${BUCKET}.s3-accelerate.amazonaws.com/${modelKey(1, 'V7')}`);
    assert.equal(vs[0].lastSynced, now.toISOString());
    assert.deepEqual(vs[1], {
      id: 'style_1_vV8',
      name: 'style_1_vV8.safetensors',
      status: 'completed',
      loraUrl: `https://${BUCKET}.s3-accelerate.amazonaws.com/${modelKey(1, 'V8')}`,
      timestamp: '2025-10-12T08:41:02.000Z',
      lastSynced: now.toISOString(),
      parameters: {},
      description: 'Synced from S3',
    });
    assert.ok(!analyze(r.text, { styleId: '1' }).findings.some((f) => f.code === 'duplicate-version'));
    // Twice: nothing more to do at the same time.
    assert.deepEqual(syncObjects(r.text, listing(1, ['V7', 'V8']), { styleId: '1', now }), { text: r.text, changed: false });
  });

  test('metadata job id, regional URLs, custom endpoints, never a downgrade', () => {
    const text = file([
      detailed(`${JOB.d}-e2`, 'Final', { loraUrl: undefined }),
      minimal(3, 'V2', { loraUrl: `https://${BUCKET}.s3-accelerate.amazonaws.com/${modelKey(3, 'V2')}` }),
    ]);
    const objs: S3ObjectInfo[] = [
      { bucket: BUCKET, key: modelKey(3, 'V9'), metadata: { 'runpod-job-id': JOB.d } },
      { bucket: BUCKET, key: modelKey(3, 'V2') },
    ];
    const regional = versionsOfText(syncObjects(text, objs, { styleId: '3', now, preferAcceleratedUrls: false, region: 'us-west-1' }).text);
    assert.equal(regional.length, 2, 'the metadata names the job: no new entry');
    assert.equal(regional[0].loraUrl, `https://${BUCKET}.s3.us-west-1.amazonaws.com/${modelKey(3, 'V9')}`);
    assert.equal(regional[1].loraUrl, `https://${BUCKET}.s3-accelerate.amazonaws.com/${modelKey(3, 'V2')}`, 'accelerated kept');
    const minio = versionsOfText(
      syncObjects(text, objs, { styleId: '3', now, endpoint: 'http://127.0.0.1:9000', forcePathStyle: true }).text,
    );
    assert.equal(minio[0].loraUrl, `http://127.0.0.1:9000/${BUCKET}/${modelKey(3, 'V9')}`);
  });

  test('bad text or listing: unchanged, never a throw; a missing styleId is a TypeError', () => {
    for (const bad of ['', 'nope', '[]', '{"versions": 3}', '{"versions": [] ']) {
      assert.deepEqual(syncObjects(bad, listing(1, ['V1']), { styleId: '1', now }), { text: bad, changed: false });
    }
    const text = file([]);
    assert.deepEqual(syncObjects(text, [null, 3, { key: 'x' }, { bucket: BUCKET }] as unknown as S3ObjectInfo[], { styleId: '1', now }), {
      text,
      changed: false,
    });
    assert.throws(() => syncObjects(text, [], {} as unknown as { styleId: string }), TypeError);
  });
});

function usable(text: string): boolean {
  try {
    const v = JSON.parse(text.replace(/^\ufeff/, '')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as { versions?: unknown }).versions);
  } catch {
    return false;
  }
}

describe('never throws on bad text', () => {
  test('any string: analyze gives findings, cleanup/applyWebhook/syncObjects give text back', () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) =>
        JSON.stringify({
          versions: [v, { id: 'style_1_vV1', loraUrl: `https://${BUCKET}.s3.us-west-1.amazonaws.com/${modelKey(1, 'V1')}` }],
        }),
      ),
    );
    fc.assert(
      fc.property(jsonish, fc.jsonValue(), (text, payload) => {
        const a = analyze(text, { styleId: '1' });
        for (const f of a.findings)
          assert.ok(f.line >= 1 && f.column >= 1 && (f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column)));
        const c = cleanup(text, { styleId: '1' });
        // A file that does not parse as an object with a "versions" array is never rewritten.
        const invalid = !usable(text);
        if (invalid) assert.ok(a.findings.some((f) => f.severity === 'error'));
        if (invalid) assert.deepEqual(c, { text, changed: false });
        assert.equal(typeof applyWebhook(text, payload).text, 'string');
        const s = syncObjects(text, [{ bucket: BUCKET, key: modelKey(1, 'V1') }], { styleId: '1', now: new Date(NOW) });
        if (invalid) assert.deepEqual(s, { text, changed: false });
      }),
      { numRuns: 300 },
    );
    assert.equal(analyze(undefined as unknown as string).findings[0].code, 'invalid-json');
  });
});
