/** SPEC.md §1: S3 URL spellings, keys, stems and labels, style ids, base job ids. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baseJobId, fileStem, isJobId, normaliseLabel, parseModelStem, styleIdOfFolder, versionNameOf } from '../../src/core/identity';
import { acceleratedUrl, canAccelerate, isHttpUrl, linkUrl, objectIdentity, parseS3Url, urlFileName } from '../../src/core/s3Url';
import { BUCKET, PREFIX, REGION, urlSpellings } from '../support/helpers';

const KEY = `${PREFIX}style_1_vV7.safetensors`;

describe('S3 URL spellings (§1)', () => {
  const spellings = urlSpellings(BUCKET, KEY);

  test('the test covers every spelling §1 lists', () => {
    assert.deepEqual(Object.keys(spellings).sort(), [
      'accelerated',
      'acceleratedDualStack',
      'dualStack',
      'global',
      'pathStyle',
      'virtualHostedDash',
      'virtualHostedRegion',
    ]);
  });

  for (const [spelling, url] of Object.entries(spellings)) {
    test(`${spelling} names (bucket, key)`, () => {
      const loc = parseS3Url(url);
      assert.ok(loc, url);
      assert.equal(loc.bucket, BUCKET);
      assert.equal(loc.key, KEY);
      assert.equal(loc.accelerated, spelling.startsWith('accelerated'));
      if (['virtualHostedRegion', 'virtualHostedDash', 'dualStack', 'pathStyle'].includes(spelling)) assert.equal(loc.region, REGION);
    });
  }

  test('all spellings share one object identity', () => {
    const ids = new Set(Object.values(spellings).map((u) => objectIdentity(parseS3Url(u)!)));
    assert.equal(ids.size, 1);
  });

  test('keys are compared after URL-decoding', () => {
    const plain = parseS3Url(`https://${BUCKET}.s3.${REGION}.amazonaws.com/models/my style+v1/style_1_vV7.safetensors`)!;
    const encoded = parseS3Url(`https://${BUCKET}.s3-accelerate.amazonaws.com/models/my%20style%2Bv1/style_1_vV7%2Esafetensors`)!;
    assert.equal(encoded.key, 'models/my style+v1/style_1_vV7.safetensors');
    assert.equal(objectIdentity(plain), objectIdentity(encoded));
    // The raw spelling is kept for rewrites.
    assert.equal(encoded.rawKey, 'models/my%20style%2Bv1/style_1_vV7%2Esafetensors');
  });

  test('a malformed escape does not throw and compares raw', () => {
    const loc = parseS3Url(`https://${BUCKET}.s3.amazonaws.com/models/100%/style_1_vV7.safetensors`);
    assert.equal(loc?.key, 'models/100%/style_1_vV7.safetensors');
  });

  test('different key, bucket or file name are different objects', () => {
    const base = objectIdentity(parseS3Url(spellings.accelerated)!);
    const others = [
      `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}archive/style_1_vV7.safetensors`,
      `https://other-bucket.s3-accelerate.amazonaws.com/${KEY}`,
      `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}style_1_vV70.safetensors`,
      `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}style_11_vV7.safetensors`,
    ];
    for (const u of others) assert.notEqual(objectIdentity(parseS3Url(u)!), base, u);
  });

  test('host names are case-insensitive; the query is not part of the key', () => {
    const loc = parseS3Url(`HTTPS://Storyboard-User-Files.S3.US-WEST-1.AMAZONAWS.COM/${KEY}?versionId=3`)!;
    assert.equal(loc.bucket, BUCKET);
    assert.equal(loc.key, KEY);
    assert.equal(loc.suffix, '?versionId=3');
  });

  test('buckets with dots parse in every spelling, also when a label of the bucket is "s3"', () => {
    for (const dotted of ['models.example.com', 'data.s3', 'archive.s3.backup', 's3.models']) {
      const all = urlSpellings(dotted, KEY);
      assert.equal(all.accelerated, undefined);
      for (const u of Object.values(all)) {
        const loc = parseS3Url(u);
        assert.equal(loc?.bucket, dotted, u);
        assert.equal(loc?.key, KEY, u);
        assert.equal(loc?.accelerated, false, u);
      }
    }
  });

  test('buckets with dots have no accelerated form', () => {
    assert.equal(canAccelerate('models.example.com'), false);
    assert.equal(acceleratedUrl(parseS3Url(`https://models.example.com.s3.${REGION}.amazonaws.com/${KEY}`)!), undefined);
    assert.equal(acceleratedUrl(parseS3Url(`https://s3.${REGION}.amazonaws.com/models.example.com/${KEY}`)!), undefined);
    assert.equal(canAccelerate(BUCKET), true);
  });

  test('the accelerated form of every regular spelling is the same URL', () => {
    for (const u of Object.values(spellings)) {
      assert.equal(acceleratedUrl(parseS3Url(u)!), spellings.accelerated, u);
    }
  });

  test('what is not an S3 object URL', () => {
    for (const u of [
      'https://example.com/style_1_vV7.safetensors',
      `https://${BUCKET}.s3-accelerate.amazonaws.com/`,
      `https://s3.${REGION}.amazonaws.com/${BUCKET}`,
      'ftp:/nothing',
      '',
      'style_1_vV7.safetensors',
    ]) {
      assert.equal(parseS3Url(u), undefined, u);
    }
  });
});

describe('file names, stems and labels (§1)', () => {
  test('urlFileName is the decoded last path segment', () => {
    assert.equal(urlFileName(`https://${BUCKET}.s3.amazonaws.com/${KEY}`), 'style_1_vV7.safetensors');
    assert.equal(urlFileName('https://cdn.example.com/a/style_1_v%207.safetensors?x=1'), 'style_1_v 7.safetensors');
    assert.equal(urlFileName('https://cdn.example.com/a/'), undefined);
  });

  test('fileStem strips .safetensors only', () => {
    assert.equal(fileStem('style_1_vV7.safetensors'), 'style_1_vV7');
    assert.equal(fileStem('style_1_vV7.ckpt'), undefined);
    assert.equal(fileStem('.safetensors'), undefined);
  });

  test('style_1_vV7 → V7 and style_1_v7 → V7', () => {
    assert.deepEqual(parseModelStem('style_1_vV7'), { stem: 'style_1_vV7', styleId: '1', label: 'V7' });
    assert.deepEqual(parseModelStem('style_1_v7'), { stem: 'style_1_v7', styleId: '1', label: 'V7' });
    assert.equal(parseModelStem('style_1_vv7')?.label, 'V7');
    assert.equal(parseModelStem('style_59_vV4')?.styleId, '59');
  });

  test('labels that must stay apart', () => {
    assert.equal(parseModelStem('style_1_vV70')?.label, 'V70');
    assert.equal(parseModelStem('style_11_vV7')?.styleId, '11');
    assert.notEqual(parseModelStem('style_1_vV70')?.label, parseModelStem('style_1_vV7')?.label);
  });

  test('not a model stem', () => {
    for (const s of ['style_1_7', 'style_x_vV7', 'style_1_v', 'lora_1_vV7', '3e248bb6-012c-4384-ae6c-4b19c126d093-e1']) {
      assert.equal(parseModelStem(s), undefined, s);
    }
  });

  test('normaliseLabel: upper-case, one V of VV stripped, bare number gets V', () => {
    assert.equal(normaliseLabel('V7'), 'V7');
    assert.equal(normaliseLabel('v7'), 'V7');
    assert.equal(normaliseLabel('vV7'), 'V7');
    assert.equal(normaliseLabel('7'), 'V7');
    assert.equal(normaliseLabel('VV7'), 'V7');
    assert.equal(normaliseLabel(''), undefined);
  });

  test('version name: a version label, never a file name', () => {
    assert.equal(versionNameOf('V4'), 'V4');
    assert.equal(versionNameOf('v4'), 'V4');
    assert.equal(versionNameOf('4'), 'V4');
    assert.equal(versionNameOf('style_59_vV4.safetensors'), undefined);
    assert.equal(versionNameOf('style_59_vV4'), undefined);
    assert.equal(versionNameOf('V4 final'), undefined);
    assert.equal(versionNameOf(4), undefined);
  });

  test('style id of a folder: its leading digits', () => {
    assert.equal(styleIdOfFolder('1_ink_intensity'), '1');
    assert.equal(styleIdOfFolder('59_comic_halftone'), '59');
    assert.equal(styleIdOfFolder('ink_intensity'), undefined);
    assert.equal(styleIdOfFolder('v2_ink'), undefined);
  });
});

describe('RunPod job ids (§1)', () => {
  test('base id strips one trailing -e<N> or -u<N>', () => {
    assert.equal(baseJobId('26945dbf-4e87-4574-ad26-b1f71e865942-e2'), '26945dbf-4e87-4574-ad26-b1f71e865942');
    assert.equal(baseJobId('26945dbf-4e87-4574-ad26-b1f71e865942-e12'), '26945dbf-4e87-4574-ad26-b1f71e865942');
    assert.equal(baseJobId('c80ffee4-f315-4e85-9a25-b3f4c8ec35dc-u1'), 'c80ffee4-f315-4e85-9a25-b3f4c8ec35dc');
    assert.equal(baseJobId('26945dbf-4e87-4574-ad26-b1f71e865942'), '26945dbf-4e87-4574-ad26-b1f71e865942');
    assert.equal(baseJobId('x-e1-e2'), 'x-e1');
    assert.equal(baseJobId('style_1_vV7'), 'style_1_vV7');
  });

  test('any -<letter><digits> suffix is one (§1), never a bare UUID whose last group reads so', () => {
    const J = '26945dbf-4e87-4574-ad26-b1f71e865942';
    for (const suffix of ['-r1', '-a3', '-R2', '-z10']) assert.equal(baseJobId(J + suffix), J, suffix);
    for (const notSuffix of ['-1', '-e', '-éé1', '_e1', '-ee1']) assert.equal(baseJobId(J + notSuffix), J + notSuffix, notSuffix);
    // A bare UUID's last group can be a letter and eleven digits: it is the id itself.
    assert.equal(baseJobId('26945dbf-4e87-4574-ad26-a12345678901'), '26945dbf-4e87-4574-ad26-a12345678901');
    assert.equal(isJobId(`${J}-r1`), true);
  });

  test('isJobId', () => {
    assert.equal(isJobId('26945dbf-4e87-4574-ad26-b1f71e865942-e2'), true);
    assert.equal(isJobId('26945dbf-4e87-4574-ad26-b1f71e865942'), true);
    assert.equal(isJobId('style_1_vV7'), false);
  });
});

describe('links: the one http(s) rule for opening, copying and RunPod output', () => {
  test('a trimmed http(s) URL without whitespace inside is a link', () => {
    assert.equal(linkUrl('  https://b.s3.amazonaws.com/k.safetensors\n'), 'https://b.s3.amazonaws.com/k.safetensors');
    assert.equal(linkUrl('HTTP://127.0.0.1:9000/b/k'), 'HTTP://127.0.0.1:9000/b/k');
  });
  test('anything else is not: other schemes, inner spaces, no host, non-strings', () => {
    for (const v of [
      's3://b/k',
      'ftp://h/k',
      'https://h/a b',
      'https://',
      'see https://h/k',
      '',
      42,
      null,
      undefined,
      { url: 'https://h' },
    ]) {
      assert.equal(linkUrl(v), undefined, String(v));
    }
  });
  test('the RunPod API URL check accepts an http(s) base URL and refuses the rest', () => {
    assert.equal(isHttpUrl('https://api.runpod.ai/v2'), true);
    assert.equal(isHttpUrl('http://127.0.0.1:8080'), true);
    for (const v of ['api.runpod.ai/v2', 'https://', 'https:// api', 'file:///v2']) assert.equal(isHttpUrl(v), false, v);
  });
});
