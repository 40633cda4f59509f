/**
 * The S3 sync against OpenStack Swift's S3 front end (s3api), Debian's package: an
 * implementation nobody here wrote, which checks Signature V4 strictly, pages at 1000
 * keys and answers with real S3 error documents. Installed by the test run itself
 * (scripts/swift/install.sh), started on 127.0.0.1, stopped by its own PIDs.
 *
 * The same seed cases as s3Server.test.ts (s3rver), plus what only a strict server
 * shows: the endpoint from each of its five sources used for the URLs written,
 * profiles with and without endpoint_url, an IP endpoint without path-style, a wrong
 * secret, a missing bucket, a user without rights, real SlowDown, and the server
 * gone mid-listing.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadFiles } from '../../src/cli/common';
import { syncFromS3, syncWorkspace, type SyncProgress } from '../../src/flows/sync';
import { CLI_WORDING, describeS3Failure } from '../../src/flows/syncMessages';
import { createS3Lister, type S3Failure, type S3Settings, S3SyncError } from '../../src/services/s3';
import type { RetryNotice } from '../../src/services/s3Types';
import { parseText, tempDir } from '../support/helpers';
import { seedSwift, SWIFT_ADMIN, SWIFT_READER, type SwiftHandle, startSwift } from '../support/swift';
import { ACCEL, BUCKET, FIRST_JOB, PREFIX, RETRIED_JOB, SEED_OBJECTS, writeSeedWorkspace } from '../support/syncFixtures';

const MANY = 'many-models';
const MANY_COUNT = 1100; // two pages of ListObjectsV2
const NOW = new Date('2025-11-01T12:00:00Z');
const LIMIT = { timeout: 180_000 };

const ADMIN_ENV = { AWS_ACCESS_KEY_ID: SWIFT_ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: SWIFT_ADMIN.secretAccessKey };

let swift: SwiftHandle;
let ws: { dir: string; remove: () => Promise<void> };
let aws: { dir: string; remove: () => Promise<void> };
let paths: Record<string, string>;

async function load(dir: string) {
  return (await loadFiles([dir], { preferAcceleratedUrls: true })).map((f) => ({ path: f.path, text: f.text, analysis: f.analysis }));
}

/** A sync through the flow, as the CLI and the editor run it. */
async function sync(s3: S3Settings, dir = ws.dir, progress?: (p: SyncProgress) => void) {
  return syncFromS3(
    { files: await load(dir), s3, preferAcceleratedUrls: true },
    { createLister: createS3Lister, now: () => NOW, onProgress: progress },
  );
}

function failed(run: Awaited<ReturnType<typeof sync>>): S3Failure {
  assert.equal(run.ok, false, 'the sync fails');
  return (run as { failure: S3Failure }).failure;
}

/** Shared AWS files in a folder of their own, named through the environment. */
async function awsFiles(config: string, credentials: string): Promise<NodeJS.ProcessEnv> {
  const configPath = path.join(aws.dir, `config-${Math.random().toString(36).slice(2)}`);
  const credentialsPath = `${configPath}-credentials`;
  await fs.writeFile(configPath, config);
  await fs.writeFile(credentialsPath, credentials);
  return { AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentialsPath, HOME: aws.dir };
}

const ADMIN_KEYS = `aws_access_key_id = ${SWIFT_ADMIN.accessKeyId}\naws_secret_access_key = ${SWIFT_ADMIN.secretAccessKey}\n`;

before(async () => {
  swift = await startSwift();
  await seedSwift(swift.endpoint, BUCKET, SEED_OBJECTS);
  await seedSwift(
    swift.endpoint,
    MANY,
    Array.from({ length: MANY_COUNT }, (_, i) => ({ key: `models/style_${i % 10}_vV${Math.floor(i / 10) + 1}.safetensors` })),
  );
  ws = await tempDir('tv-swift-ws-');
  aws = await tempDir('tv-swift-aws-');
  paths = await writeSeedWorkspace(ws.dir);
});

after(async () => {
  await swift?.stop();
  await ws?.remove();
  await aws?.remove();
});

