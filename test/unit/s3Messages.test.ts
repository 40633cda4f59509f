/**
 * The S3 sync's failures are data (`S3Failure`), worded by each surface: the CLI
 * names flags, the editor names settings, from the same facts. And where S3 is and
 * whose credentials are used is resolved in the order SPEC.md §5 gives.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planSync } from '../../src/core/s3Sync';
import { planView } from '../../src/flows/sync';
import {
  CLI_WORDING,
  describeEndpoint,
  describeNotice,
  describeRetry,
  describeS3Failure,
  EDITOR_WORDING,
} from '../../src/flows/syncMessages';
import { parseAwsIni, resolveS3Config } from '../../src/services/s3Config';
import { classifyS3Error, type S3Settings } from '../../src/services/s3';

describe('S3 failures worded per surface', () => {
  const custom: S3Settings = { bucket: 'b', prefix: 'p/', region: 'us-east-1', endpoint: 'http://127.0.0.1:9' };
  const aws: S3Settings = { bucket: 'b', prefix: 'p/' };
  const cases: [string, unknown, S3Settings, 'list' | 'head', RegExp, RegExp][] = [
    [
      'no credentials',
      { name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
      aws,
      'list',
      /the trainingVersions\.s3\.profile setting/,
      /pass it with --profile/,
    ],
    [
      'no region',
      { name: 'Error', message: 'Region is missing' },
      aws,
      'list',
      /Set trainingVersions\.s3\.region, set AWS_REGION/,
      /Pass --region, set AWS_REGION/,
    ],
    [
      'wrong region, named',
      {
        name: 'PermanentRedirect',
        $metadata: { httpStatusCode: 301 },
        $response: { statusCode: 301, headers: { 'x-amz-bucket-region': 'eu-west-1' } },
      },
      aws,
      'list',
      /Set trainingVersions\.s3\.region to eu-west-1\./,
      /Pass --region eu-west-1\./,
    ],
    [
      'wrong region, unnamed',
      { name: 'PermanentRedirect', $metadata: { httpStatusCode: 301 } },
      aws,
      'list',
      /Set trainingVersions\.s3\.region to the bucket's region\./,
      /Pass --region to the bucket's region\./,
    ],
    [
      'no such bucket',
      { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } },
      custom,
      'list',
      /Check trainingVersions\.s3\.bucket and trainingVersions\.s3\.endpoint\./,
      /Check --bucket and --endpoint\./,
    ],
    [
      'head denied',
      { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
      aws,
      'head',
      /\(for trainingVersions\.s3\.readMetadata; or sync without it\)/,
      /\(for --read-metadata; or sync without it\)/,
    ],
    [
      'DNS on a virtual-hosted endpoint',
      { name: 'Error', message: 'getaddrinfo ENOTFOUND b.minio.internal', code: 'ENOTFOUND' },
      { bucket: 'b', endpoint: 'http://minio.internal:9000', region: 'us-east-1' },
      'list',
      /does not resolve \(ENOTFOUND\).*path-style: Turn on trainingVersions\.s3\.forcePathStyle/,
      /does not resolve \(ENOTFOUND\).*path-style: Pass --path-style/,
    ],
  ];
  for (const [name, error, s, op, editor, cli] of cases) {
    test(name, () => {
      const f = classifyS3Error(error, s, undefined, op, undefined, 'p/style_1_vV1.safetensors').failure;
      const inEditor = describeS3Failure(f, EDITOR_WORDING);
      const inCli = describeS3Failure(f, CLI_WORDING);
      assert.match(inEditor, editor);
      assert.doesNotMatch(inEditor, /--[a-z]|in the editor/, inEditor);
      assert.match(inCli, cli);
      assert.doesNotMatch(inCli, /trainingVersions\./, inCli);
    });
  }

  test('a failure names the host that was tried, on AWS too', () => {
    const f = classifyS3Error(
      { name: 'Error', message: 'getaddrinfo ENOTFOUND', code: 'ENOTFOUND' },
      { bucket: 'models', region: 'us-west-1' },
      undefined,
      'list',
    ).failure;
    assert.equal(f.kind, 'dns');
    assert.equal(f.host, 'models.s3.us-west-1.amazonaws.com');
    assert.match(describeS3Failure(f, CLI_WORDING), /The name models\.s3\.us-west-1\.amazonaws\.com does not resolve \(ENOTFOUND\)/);
  });

  test('a rejected key names where the key came from, and "needs"', () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIAZZZZTESTKEYID0001', AWS_SECRET_ACCESS_KEY: 'x'.repeat(20) };
    const fromEnv = resolveS3Config({}, env, {});
    const fromProfile = resolveS3Config({ profile: 'work' }, {}, { config: '[profile work]\nregion = eu-west-1\n' });
    const sig = { name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } };
    assert.match(
      describeS3Failure(classifyS3Error(sig, { bucket: 'b', env }, fromEnv, 'list').failure, CLI_WORDING),
      /check AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY in the environment/,
    );
    const p = describeS3Failure(classifyS3Error(sig, { bucket: 'b' }, fromProfile, 'list').failure, CLI_WORDING);
    assert.match(p, /rejected the profile "work"/);
    assert.match(p, /the keys of the profile "work"/);
    assert.doesNotMatch(p, /AWS_SECRET_ACCESS_KEY/);
    const denied = describeS3Failure(
      classifyS3Error({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, { bucket: 'b' }, fromProfile, 'list').failure,
      CLI_WORDING,
    );
    assert.match(denied, /The profile "work" needs s3:ListBucket on arn:aws:s3:::b/);
  });

  test('retries are announced with the host, the attempt and the wait', () => {
    assert.equal(
      describeRetry({ op: 'list', attempt: 1, maxAttempts: 3, delayMs: 500, reason: 'SlowDown', host: '127.0.0.1:9000' }),
      '127.0.0.1:9000 answered SlowDown (listing, attempt 1 of 3); retrying in 0.5 s.',
    );
    assert.match(
      describeRetry({ op: 'list', attempt: 2, maxAttempts: 3, delayMs: 1000, reason: 'timed out', host: 'h' }),
      /^h did not answer in time/,
    );
    assert.match(
      describeRetry({ op: 'head', attempt: 1, maxAttempts: 3, delayMs: 500, reason: 'ECONNRESET', host: 'h' }),
      /^h failed \(ECONNRESET\) \(metadata/,
    );
  });
});

describe("where S3 is: one endpoint, in the SDKs' order (SPEC.md §5)", () => {
  const config = [
    '[default]',
    'region = us-west-1',
    'endpoint_url = http://default.example:9000',
    '',
    '[profile plain]',
    'region = eu-west-1',
    '',
    '[profile own]',
    'endpoint_url = http://own.example:9000',
    '',
    '[profile svc]',
    'services = local',
    'endpoint_url = http://ignored.example',
    '',
    '[services local]',
    's3 =',
    '  endpoint_url = http://services.example:9000',
    '',
    '[profile quiet]',
    'endpoint_url = http://quiet.example',
    'ignore_configured_endpoint_urls = true',
    '',
  ].join('\n');
  const files = { config };

  test("the setting / flag first, then AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the services section, the profile's endpoint_url, else AWS", () => {
    const env = { AWS_ENDPOINT_URL_S3: 'http://s3env.example', AWS_ENDPOINT_URL: 'http://env.example' };
    assert.deepEqual(
      [
        resolveS3Config({ endpoint: 'http://flag.example' }, env, files).endpoint.url,
        resolveS3Config({ endpoint: 'http://flag.example' }, env, files).endpoint.source,
      ],
      ['http://flag.example', 'setting'],
    );
    assert.equal(resolveS3Config({}, env, files).endpoint.source, 'AWS_ENDPOINT_URL_S3');
    assert.equal(resolveS3Config({}, { AWS_ENDPOINT_URL: 'http://env.example' }, files).endpoint.url, 'http://env.example');
    const svc = resolveS3Config({ profile: 'svc' }, {}, files).endpoint;
    assert.deepEqual([svc.url, svc.source, svc.services], ['http://services.example:9000', 'profile-services', 'local']);
    assert.deepEqual(
      [resolveS3Config({ profile: 'own' }, {}, files).endpoint.url, resolveS3Config({ profile: 'own' }, {}, files).endpoint.source],
      ['http://own.example:9000', 'profile'],
    );
    assert.equal(resolveS3Config({}, {}, files).endpoint.url, 'http://default.example:9000', '[default] when no profile is named');
  });

  test("the SELECTED profile's endpoint, never [default]'s", () => {
    const plain = resolveS3Config({ profile: 'plain' }, {}, files);
    assert.equal(plain.endpoint.source, 'aws');
    assert.equal(plain.endpoint.url, undefined);
    assert.equal(plain.region?.value, 'eu-west-1');
    assert.equal(
      resolveS3Config({}, { AWS_PROFILE: 'own' }, files).endpoint.url,
      'http://own.example:9000',
      'AWS_PROFILE selects the profile too',
    );
  });

  test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's switch) skips environment and profile, not the setting", () => {
    const env = { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_S3: 'http://s3env.example' };
    const r = resolveS3Config({}, env, files);
    assert.deepEqual([r.endpoint.source, r.endpoint.url, r.endpoint.ignoredConfigured], ['aws', undefined, true]);
    assert.equal(resolveS3Config({ endpoint: 'http://flag.example' }, env, files).endpoint.url, 'http://flag.example');
    assert.equal(resolveS3Config({ profile: 'quiet' }, {}, files).endpoint.url, undefined);
  });

  test('region: setting, AWS_REGION, AWS_DEFAULT_REGION, the profile; us-east-1 on a custom endpoint', () => {
    assert.equal(resolveS3Config({ region: 'ap-south-1' }, { AWS_REGION: 'x' }, files).region?.value, 'ap-south-1');
    assert.equal(resolveS3Config({}, { AWS_DEFAULT_REGION: 'ca-central-1' }, files).region?.value, 'ca-central-1');
    const own = resolveS3Config({ profile: 'own' }, {}, files).region;
    assert.deepEqual([own?.value, own?.from], ['us-east-1', 'custom-endpoint']);
    assert.equal(resolveS3Config({ profile: 'plain' }, {}, {}).region, undefined, 'AWS with no region anywhere: none (the sync says so)');
  });

  test("credentials as the AWS CLI: the profile named; else the environment's keys; else AWS_PROFILE; else the chain; one notice per conflict", () => {
    const keys = { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' };
    const named = resolveS3Config({ profile: 'plain' }, { ...keys, AWS_PROFILE: 'own' }, files);
    assert.deepEqual(named.credentials, { kind: 'profile', profile: 'plain', from: 'setting' });
    assert.deepEqual(named.notices, [{ kind: 'env-keys-ignored', profile: 'plain' }]);
    const envWins = resolveS3Config({}, { ...keys, AWS_PROFILE: 'own' }, files);
    assert.deepEqual(envWins.credentials, { kind: 'env' });
    assert.deepEqual(envWins.notices, [{ kind: 'aws-profile-ignored', profile: 'own' }]);
    assert.match(
      describeNotice(envWins.notices[0], CLI_WORDING),
      /^Using AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY from the environment, as the AWS CLI does; AWS_PROFILE=own is not used/,
    );
    assert.equal(describeNotice(envWins.notices[0], CLI_WORDING).split('\n').length, 1, 'one line');
    assert.deepEqual(resolveS3Config({}, { AWS_PROFILE: 'own' }, files).credentials, {
      kind: 'profile',
      profile: 'own',
      from: 'AWS_PROFILE',
    });
    assert.deepEqual(resolveS3Config({}, {}, files).credentials, { kind: 'chain' });
  });

  test('a profile that exists in neither file is known to be missing', () => {
    assert.equal(resolveS3Config({ profile: 'nope' }, {}, files).profile.exists, false);
    assert.equal(resolveS3Config({ profile: 'creds' }, {}, { credentials: '[creds]\naws_access_key_id = x\n' }).profile.exists, true);
  });

  test('the output says which endpoint and where it came from', () => {
    const r = resolveS3Config({}, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' }, {});
    assert.equal(
      describeEndpoint(r, CLI_WORDING, true),
      'on http://127.0.0.1:9000 (from AWS_ENDPOINT_URL_S3, path-style; region us-east-1)',
    );
    assert.equal(
      describeEndpoint(resolveS3Config({ endpoint: 'http://h:1' }, {}, {}), EDITOR_WORDING),
      'on http://h:1 (from trainingVersions.s3.endpoint; region us-east-1)',
    );
    assert.equal(
      describeEndpoint(resolveS3Config({ region: 'us-west-1' }, {}, {}), CLI_WORDING),
      'on AWS S3 in us-west-1 (no endpoint configured)',
    );
  });

  test('INI parsing: comments, sub-sections, spacing', () => {
    const p = parseAwsIni('# c\n[profile  a]\nkey = v ; note\n s3 =\n   endpoint_url = http://x\n');
    assert.equal(p.sections.get('profile a')?.get('key'), 'v');
    assert.equal(p.sections.get('profile a')?.get('s3.endpoint_url'), 'http://x');
  });
});

describe('the sync log groups model files without a folder by style', () => {
  test('2,501 files of one style: one row with a count and three examples', () => {
    const objects = Array.from({ length: 2501 }, (_, k) => ({ key: `m/style_88_vV${k + 1}.safetensors` }));
    objects.push({ key: 'm/style_89_vV1.safetensors' });
    const plan = planSync(objects, [], { bucket: 'b', region: 'us-west-1', preferAcceleratedUrls: true, now: '2025-11-01T00:00:00.000Z' });
    const view = planView(plan, 'm/');
    assert.equal(view.unplaced.length, 2);
    assert.deepEqual(
      { ...view.unplaced[0], reason: undefined },
      {
        styleId: '88',
        count: 2501,
        examples: ['style_88_vV1.safetensors', 'style_88_vV10.safetensors', 'style_88_vV100.safetensors'],
        reason: undefined,
      },
    );
    assert.equal(view.unplaced[1].count, 1);
  });
});
