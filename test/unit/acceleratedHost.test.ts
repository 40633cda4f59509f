import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasAcceleratedHost, splitUrl } from '../../src/core/s3Url';

// hasAcceleratedHost dropped its host regex for endsWith checks (speed): it must agree with the regex.
const REGEX = /^.+\.s3-accelerate(?:\.dualstack)?\.amazonaws\.com$/;
test('hasAcceleratedHost agrees with the host regex it replaced', () => {
  const hosts = [
    'b.s3-accelerate.amazonaws.com',
    'B.S3-Accelerate.AmazonAWS.com:443',
    'x.y.s3-accelerate.dualstack.amazonaws.com',
    's3-accelerate.amazonaws.com',
    '.s3-accelerate.amazonaws.com',
    's3-accelerate.dualstack.amazonaws.com',
    'b.s3.amazonaws.com',
    'b.s3-accelerate.amazonaws.com.evil',
    'bs3-accelerate.amazonaws.com',
    'b.s3-us-east-1.amazonaws.com',
    '[::1]',
    'b.s3-accelerate.dualstack.amazonaws.co',
    'a.s3-accelerate.amazonaws.com:',
  ];
  let accelerated = 0;
  for (const h of hosts) {
    for (const url of [`https://${h}/k.safetensors`, `http://${h}`, `https://${h}?x=1`]) {
      const u = splitUrl(url);
      const expected = u !== undefined && REGEX.test(u.hostname);
      if (expected) accelerated++;
      assert.equal(hasAcceleratedHost(url), expected, url);
    }
  }
  assert.ok(accelerated >= 9); // the list really holds accelerated hosts
  assert.equal(hasAcceleratedHost(42), false);
  assert.equal(hasAcceleratedHost('ftp://b.s3-accelerate.amazonaws.com/k'), false);
});