describe('S3 sync against Swift (s3api, strict Signature V4)', LIMIT, () => {
  test('every case of the seeds, through ListObjectsV2 and HeadObject', async () => {
    const run = await sync({
      bucket: BUCKET,
      prefix: PREFIX,
      endpoint: swift.endpoint,
      forcePathStyle: true,
      readMetadata: true,
      env: ADMIN_ENV,
    });
    assert.ok(run.ok, run.ok ? '' : describeS3Failure(run.failure, CLI_WORDING));
    const plan = run.result.plan;
    const fileOf = (folder: string) => plan.files.find((f) => f.path === paths[folder])!;
    const byId = (folder: string, id: string) => parseText(fileOf(folder).newText).versions.find((v) => v.id === id)!;
    assert.equal(run.result.objects, SEED_OBJECTS.length);
    assert.equal(run.result.region, 'us-east-1', 'a custom endpoint defaults to us-east-1');
    assert.equal(
      byId('1_ink_intensity', '3e248bb6-012c-4384-ae6c-4b19c126d093-e1').loraUrl,
      `${ACCEL}style_1_vV7.safetensors`,
      'accelerated URL kept',
    );
    assert.equal(
      byId('1_ink_intensity', 'style_1_vV8').loraUrl,
      `${swift.endpoint}/${BUCKET}/${PREFIX}style_1_vV8.safetensors`,
      "the new entry's URL is on Swift",
    );
    assert.deepEqual(
      fileOf('59_comic_halftone').updates.map((u) => u.rule),
      ['version-name'],
    );
    assert.deepEqual(
      fileOf('12_charcoal_sketch').updates.map((u) => u.rule),
      ['id-is-stem'],
    );
    assert.deepEqual(
      fileOf('3_watercolor_wash').updates.map((u) => [u.id, u.rule]),
      [
        [`${RETRIED_JOB}-e2`, 'job-id'],
        [FIRST_JOB, 'job-id'],
      ],
      'HeadObject metadata from Swift',
    );
    assert.deepEqual(
      plan.unplaced.map((u) => u.key),
      [`${PREFIX}style_99_vV1.safetensors`],
    );
  });

  test('1000 keys a page: two pages, progress from the first', async () => {
    const progress: SyncProgress[] = [];
    const dir = await tempDir('tv-swift-many-');
    try {
      await fs.mkdir(path.join(dir.dir, '3_style'));
      await fs.writeFile(path.join(dir.dir, '3_style', 'training_versions.json'), '{\n  "versions": []\n}\n');
      const run = await sync(
        { bucket: MANY, prefix: 'models/', endpoint: swift.endpoint, forcePathStyle: true, env: ADMIN_ENV },
        dir.dir,
        (p) => progress.push(p),
      );
      assert.ok(run.ok);
      assert.equal(run.result.pages, 2);
      assert.equal(run.result.objects, MANY_COUNT);
      assert.deepEqual(
        progress.filter((p) => p.phase === 'list'),
        [
          { phase: 'list', pages: 1, objects: 1000 },
          { phase: 'list', pages: 2, objects: MANY_COUNT },
        ],
      );
      assert.equal(run.result.plan.counts.added, MANY_COUNT / 10);
    } finally {
      await dir.remove();
    }
  });
});

