/** urlUpgradeOf (src/core/versions.ts), the clean-up's URL upgrade from an entry's URL as split, is upgradeUrl of its loraUrl. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../src/core/findings';
import { upgradeUrl } from '../../src/core/merge';
import { urlUpgradeOf, type Version } from '../../src/core/versions';

const URLS: unknown[] = [
  'https://bucket-a.s3-accelerate.amazonaws.com/style_1_vV1.safetensors',
  'https://bucket-a.s3-accelerate.dualstack.amazonaws.com/k/style_1_vV2.safetensors',
  'https://bucket-a.s3.us-west-2.amazonaws.com/k/style_1_vV3.safetensors',
  'https://bucket-a.s3.amazonaws.com/k%2Fa/style_1_vV4.safetensors',
  'https://BUCKET-A.S3-US-WEST-2.AMAZONAWS.COM:443/style_1_vV5.safetensors',
  'https://s3.eu-west-1.amazonaws.com/bucket-a/style_1_vV6.safetensors',
  'https://bucket.with.dots.s3.amazonaws.com/style_1_vV7.safetensors',
  'https://bucket-a.s3.amazonaws.com/style_1_vV8.safetensors?X-Amz-Signature=abc',
  'https://bucket-a.s3.amazonaws.com/style_1_vV9.safetensors#frag',
  'https://example.com/style_1_vV10.safetensors',
  'https://s3-accelerate.amazonaws.com/style_1_vV11.safetensors',
  ' https://bucket-a.s3.amazonaws.com/style_1_vV12.safetensors ',
  'ftp://bucket-a.s3.amazonaws.com/style_1_vV13.safetensors',
  '',
  42,
  null,
];

describe('urlUpgradeOf', () => {
  test('equals upgradeUrl(loraUrl) for every spelling, and for entries not made by versionsOf', () => {
    const text = JSON.stringify({ versions: URLS.map((loraUrl, i) => ({ id: `e${i}`, loraUrl })) });
    const { versions } = analyze(text, { now: Date.now(), styleId: '1' });
    assert.equal(versions.length, URLS.length);
    let upgraded = 0;
    for (const v of versions) {
      const url = v.value.loraUrl;
      const expected = typeof url === 'string' ? upgradeUrl(url) : undefined;
      if (expected !== undefined) upgraded++;
      assert.equal(urlUpgradeOf(v), expected, String(url));
      const plain: Version = { node: v.node, index: v.index, value: v.value, minimal: v.minimal };
      assert.equal(urlUpgradeOf(plain), expected, String(url));
    }
    assert.ok(upgraded >= 4);
  });
});
