/**
 * The S3 sync against a real S3 API: s3rver on 127.0.0.1 (in a child process),
 * reached by `@aws-sdk/client-s3` through `createS3Lister` exactly as the CLI and
 * the editor reach AWS. Errors S3 sends that s3rver cannot (AccessDenied, wrong
 * region, SlowDown, a dropped connection) come from a small HTTP server of ours
 * that answers with S3's own error documents.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadFiles } from '../../src/cli/common';
import { analyze } from '../../src/core/findings';
import { styleIdOfFolder } from '../../src/core/identity';
import { styleFolderOf } from '../../src/services/files';
import { syncWorkspace, type SyncProgress } from '../../src/flows/sync';
import { CLI_WORDING, describeS3Failure } from '../../src/flows/syncMessages';
import type { RetryNotice } from '../../src/services/s3Types';
import { createS3Lister, type S3ErrorKind, type S3Failure, type S3Lister, type S3Settings, S3SyncError } from '../../src/services/s3';
import { assertEol, assertParses, parseText, tempDir } from '../support/helpers';
import { putObjects, S3RVER_ENV, type S3rverHandle, seedClient, startS3rver } from '../support/s3rver';
import {
  ACCEL,
  BUCKET,
  FIRST_JOB,
  PREFIX,
  REGION,
  REGULAR,
  RETRIED_JOB,
  SEED_OBJECTS,
  withoutLastSynced,
  writeSeedWorkspace,
} from '../support/syncFixtures';

const MANY = 'many-models';
const MANY_COUNT = 2500;
const MANY_STYLES = 25;
const SYNC_NOW = new Date('2025-11-01T12:00:00Z');

let server: S3rverHandle;
let workspace: { dir: string; remove: () => Promise<void> };
let manyWorkspace: { dir: string; remove: () => Promise<void> };
let paths: Record<string, string>;

function settings(extra: Partial<S3Settings> = {}): S3Settings {
  return {
    bucket: BUCKET,
    prefix: PREFIX,
    region: REGION,
    endpoint: server.endpoint,
    forcePathStyle: true,
    env: { ...S3RVER_ENV },
    ...extra,
  };
}

async function load(dir: string) {
  return (await loadFiles([dir], { preferAcceleratedUrls: true })).map((f) => ({ path: f.path, text: f.text, analysis: f.analysis }));
}

function endpointUrl(key: string): string {
  return `${server.endpoint}/${BUCKET}/${key}`;
}

before(async () => {
  const many = Array.from({ length: MANY_COUNT }, (_, i) => ({
    key: `models/style_${i % MANY_STYLES}_vV${Math.floor(i / MANY_STYLES) + 1}.safetensors`,
  }));
  server = await startS3rver({ buckets: [BUCKET, MANY], seed: [{ bucket: MANY, objects: many }] });
  // The seed cases go through the S3 API itself, metadata as x-amz-meta-* headers.
  const client = seedClient(server.endpoint);
  await putObjects(client, BUCKET, SEED_OBJECTS);
  client.destroy();
  workspace = await tempDir('tv-s3-ws-');
  paths = await writeSeedWorkspace(workspace.dir);
  manyWorkspace = await tempDir('tv-s3-many-');
  for (let s = 0; s < MANY_STYLES; s++) {
    await fs.mkdir(path.join(manyWorkspace.dir, `${s}_style`));
    await fs.writeFile(path.join(manyWorkspace.dir, `${s}_style`, 'training_versions.json'), '{\n  "versions": []\n}\n');
  }
});

after(async () => {
  await server?.stop();
  await workspace?.remove();
  await manyWorkspace?.remove();
});

// A network regression must fail, not hang the whole run.
const LIMIT = { timeout: 120_000 };

describe('S3 sync against s3rver', LIMIT, () => {
  test('every case of the seeds, through ListObjectsV2 and HeadObject', async () => {
    const files = await load(workspace.dir);
    const lister = await createS3Lister(settings({ readMetadata: true }));
    await server.resetStats();
    const progress: SyncProgress[] = [];
    const started = Date.now();
    const result = await syncWorkspace(
      files,
      lister,
      { ...settings({ readMetadata: true }), preferAcceleratedUrls: true, now: SYNC_NOW },
      (p) => progress.push(p),
    );
    lister.destroy();
    const plan = result.plan;
    const fileOf = (folder: string) => plan.files.find((f) => f.path === paths[folder])!;
    const byId = (folder: string, id: string) => parseText(fileOf(folder).newText).versions.find((v) => v.id === id)!;

    assert.equal(result.objects, SEED_OBJECTS.length);
    assert.equal(result.pages, 1);
    assert.equal(plan.counts.ignored, 2);

    // Accelerated URL kept; regular URL upgraded.
    const ink = fileOf('1_ink_intensity');
    assert.equal(byId('1_ink_intensity', '3e248bb6-012c-4384-ae6c-4b19c126d093-e1').loraUrl, `${ACCEL}style_1_vV7.safetensors`);
    assert.equal(byId('1_ink_intensity', 'b91f0c2e-6a1d-4f7e-9c55-2d8e0a7b3c41-e1').loraUrl, `${ACCEL}style_1_vV6.safetensors`);
    assert.deepEqual(
      ink.updates.map((u) => [u.rule, u.changes.map((c) => c.field)]),
      [
        ['same-object', ['lastSynced']],
        ['same-object', ['loraUrl', 'lastSynced']],
      ],
    );
    assert.equal(ink.updates[1].changes[0].from, `${REGULAR}style_1_vV6.safetensors`);

    // A new file: exactly one minimal entry, its timestamp the object's LastModified.
    assert.equal(ink.additions.length, 1);
    const v8 = byId('1_ink_intensity', 'style_1_vV8');
    assert.deepEqual(Object.keys(v8), ['id', 'name', 'status', 'loraUrl', 'timestamp', 'lastSynced', 'parameters', 'description']);
    assert.equal(v8.loraUrl, endpointUrl(`${PREFIX}style_1_vV8.safetensors`));
    assert.equal(v8.status, 'completed');
    assert.equal(v8.description, 'Synced from S3');
    const modified = Date.parse(v8.timestamp as string);
    assert.ok(Math.abs(modified - started) < 10 * 60_000, `timestamp ${String(v8.timestamp)} is the upload time`);

    // "V4" is style_59_vV4.safetensors; style 5's "V4" is not.
    const v4 = fileOf('59_comic_halftone');
    assert.deepEqual(
      v4.updates.map((u) => u.rule),
      ['version-name'],
    );
    const after59 = byId('59_comic_halftone', '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918-e2');
    assert.equal(after59.status, 'completed');
    assert.equal(after59.loraUrl, endpointUrl(`${PREFIX}style_59_vV4.safetensors`));
    assert.deepEqual(after59.parameters, { network_dim: 32, network_alpha: 32, learning_rate: 0.00005 });
    assert.equal(fileOf('5_pencil').changed, false);

    // Id is the stem.
    assert.deepEqual(
      fileOf('12_charcoal_sketch').updates.map((u) => u.rule),
      ['id-is-stem'],
    );

    // Job ids from metadata: base id against "-e2", and runpod_job_id; the layout survives.
    const water = fileOf('3_watercolor_wash');
    assert.deepEqual(
      water.updates.map((u) => [u.id, u.rule]),
      [
        [`${RETRIED_JOB}-e2`, 'job-id'],
        [FIRST_JOB, 'job-id'],
      ],
    );
    assert.equal(water.additions.length, 0);
    assert.ok(water.newText.startsWith('\ufeff'));
    assertEol(water.newText, '\r\n');
    assertParses(water.newText);
    assert.equal(parseText(water.newText).updatedBy, 'webhook-handler');

    // No folder for style 99.
    assert.deepEqual(
      plan.unplaced.map((u) => u.key),
      [`${PREFIX}style_99_vV1.safetensors`],
    );

    // One list request; a HEAD for each model file of a style that has a folder (not style 99, not the others).
    const stats = await server.stats();
    assert.equal(stats.list, 1);
    assert.equal(stats.head, 7);
    assert.deepEqual(
      progress.filter((p) => p.phase === 'list'),
      [{ phase: 'list', pages: 1, objects: SEED_OBJECTS.length }],
    );
    assert.deepEqual(progress.at(-1), { phase: 'plan', matched: 6, added: 1, files: 4 });
    assert.deepEqual(
      result.changes.map((c) => c.path).sort(),
      plan.files
        .filter((f) => f.changed)
        .map((f) => f.path)
        .sort(),
    );
  });

  test('a second sync changes nothing but lastSynced', async () => {
    const lister = await createS3Lister(settings({ readMetadata: true }));
    const first = await syncWorkspace(await load(workspace.dir), lister, {
      ...settings({ readMetadata: true }),
      preferAcceleratedUrls: true,
      now: new Date('2025-11-01T00:00:00Z'),
    });
    const synced = first.plan.files.map((f) => ({
      path: f.path,
      text: f.newText,
      analysis: analyze(f.newText, { now: Date.now(), styleId: styleIdOfFolder(styleFolderOf(f.path)) }),
    }));
    const second = await syncWorkspace(synced, lister, {
      ...settings({ readMetadata: true }),
      preferAcceleratedUrls: true,
      now: new Date('2025-11-02T00:00:00Z'),
    });
    lister.destroy();
    assert.equal(second.plan.counts.added, 0);
    assert.equal(second.plan.counts.notAdded, 0);
    assert.equal(second.plan.counts.matched, first.plan.counts.matched + first.plan.counts.added);
    for (const f of second.plan.files) {
      for (const u of f.updates)
        assert.deepEqual(
          u.changes.map((c) => c.field),
          ['lastSynced'],
          `${f.path} ${u.label}`,
        );
      const before = synced.find((s) => s.path === f.path)!;
      assert.deepEqual(withoutLastSynced(f.newText), withoutLastSynced(before.text));
    }
  });

  test(`${MANY_COUNT} objects: every page listed, ${Math.ceil(MANY_COUNT / 1000)} list requests, one entry per object`, async () => {
    const lister = await createS3Lister(settings({ bucket: MANY, prefix: 'models/' }));
    await server.resetStats();
    const pages: SyncProgress[] = [];
    const result = await syncWorkspace(
      await load(manyWorkspace.dir),
      lister,
      { ...settings({ bucket: MANY, prefix: 'models/' }), preferAcceleratedUrls: true, now: SYNC_NOW },
      (p) => {
        if (p.phase === 'list') pages.push(p);
      },
    );
    lister.destroy();
    assert.equal((await server.stats()).list, Math.ceil(MANY_COUNT / 1000));
    assert.equal(result.pages, 3);
    assert.equal(result.objects, MANY_COUNT);
    assert.deepEqual(
      pages.map((p) => p.phase === 'list' && p.objects),
      [1000, 2000, 2500],
    );
    assert.equal(result.plan.counts.added, MANY_COUNT);
    assert.equal(result.changes.length, MANY_STYLES);
    for (const c of result.changes) {
      assertParses(c.newText);
      assert.equal(parseText(c.newText).versions.length, MANY_COUNT / MANY_STYLES);
    }
  });

  test('HeadObject requests stay within the concurrency bound', async () => {
    const real = await createS3Lister(settings({ readMetadata: true }));
    let inFlight = 0,
      max = 0,
      calls = 0;
    const lister: S3Lister = {
      ...real,
      head: async (key, signal) => {
        calls++;
        max = Math.max(max, ++inFlight);
        try {
          return await real.head(key, signal);
        } finally {
          inFlight--;
        }
      },
    };
    await syncWorkspace(await load(workspace.dir), lister, {
      ...settings({ readMetadata: true }),
      preferAcceleratedUrls: true,
      now: SYNC_NOW,
      headConcurrency: 2,
    });
    real.destroy();
    assert.equal(calls, 7);
    assert.equal(max, 2);
  });

  test('cancelling through the AbortSignal stops the listing', async () => {
    const lister = await createS3Lister(settings({ bucket: MANY, prefix: 'models/' }));
    await server.resetStats();
    const ac = new AbortController();
    await assert.rejects(
      syncWorkspace(
        await load(manyWorkspace.dir),
        lister,
        { ...settings({ bucket: MANY, prefix: 'models/' }), preferAcceleratedUrls: true, now: SYNC_NOW },
        (p) => {
          if (p.phase === 'list' && p.pages === 1) ac.abort();
        },
        ac.signal,
      ),
      (e: unknown) =>
        e instanceof S3SyncError && e.kind === 'cancelled' && /nothing was written/.test(describeS3Failure(e.failure, CLI_WORDING)),
    );
    lister.destroy();
    assert.ok((await server.stats()).list < 3, 'the listing stopped early');
    const already = new AbortController();
    already.abort();
    await assert.rejects(
      syncWorkspace([], lister, { ...settings(), preferAcceleratedUrls: true, now: SYNC_NOW }, undefined, already.signal),
      /cancelled/,
    );
  });
});

describe('S3 sync: errors a user meets', LIMIT, () => {
  const SECRET_ID = 'AKIAZZZZTESTKEYID0001';
  const SECRET_KEY = 'kT9sQ+wD2/secretValue/ForTests0123456789';

  /** The failure of a listing, and its sentence as the CLI says it. */
  async function listError(s: S3Settings): Promise<{ kind: S3ErrorKind; message: string; failure: S3Failure }> {
    const lister = await createS3Lister(s);
    try {
      await lister.list(s.prefix ?? '', () => undefined);
    } catch (e) {
      assert.ok(e instanceof S3SyncError, `an S3SyncError, not ${String(e)}`);
      return { kind: e.kind, message: describeS3Failure(e.failure, CLI_WORDING), failure: e.failure };
    } finally {
      lister.destroy();
    }
    assert.fail('the listing should have failed');
  }

  test('a bucket that does not exist', async () => {
    const e = await listError(settings({ bucket: 'no-such-bucket-here' }));
    assert.equal(e.kind, 'no-such-bucket');
    assert.match(e.message, /"no-such-bucket-here" does not exist/);
    assert.match(e.message, /--bucket/);
  });

  test('rejected credentials: the message says so and holds no credential', async () => {
    const e = await listError(settings({ env: { AWS_ACCESS_KEY_ID: SECRET_ID, AWS_SECRET_ACCESS_KEY: SECRET_KEY } }));
    assert.equal(e.kind, 'credentials');
    assert.match(e.message, /rejected your credentials \(InvalidAccessKeyId\)/);
    assert.ok(!e.message.includes(SECRET_ID) && !e.message.includes(SECRET_KEY));
    assert.ok(!e.message.includes('AKIA'));
  });

  describe('answers that only AWS gives, from a server of ours speaking S3 errors', () => {
    let errorServer: http.Server;
    let endpoint: string;
    let reply: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => undefined;
    let requests = 0;

    const xml = (code: string, message: string, extra = '') =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>TESTREQUEST</RequestId></Error>`;
    const answer =
      (status: number, body: string, headers: Record<string, string> = {}) =>
      (_req: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(status, { 'content-type': 'application/xml', ...headers });
        res.end(body);
      };
    const errorSettings = (extra: Partial<S3Settings> = {}) =>
      ({
        bucket: BUCKET,
        prefix: PREFIX,
        region: 'us-east-1',
        endpoint,
        forcePathStyle: true,
        env: { AWS_ACCESS_KEY_ID: SECRET_ID, AWS_SECRET_ACCESS_KEY: SECRET_KEY },
        maxAttempts: 2,
        ...extra,
      }) satisfies S3Settings;

    before(async () => {
      errorServer = http.createServer((req, res) => {
        requests++;
        reply(req, res);
      });
      await new Promise<void>((resolve) => errorServer.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(errorServer.address() as AddressInfo).port}`;
    });
    after(async () => {
      errorServer.closeAllConnections();
      await new Promise<void>((resolve) => errorServer.close(() => resolve()));
    });

    test('AccessDenied names the permission to ask for', async () => {
      reply = answer(403, xml('AccessDenied', 'Access Denied'));
      const e = await listError(errorSettings());
      assert.equal(e.kind, 'access-denied');
      assert.match(e.message, /s3:ListBucket on arn:aws:s3:::storyboard-user-files/);
    });

    test("PermanentRedirect (wrong region) names the bucket's region", async () => {
      reply = answer(
        301,
        xml(
          'PermanentRedirect',
          'The bucket you are attempting to access must be addressed using the specified endpoint.',
          `<Endpoint>${BUCKET}.s3.us-west-1.amazonaws.com</Endpoint><Bucket>${BUCKET}</Bucket>`,
        ),
        { 'x-amz-bucket-region': 'us-west-1' },
      );
      const e = await listError(errorSettings());
      assert.equal(e.kind, 'region');
      assert.match(e.message, /is in the region us-west-1, not "us-east-1"\. Pass --region us-west-1/);
    });

    test('AuthorizationHeaderMalformed (signed for the wrong region) names the right one', async () => {
      reply = answer(
        400,
        xml(
          'AuthorizationHeaderMalformed',
          "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
          '<Region>eu-west-1</Region>',
        ),
      );
      const e = await listError(errorSettings());
      assert.equal(e.kind, 'region');
      assert.match(e.message, /--region eu-west-1/);
    });

    test('SlowDown is retried, then reported as throttling', async () => {
      reply = answer(503, xml('SlowDown', 'Please reduce your request rate.'));
      requests = 0;
      const e = await listError(errorSettings());
      assert.equal(e.kind, 'throttled');
      assert.match(e.message, /throttling requests \(SlowDown\).*Wait a minute/);
      assert.equal(requests, 2, 'maxAttempts 2: one retry');
    });

    test('a connection dropped mid-answer is a network error that says what to do', async () => {
      reply = (req) => req.socket.destroy();
      const e = await listError(errorSettings());
      assert.equal(e.kind, 'network');
      assert.match(e.message, /Lost the connection to http:\/\/127\.0\.0\.1:\d+ while listing .*run the sync again; nothing was written/);
    });

    test('a server that never answers times out (requestTimeoutMs), is retried, and says so', async () => {
      reply = () => undefined; // accept, never respond
      requests = 0;
      const started = Date.now();
      const retries: RetryNotice[] = [];
      const e = await listError(errorSettings({ timeoutMs: 300, retryBaseMs: 10, onRetry: (r) => retries.push(r) }));
      assert.equal(e.kind, 'network');
      assert.deepEqual(
        retries.map((r) => [r.attempt, r.maxAttempts, r.reason, r.host]),
        [[1, 2, 'timed out', new URL(endpoint).host]],
        'the retry is announced, naming the host',
      );
      assert.match(e.message, /Lost the connection to http:\/\/127\.0\.0\.1:\d+ while listing .* \(timed out\)/);
      assert.ok(Date.now() - started < 10_000);
      assert.equal(requests, 2, 'a timed-out request is retried once (maxAttempts 2)');
    });

    test('the listing as a whole has a time limit too (totalTimeoutMs), and says so', async () => {
      reply = () => undefined; // accept, never respond
      const e = await listError(errorSettings({ timeoutMs: 5_000, totalTimeoutMs: 400, maxAttempts: 5 }));
      assert.equal(e.kind, 'network');
      assert.equal(e.failure.totalTimeout, true);
      assert.match(
        e.message,
        /^The listing of s3:\/\/storyboard-user-files\/actor_maker_user\/custom-styles-models\/ at http:\/\/127\.0\.0\.1:\d+ did not finish in the time allowed \(timed out\)/,
      );
    });

    test('no message ever holds the credential values', async () => {
      reply = answer(
        403,
        xml(
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
          `<AWSAccessKeyId>${SECRET_ID}</AWSAccessKeyId>`,
        ),
      );
      const e = await listError(errorSettings());
      assert.equal(e.kind, 'credentials');
      reply = answer(400, xml('SomethingNew', `Echoing ${SECRET_ID} and ${SECRET_KEY}`));
      const other = await listError(errorSettings());
      assert.equal(other.kind, 'other');
      for (const m of [e.message, other.message]) {
        assert.ok(!m.includes(SECRET_ID), m);
        assert.ok(!m.includes(SECRET_KEY), m);
      }
      assert.match(other.message, /SomethingNew: Echoing \*\*\* and \*\*\*/);
    });
  });
});