describe('where S3 is: the endpoint from each of its sources, used for the URLs written', LIMIT, () => {
  const urlOfNew = (run: Awaited<ReturnType<typeof sync>>) => {
    assert.ok(run.ok, run.ok ? '' : describeS3Failure(run.failure, CLI_WORDING));
    return String(
      parseText(run.result.plan.files.find((f) => f.path === paths['1_ink_intensity'])!.newText).versions.find(
        (v) => v.id === 'style_1_vV8',
      )!.loraUrl,
    );
  };
  const expected = () => `${swift.endpoint}/${BUCKET}/${PREFIX}style_1_vV8.safetensors`;
  const DEAD = 'http://127.0.0.1:9'; // nothing listens on the discard port

  test('the setting / flag', async () => {
    const run = await sync({ bucket: BUCKET, prefix: PREFIX, endpoint: swift.endpoint, env: { ...ADMIN_ENV, AWS_ENDPOINT_URL_S3: DEAD } });
    assert.equal(urlOfNew(run), expected());
    assert.ok(run.ok && run.config?.endpoint.source === 'setting');
  });

  test('AWS_ENDPOINT_URL_S3, before AWS_ENDPOINT_URL', async () => {
    const run = await sync({
      bucket: BUCKET,
      prefix: PREFIX,
      env: { ...ADMIN_ENV, AWS_ENDPOINT_URL_S3: swift.endpoint, AWS_ENDPOINT_URL: DEAD, ...(await awsFiles('', '')) },
    });
    assert.equal(urlOfNew(run), expected(), 'not an s3-accelerate URL: the object is only on Swift');
    assert.ok(run.ok && run.config?.endpoint.source === 'AWS_ENDPOINT_URL_S3');
  });

  test('AWS_ENDPOINT_URL', async () => {
    const run = await sync({
      bucket: BUCKET,
      prefix: PREFIX,
      env: { ...ADMIN_ENV, AWS_ENDPOINT_URL: swift.endpoint, ...(await awsFiles('', '')) },
    });
    assert.equal(urlOfNew(run), expected());
  });

  test("the selected profile's services section, with the profile's own keys", async () => {
    const env = await awsFiles(
      `[default]\nendpoint_url = ${DEAD}\n\n[profile swift]\nservices = local-swift\n\n[services local-swift]\ns3 =\n  endpoint_url = ${swift.endpoint}\n`,
      `[swift]\n${ADMIN_KEYS}`,
    );
    const run = await sync({ bucket: BUCKET, prefix: PREFIX, profile: 'swift', env });
    assert.equal(urlOfNew(run), expected());
    assert.ok(run.ok && run.config?.endpoint.source === 'profile-services' && run.config.credentials.kind === 'profile');
  });

  test("the selected profile's endpoint_url (AWS_PROFILE), never [default]'s", async () => {
    const env = await awsFiles(
      `[default]\nendpoint_url = ${DEAD}\n\n[profile swift]\nendpoint_url = ${swift.endpoint}\n`,
      `[swift]\n${ADMIN_KEYS}`,
    );
    const run = await sync({ bucket: BUCKET, prefix: PREFIX, env: { ...env, AWS_PROFILE: 'swift' } });
    assert.equal(urlOfNew(run), expected());
    assert.ok(run.ok && run.config?.endpoint.source === 'profile');
  });

  test("a profile without endpoint_url: the profile's keys with the endpoint setting; [default]'s endpoint is not taken", async () => {
    const env = await awsFiles(
      `[default]\nendpoint_url = ${DEAD}\n\n[profile keysonly]\nregion = us-east-1\n`,
      `[keysonly]\n${ADMIN_KEYS}`,
    );
    const lister = await createS3Lister({ bucket: BUCKET, profile: 'keysonly', env });
    assert.equal(lister.config?.endpoint.source, 'aws', "no endpoint of its own: AWS, not [default]'s");
    lister.destroy();
    const run = await sync({ bucket: BUCKET, prefix: PREFIX, profile: 'keysonly', endpoint: swift.endpoint, env });
    assert.equal(urlOfNew(run), expected());
  });

  test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS skips the environment's and the profile's endpoints", async () => {
    const env = await awsFiles(`[profile swift]\nendpoint_url = ${swift.endpoint}\nregion = us-west-1\n`, `[swift]\n${ADMIN_KEYS}`);
    const lister = await createS3Lister({
      bucket: BUCKET,
      profile: 'swift',
      env: { ...env, AWS_ENDPOINT_URL_S3: swift.endpoint, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
    });
    assert.deepEqual(
      [lister.config?.endpoint.source, lister.config?.endpoint.url, lister.config?.region?.value],
      ['aws', undefined, 'us-west-1'],
    );
    lister.destroy();
  });

  test('an unknown profile is said as such, before any request', async () => {
    const env = await awsFiles('[profile swift]\n', '');
    const f = failed(await sync({ bucket: BUCKET, prefix: PREFIX, profile: 'nope', endpoint: swift.endpoint, env }));
    assert.equal(f.kind, 'unknown-profile');
    assert.match(describeS3Failure(f, CLI_WORDING), /^There is no AWS profile "nope"/);
  });

  test('an IP endpoint without path-style: requests and URLs path-style; an unreachable <bucket>.<IP> URL is repaired', async () => {
    const host = new URL(swift.endpoint).host;
    const broken = `http://${BUCKET}.${host}/${PREFIX}style_1_vV8.safetensors`;
    const dir = await tempDir('tv-swift-ip-');
    try {
      await fs.mkdir(path.join(dir.dir, '1_ink'));
      await fs.writeFile(
        path.join(dir.dir, '1_ink', 'training_versions.json'),
        JSON.stringify({ versions: [{ id: 'style_1_vV8', name: 'V8', status: 'completed', loraUrl: broken, parameters: {} }] }, null, 2) +
          '\n',
      );
      const run = await sync({ bucket: BUCKET, prefix: PREFIX, endpoint: swift.endpoint, forcePathStyle: false, env: ADMIN_ENV }, dir.dir);
      assert.ok(run.ok, run.ok ? '' : describeS3Failure(run.failure, CLI_WORDING));
      const f = run.result.plan.files[0];
      assert.deepEqual(
        f.updates[0].changes.find((c) => c.field === 'loraUrl'),
        { field: 'loraUrl', from: broken, to: `${swift.endpoint}/${BUCKET}/${PREFIX}style_1_vV8.safetensors` },
      );
      for (const a of f.additions) assert.ok(String(a.entry.loraUrl).startsWith(`${swift.endpoint}/${BUCKET}/`), String(a.entry.loraUrl));
    } finally {
      await dir.remove();
    }
  });
});

describe('errors from a strict server', LIMIT, () => {
  test('a wrong secret: rejected, the hint names where the key came from, no secret in the message', async () => {
    const env = { AWS_ACCESS_KEY_ID: SWIFT_ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret-0123' };
    const f = failed(await sync({ bucket: BUCKET, prefix: PREFIX, endpoint: swift.endpoint, forcePathStyle: true, env }));
    assert.equal(f.kind, 'credentials');
    assert.equal(f.code, 'SignatureDoesNotMatch');
    const m = describeS3Failure(f, CLI_WORDING);
    assert.match(m, /rejected your credentials \(SignatureDoesNotMatch\).*AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY in the environment/);
    assert.ok(!m.includes('not-the-secret-0123'));
  });

  test('a missing bucket', async () => {
    const f = failed(
      await sync({ bucket: 'tv-no-such-bucket', prefix: PREFIX, endpoint: swift.endpoint, forcePathStyle: true, env: ADMIN_ENV }),
    );
    assert.equal(f.kind, 'no-such-bucket');
    assert.equal(
      describeS3Failure(f, CLI_WORDING),
      `The bucket "tv-no-such-bucket" does not exist on ${swift.endpoint}. Check --bucket and --endpoint.`,
    );
  });

  test('a user without rights: AccessDenied names the permission', async () => {
    const env = { AWS_ACCESS_KEY_ID: SWIFT_READER.accessKeyId, AWS_SECRET_ACCESS_KEY: SWIFT_READER.secretAccessKey };
    const f = failed(await sync({ bucket: BUCKET, prefix: PREFIX, endpoint: swift.endpoint, forcePathStyle: true, env }));
    assert.equal(f.kind, 'access-denied');
    assert.match(
      describeS3Failure(f, CLI_WORDING),
      new RegExp(`Access denied by ${new URL(swift.endpoint).host.replace(/\./g, '\\.')} .*needs s3:ListBucket on arn:aws:s3:::${BUCKET}`),
    );
  });

  test("real SlowDown from Swift's rate limit: every retry announced, then throttled", async () => {
    const retries: RetryNotice[] = [];
    let f: S3Failure | undefined;
    // The limit is one listing a second: listings in quick succession are throttled.
    for (let k = 0; k < 5 && !f; k++) {
      const run = await sync(
        {
          bucket: BUCKET,
          prefix: PREFIX,
          endpoint: swift.throttledEndpoint,
          forcePathStyle: true,
          env: ADMIN_ENV,
          maxAttempts: 3,
          retryBaseMs: 5,
        },
        ws.dir,
        (p) => {
          if (p.phase === 'retry') retries.push(p.retry);
        },
      );
      if (!run.ok) f = run.failure;
    }
    assert.ok(f, 'a listing was throttled');
    assert.equal(f.kind, 'throttled');
    assert.equal(f.code, 'SlowDown');
    assert.equal(f.attempts, 3);
    assert.ok(
      retries.length >= 2 && retries.every((r) => r.reason === 'SlowDown' && r.host === new URL(swift.throttledEndpoint).host),
      JSON.stringify(retries),
    );
    assert.match(describeS3Failure(f, CLI_WORDING), /throttling requests \(SlowDown\) and kept doing so after 3 attempts/);
  });

  // Last: it stops the proxy.
  test('the server stopped mid-listing: a network error naming the endpoint, nothing planned', async () => {
    const lister = await createS3Lister({
      bucket: MANY,
      prefix: 'models/',
      endpoint: swift.endpoint,
      forcePathStyle: true,
      env: ADMIN_ENV,
      maxAttempts: 2,
      retryBaseMs: 10,
    });
    try {
      await assert.rejects(
        syncWorkspace([], lister, { bucket: MANY, prefix: 'models/', preferAcceleratedUrls: true, now: NOW }, (p) => {
          if (p.phase === 'list' && p.pages === 1) swift.killProxy();
        }),
        (e: unknown) => {
          assert.ok(e instanceof S3SyncError);
          assert.equal(e.kind, 'network');
          assert.match(
            describeS3Failure(e.failure, CLI_WORDING),
            new RegExp(
              `^Lost the connection to ${swift.endpoint.replace(/[.:/]/g, '\\$&')} while listing ` +
                `s3://${MANY}/models/ \\((ECONNREFUSED|connection reset|ECONNRESET)\\)\\. Tried 2 ` +
                `times\\..*nothing was written`,
            ),
          );
          return true;
        },
      );
    } finally {
      lister.destroy();
    }
  });
});
