/** SPEC.md §3: every finding code with its exact range, severity, versionId and related location. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTree } from 'jsonc-parser';
import { LineIndex, documentPositions, parseDocument, positionsAt } from '../../src/core/document';
import { analyze, type Finding } from '../../src/core/findings';
import {
  BUCKET,
  JOB,
  NOW,
  PREFIX,
  acceleratedModelUrl,
  codes,
  detailed,
  file,
  findingsOf,
  fixAll,
  minimal,
  regularModelUrl,
  textAt,
  urlSpellings,
} from '../support/helpers';

function only(text: string, code: Finding['code'], options: Partial<Parameters<typeof analyze>[1]> = {}): Finding {
  const fs = findingsOf(analyze(text, { now: NOW, ...options }), code);
  assert.equal(fs.length, 1, `exactly one ${code}, got ${fs.length}`);
  return fs[0];
}

describe('invalid-json', () => {
  const cases: [string, string, string][] = [
    ['a trailing comma', '{"versions": [1,]}', ']'],
    ['a comment', '{"versions": [] // note\n}', '// note'],
    ['text after the value', '{"versions": []} x', 'x'],
    ['single quotes', "{'versions': []}", "'versions'"],
    ['a missing comma', '{"versions": [] "x": 1}', '"x"'],
    ['a BOM and an early close', '\ufeff{"versions": [}', '}'],
  ];
  for (const [what, text, at] of cases) {
    test(what, () => {
      const a = analyze(text, { now: Date.now() });
      assert.deepEqual(codes(a), ['invalid-json']);
      const f = a.findings[0];
      assert.equal(f.severity, 'error');
      assert.equal(f.versionId, null);
      assert.equal(textAt(text, f), at);
      assert.equal(a.writable, false);
    });
  }

  test('empty and truncated texts: an empty range at the end', () => {
    for (const text of ['', '{"versions": [', '   ']) {
      const f = only(text, 'invalid-json');
      assert.equal(f.length, 0);
      assert.ok(f.offset <= text.length);
    }
  });

  test('no other finding is reported for a file that does not parse', () => {
    const text = file([minimal(1, 'V7'), minimal(1, 'V7')]).replace(/\}\s*\]\s*\}\s*$/, '}');
    assert.deepEqual(codes(analyze(text, { now: Date.now(), styleId: '1' })), ['invalid-json']);
  });
});

describe('invalid-schema', () => {
  test('the root is not an object', () => {
    const text = '[{"id": "a"}]\n';
    const f = only(text, 'invalid-schema');
    assert.equal(textAt(text, f), '[{"id": "a"}]');
    assert.equal(f.severity, 'error');
  });

  test("versions missing: at the root object's opening brace", () => {
    const text = '{\n  "version": []\n}\n';
    const f = only(text, 'invalid-schema');
    assert.equal(textAt(text, f), '{');
    assert.match(f.message, /versions/);
    assert.equal(analyze(text, { now: Date.now() }).writable, false);
  });

  for (const [what, value] of [
    ['an object', '{ "a": 1 }'],
    ['a string', '"V1"'],
    ['null', 'null'],
  ]) {
    test(`versions is ${what}`, () => {
      const text = `{\n  "versions": ${value}\n}\n`;
      const f = only(text, 'invalid-schema');
      assert.equal(textAt(text, f), value);
      assert.equal(analyze(text, { now: Date.now() }).writable, false);
    });
  }

  test('entries that are not objects', () => {
    const text = '{ "versions": [42, "style_1_vV7", null, [1, 2], true, {"id": "ok"}] }';
    const fs = findingsOf(analyze(text, { now: Date.now() }), 'invalid-schema');
    assert.deepEqual(
      fs.map((f) => textAt(text, f)),
      ['42', '"style_1_vV7"', 'null', '[1, 2]', 'true'],
    );
    assert.ok(fs.every((f) => f.versionId === null && f.severity === 'error'));
    assert.equal(analyze(text, { now: Date.now() }).writable, true);
  });

  test('id missing: the entry', () => {
    const text = '{ "versions": [ {"name": "V1", "parameters": {"a": 1}} ] }';
    const f = only(text, 'invalid-schema');
    assert.equal(textAt(text, f), '{"name": "V1", "parameters": {"a": 1}}');
    assert.equal(f.versionId, null);
  });

  for (const raw of ['42', 'null', '["a"]', '{"id": "x"}', 'false']) {
    test(`id is not a string: ${raw}`, () => {
      const text = `{ "versions": [ {"id": ${raw}, "name": "V1"} ] }`;
      const f = only(text, 'invalid-schema');
      assert.equal(textAt(text, f), raw);
      assert.equal(f.versionId, null);
    });
  }

  const wrongTypes: [string, string][] = [
    ['name', '7'],
    ['timestamp', '1760256840884'],
    ['parameters', '"none"'],
    ['parameters', '[16, 16]'],
    ['status', '3'],
    ['selectionSetId', '"1"'],
    ['imageCount', '"43"'],
    ['imageCount', '{}'],
    ['loraUrl', '["https://x"]'],
    ['completedAt', 'true'],
    ['failedAt', '0'],
    ['error', '{"message": "oom"}'],
    ['lastSynced', '1'],
    ['description', '["Synced from S3"]'],
  ];
  for (const [key, raw] of wrongTypes) {
    test(`a known field of the wrong type: ${key}: ${raw}`, () => {
      const text = `{\n  "versions": [\n    { "id": "job-e1", "${key}": ${raw} }\n  ]\n}\n`;
      const f = only(text, 'invalid-schema');
      assert.equal(textAt(text, f), raw);
      assert.equal(f.versionId, 'job-e1');
      assert.match(f.message, new RegExp(key));
    });
  }

  test('null is accepted as "no value" for known fields', () => {
    const text = file([{ id: 'a', name: null, completedAt: null, loraUrl: null, imageCount: null, parameters: null, status: null }]);
    assert.deepEqual(findingsOf(analyze(text, { now: Date.now() }), 'invalid-schema'), []);
  });

  test('unknown status', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { status: 'done' })]);
    const f = only(text, 'invalid-schema');
    assert.equal(textAt(text, f), '"done"');
    assert.match(f.message, /pending, starting, training, completed, failed/);
  });

  test('every known status is accepted; status is case-sensitive', () => {
    for (const s of ['pending', 'starting', 'training', 'completed', 'failed']) {
      assert.deepEqual(findingsOf(analyze(file([detailed('x', 'V1', { status: s })]), { now: NOW }), 'invalid-schema'), [], s);
    }
    assert.equal(
      findingsOf(analyze(file([detailed('x', 'V1', { status: 'COMPLETED' })]), { now: Date.now() }), 'invalid-schema').length,
      1,
    );
  });

  test('a non-finite or non-number count', () => {
    // JSON has no NaN; a huge literal parses to Infinity.
    const text = '{"versions": [{"id": "a", "imageCount": 1e400}]}';
    assert.equal(textAt(text, only(text, 'invalid-schema')), '1e400');
  });
});

describe('duplicate-version', () => {
  const winnerId = '3e248bb6-012c-4384-ae6c-4b19c126d093-e1';
  const text = file([detailed(winnerId, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }), minimal(1, 'V7')]);

  test("on the non-winning entry's id value, related to the winner's id", () => {
    const f = only(text, 'duplicate-version', { now: Date.now(), styleId: '1' });
    assert.equal(textAt(text, f), '"style_1_vV7"');
    assert.equal(f.severity, 'warning');
    assert.equal(f.versionId, 'style_1_vV7');
    assert.equal(f.related.length, 1);
    assert.equal(textAt(text, f.related[0]), JSON.stringify(winnerId));
    assert.match(f.related[0].message, /V7/);
  });

  test('the message names the rule that linked them', () => {
    const check = (t: string, styleId: string | undefined, rule: RegExp) =>
      assert.match(only(t, 'duplicate-version', { now: Date.now(), styleId }).message, rule);
    check(text, '1', /same S3 object/);
    check(
      file([
        detailed(`${JOB.a}-e1`, 'V7', { loraUrl: 'https://cdn.example.com/style_1_vV7.safetensors' }),
        { id: 'style_1_vV7', name: 'x' },
      ]),
      undefined,
      /id is the file/,
    );
    check(file([detailed(`${JOB.a}-e1`, 'V4'), minimal(59, 'V4')]), '59', /version name is the file/);
    check(file([detailed(`${JOB.c}-e2`, 'V2'), detailed(`${JOB.c}-e1`, 'V2', { status: 'failed' })]), undefined, /same RunPod job/);
  });

  test('one finding per non-winning member, each related to the winner', () => {
    const t = file([
      minimal(1, 'V7'),
      detailed(`${JOB.a}-e2`, 'V7'),
      detailed(`${JOB.a}-e1`, 'V7', { completedAt: undefined, status: 'failed' }),
    ]);
    const fs = findingsOf(analyze(t, { now: Date.now(), styleId: '1' }), 'duplicate-version');
    assert.deepEqual(
      fs.map((f) => textAt(t, f)),
      ['"style_1_vV7"', `"${JOB.a}-e1"`],
    );
    for (const f of fs) assert.equal(textAt(t, f.related[0]), `"${JOB.a}-e2"`);
  });

  test("a member without id: at the entry's opening brace", () => {
    const t = file([
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
      { name: 'copy', loraUrl: regularModelUrl(1, 'V7') },
    ]);
    const f = only(t, 'duplicate-version');
    assert.equal(textAt(t, f), '{');
    assert.equal(f.versionId, null);
  });
});

describe('minimal-entry', () => {
  test('the whole entry, when nothing to merge with', () => {
    const e = minimal(12, 'V2', { loraUrl: acceleratedModelUrl(12, 'V2') });
    const text = file([detailed(`${JOB.a}-e1`, 'V1', { loraUrl: acceleratedModelUrl(12, 'V1') }), e]);
    const f = only(text, 'minimal-entry', { now: Date.now(), styleId: '12' });
    assert.equal(f.severity, 'information');
    assert.equal(f.versionId, 'style_12_vV2');
    assert.deepEqual(JSON.parse(textAt(text, f)), e);
  });

  test('not reported on a member of a duplicate group', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }), minimal(1, 'V7')]);
    assert.deepEqual(findingsOf(analyze(text, { now: Date.now(), styleId: '1' }), 'minimal-entry'), []);
  });

  test('minimal means: parameters missing or {}, and neither imageCount nor selectionSetId', () => {
    const isMin = (e: Record<string, unknown>) => findingsOf(analyze(file([e]), { now: Date.now() }), 'minimal-entry').length === 1;
    assert.equal(isMin({ id: 'a' }), true);
    assert.equal(isMin({ id: 'a', parameters: {} }), true);
    assert.equal(isMin({ id: 'a', parameters: { d: 1 } }), false);
    assert.equal(isMin({ id: 'a', parameters: {}, imageCount: 3 }), false);
    assert.equal(isMin({ id: 'a', selectionSetId: 0 }), false);
  });
});

describe('non-accelerated-url', () => {
  const regular = regularModelUrl(12, 'V1');
  const text = file([detailed(`${JOB.a}-e1`, 'V1', { loraUrl: regular })]);

  test('on the loraUrl value, when preferAcceleratedUrls is on (the default)', () => {
    for (const opts of [{}, { preferAcceleratedUrls: true }]) {
      const f = only(text, 'non-accelerated-url', opts);
      assert.equal(textAt(text, f), JSON.stringify(regular));
      assert.equal(f.severity, 'warning');
      assert.equal(f.versionId, `${JOB.a}-e1`);
      assert.ok(f.message.includes(acceleratedModelUrl(12, 'V1')));
    }
  });

  test('not when preferAcceleratedUrls is off', () => {
    assert.deepEqual(analyze(text, { now: Date.now(), preferAcceleratedUrls: false }).findings, []);
  });

  test('every regular spelling is reported, neither accelerated one is', () => {
    for (const [spelling, url] of Object.entries(urlSpellings(BUCKET, `${PREFIX}style_12_vV1.safetensors`))) {
      const n = findingsOf(analyze(file([detailed('x', 'V1', { loraUrl: url })]), { now: Date.now() }), 'non-accelerated-url').length;
      assert.equal(n, spelling.startsWith('accelerated') ? 0 : 1, spelling);
    }
  });

  test('not for a bucket with dots (no accelerated form) or a URL that is not S3', () => {
    for (const url of [
      ...Object.values(urlSpellings('models.example.com', 'style_1_vV1.safetensors')),
      'https://cdn.example.com/style_1_vV1.safetensors',
    ]) {
      assert.deepEqual(
        findingsOf(analyze(file([detailed('x', 'V1', { loraUrl: url })]), { now: Date.now() }), 'non-accelerated-url'),
        [],
        url,
      );
    }
  });
});

describe('stale-job', () => {
  const at = (hoursAgo: number) => new Date(NOW - hoursAgo * 3600_000).toISOString();

  for (const status of ['pending', 'starting', 'training']) {
    test(`${status} for more than 24 h: on the status value`, () => {
      const text = file([detailed(`${JOB.a}-e1`, 'V3', { status, completedAt: undefined, timestamp: at(25) })]);
      const f = only(text, 'stale-job');
      assert.equal(textAt(text, f), JSON.stringify(status));
      assert.equal(f.severity, 'warning');
      assert.equal(f.versionId, `${JOB.a}-e1`);
      assert.match(f.message, /S3 sync/);
    });
  }

  test('not within staleAfterHours, not for finished jobs, not without a timestamp', () => {
    const entries = [
      detailed('fresh', 'V1', { status: 'pending', timestamp: at(23) }),
      detailed('done', 'V2', { status: 'completed', timestamp: at(500) }),
      detailed('failed', 'V3', { status: 'failed', timestamp: at(500) }),
      detailed('undated', 'V4', { status: 'training', timestamp: undefined }),
      detailed('garbled', 'V5', { status: 'training', timestamp: 'last week' }),
    ];
    assert.deepEqual(findingsOf(analyze(file(entries), { now: NOW }), 'stale-job'), []);
  });

  test('staleAfterHours and now are honoured', () => {
    const text = file([detailed('x', 'V1', { status: 'pending', timestamp: at(30) })]);
    assert.equal(findingsOf(analyze(text, { now: NOW, staleAfterHours: 48 }), 'stale-job').length, 0);
    assert.equal(findingsOf(analyze(text, { now: NOW, staleAfterHours: 12 }), 'stale-job').length, 1);
    assert.equal(findingsOf(analyze(text, { now: NOW - 10 * 3600_000 }), 'stale-job').length, 0);
  });
});

describe('all findings', () => {
  test('sorted by offset, ranges inside the text, also after a BOM and in CRLF', () => {
    const entries = [
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
      detailed(`${JOB.b}-e1`, 'V3', { status: 'pending', timestamp: '2025-10-01T00:00:00Z', loraUrl: undefined }),
      minimal(1, 'V7'),
      minimal(1, 'V9'),
      detailed('', 'V1', { status: 'weird' }),
    ];
    const plain = file(entries);
    const withBom = file(entries, { bom: true, eol: '\r\n', indent: 4 });
    const pick = (t: string) => analyze(t, { styleId: '1', now: NOW }).findings.map((f) => [f.code, textAt(t, f)]);
    const a = analyze(withBom, { styleId: '1', now: NOW });
    for (let i = 1; i < a.findings.length; i++) assert.ok(a.findings[i - 1].offset <= a.findings[i].offset);
    for (const f of a.findings) assert.ok(f.offset >= 1 && f.offset + f.length <= withBom.length);
    assert.deepEqual(
      a.findings.map((f) => f.code),
      ['stale-job', 'duplicate-version', 'non-accelerated-url', 'minimal-entry', 'non-accelerated-url', 'invalid-schema'],
    );
    // Same findings, same texts under them (entries differ only in layout).
    assert.deepEqual(
      pick(withBom).map(([c]) => c),
      pick(plain).map(([c]) => c),
    );
    assert.deepEqual(
      pick(withBom).filter(([c]) => c !== 'minimal-entry'),
      pick(plain).filter(([c]) => c !== 'minimal-entry'),
    );
  });

  test('a clean file has no findings', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V1', { loraUrl: acceleratedModelUrl(10, 'V1') })]);
    assert.deepEqual(analyze(text, { styleId: '10', now: NOW }).findings, []);
    assert.deepEqual(analyze('{"versions": []}', { now: Date.now() }).findings, []);
  });
});

describe('corner cases of the text (§1, §3)', () => {
  test('a raw tab inside a string is reported at the tab, not at the quote', () => {
    const text = '{"versions": [{"id": "style_1\tvV7"}]}';
    const f = only(text, 'invalid-json');
    assert.equal(f.offset, text.indexOf('\t'));
    assert.equal(f.length, 1);
    assert.match(f.message, /tab/);
  });

  test('a raw line break inside a string: at the line break', () => {
    const text = '{"versions": [{"id": "a\nb"}]}';
    const f = only(text, 'invalid-json');
    assert.equal(f.offset, text.indexOf('\n'));
    assert.equal(f.length, 1);
  });

  test('a key repeated in one entry: invalid-schema at the second key', () => {
    const text = '{"versions": [{"id": "a", "status": "completed", "status": "failed"}]}';
    const f = only(text, 'invalid-schema');
    assert.equal(f.offset, text.lastIndexOf('"status"'));
    assert.equal(textAt(text, f), '"status"');
    assert.equal(f.versionId, 'a');
    assert.equal(f.entryIndex, 0);
    assert.match(f.message, /"status".*second time/);
  });

  test('a key repeated at the top level, in parameters, or three times', () => {
    const top = '{"versions": [], "versions": []}';
    assert.equal(only(top, 'invalid-schema').offset, top.lastIndexOf('"versions"'));
    const nested = '{"versions": [{"id": "a", "parameters": {"network_dim": 8, "network_dim": 16}, "imageCount": 3}]}';
    assert.equal(only(nested, 'invalid-schema').offset, nested.lastIndexOf('"network_dim"'));
    const thrice = '{"versions": [{"id": "a", "x": 1, "x": 2, "x": 3}]}';
    const fs = findingsOf(analyze(thrice, { now: NOW }), 'invalid-schema');
    assert.deepEqual(
      fs.map((x) => x.offset),
      [thrice.indexOf('"x": 2'), thrice.indexOf('"x": 3')],
    );
    // An escaped spelling of the same key is the same key.
    const escaped = '{"versions": [{"id": "a", "n\\u0061me": "V1", "name": "V2"}]}';
    assert.equal(only(escaped, 'invalid-schema').offset, escaped.indexOf('"name"'));
  });

  test('equal keys in different objects are no repetition', () => {
    const text = file([
      detailed(`${JOB.a}-e1`, 'V1', { loraUrl: acceleratedModelUrl(1, 'V1') }),
      detailed(`${JOB.b}-e1`, 'V2', { loraUrl: acceleratedModelUrl(1, 'V2') }),
    ]);
    assert.deepEqual(findingsOf(analyze(text, { styleId: '1', now: NOW }), 'invalid-schema'), []);
  });

  test('a presigned URL is never reported as non-accelerated (its signature covers the host)', () => {
    for (const q of [
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20251012&X-Amz-Signature=abc',
      'X-Amz-Signature=abc',
      'x-amz-credential=AKIA',
    ]) {
      const url = `${regularModelUrl(1, 'V7')}?${q}`;
      const text = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: url })]);
      const a = analyze(text, { styleId: '1', now: NOW });
      assert.deepEqual(findingsOf(a, 'non-accelerated-url'), [], q);
      assert.equal(fixAll(text, { styleId: '1', now: NOW }).text, text, 'never rewritten');
    }
    // A query that only looks alike is no signature.
    const plainQuery = file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: `${regularModelUrl(1, 'V7')}?versionId=3&note=X-Amz-Signature` })]);
    assert.equal(findingsOf(analyze(plainQuery, { styleId: '1', now: NOW }), 'non-accelerated-url').length, 1);
  });
});

describe('line index (§1: lines end at LF, CRLF or a lone CR)', () => {
  test('a lone CR ends a line, CRLF is one line end; columns in UTF-16 units', () => {
    const text = 'a\rb\r\nc\nd😀e';
    const idx = new LineIndex(text);
    assert.deepEqual(idx.position(text.indexOf('b')), { line: 1, character: 0 });
    assert.deepEqual(idx.position(text.indexOf('c')), { line: 2, character: 0 });
    assert.deepEqual(idx.position(text.indexOf('d')), { line: 3, character: 0 });
    assert.deepEqual(idx.position(text.indexOf('e')), { line: 3, character: 3 });
  });

  test('positionsAt (one pass, any order) agrees with LineIndex on every offset', () => {
    const pieces = ['a', '\n', '\r', '\r\n', '😀', ' ', '"x"'];
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 50; round++) {
      let text = '';
      for (let i = 0; i < 40; i++) text += pieces[Math.floor(next() * pieces.length)];
      const idx = new LineIndex(text);
      const offsets = Array.from({ length: 30 }, () => Math.floor(next() * (text.length + 1)));
      assert.deepEqual(
        positionsAt(text, offsets),
        offsets.map((o) => idx.position(o)),
        JSON.stringify(text),
      );
    }
  });
});

describe('the offset scan (one pass over versions: spans, lines, own keys)', () => {
  // Random valid JSON with what makes offsets hard: CR / CRLF / LF line ends, a BOM,
  // escaped and repeated keys, nested objects that reuse the entry's keys, strings
  // holding braces, colons and escaped quotes, non-object elements.
  const eols = ['\n', '\r\n', '\r'];
  function randomFile(next: () => number): string {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const eol = pick(eols);
    const ws = () => pick(['', ' ', '  ', eol, eol + '    ', '\t', ' ' + eol + eol + ' ']);
    const key = () => pick(['"id"', '"status"', '"loraUrl"', '"st\\u0061tus"', '"name"', '"x:{["', '"a\\"b"', '"x\\""', '"x\\\\"']);
    const scalar = () => pick(['"V1"', '"{[:,]}"', '"q\\"}"', '12', '-0.5e3', 'true', 'null', '"😀é"']);
    const value = (depth: number): string => {
      const r = next();
      if (depth > 2 || r < 0.5) return scalar();
      if (r < 0.8)
        return `{${ws()}${Array.from({ length: Math.floor(next() * 3) }, () => `${key()}${ws()}:${ws()}${value(depth + 1)}`).join(`,${ws()}`)}${ws()}}`;
      return `[${ws()}${Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1)).join(`,${ws()}`)}${ws()}]`;
    };
    const element = () => {
      if (next() < 0.15) return value(1);
      const props = Array.from({ length: 1 + Math.floor(next() * 5) }, () => `${key()}${ws()}:${ws()}${value(1)}`);
      return `{${ws()}${props.join(`,${ws()}`)}${ws()}}`;
    };
    const els = Array.from({ length: Math.floor(next() * 6) }, element);
    const before = next() < 0.5 ? `"other"${ws()}:${ws()}${value(1)},${ws()}` : '';
    return `${next() < 0.2 ? '\ufeff' : ''}${ws()}{${ws()}${before}"versions"${ws()}:${ws()}[${ws()}${els.join(`,${ws()}`)}${ws()}]${ws()}}${ws()}`;
  }

  test('positions, properties and property() agree with LineIndex and jsonc-parser on random files', () => {
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let elementsSeen = 0;
    for (let round = 0; round < 300; round++) {
      const text = randomFile(next);
      const doc = parseDocument(text);
      assert.equal(doc.syntaxError, undefined, JSON.stringify(text));
      const idx = new LineIndex(text);
      const offsets = Array.from({ length: 40 }, () => Math.floor(next() * (text.length + 1)));
      for (const el of doc.elements ?? []) offsets.push(el.offset, el.offset + el.length);
      assert.deepEqual(
        documentPositions(doc, offsets),
        offsets.map((o) => idx.position(o)),
        JSON.stringify(text),
      );
      const start = doc.bom ? 1 : 0;
      const tree = parseTree(text.slice(start))!;
      const versions = tree.children!.filter((p) => p.children![0].value === 'versions').pop()!.children![1];
      for (const [i, node] of (versions.children ?? []).entries()) {
        const el = doc.elements![i];
        elementsSeen++;
        assert.equal(el.offset, node.offset + start);
        assert.equal(el.length, node.length);
        const expected =
          node.type === 'object'
            ? node.children!.map((p) => ({
                key: p.children![0].value as string,
                keyOffset: p.children![0].offset + start,
                keyLength: p.children![0].length,
                valueOffset: p.children![1].offset + start,
                valueLength: p.children![1].length,
              }))
            : [];
        for (const k of ['id', 'status', 'loraUrl', 'name', 'x:{[', 'a"b', 'x"', 'missing']) {
          // A fresh parse each time: property() before anything else located the element's properties.
          const fresh = parseDocument(text).elements![i];
          assert.deepEqual(fresh.property(k), expected.filter((p) => p.key === k).pop(), `${k} in ${JSON.stringify(text)}`);
        }
        assert.deepEqual(el.properties, expected, JSON.stringify(text));
      }
    }
    assert.ok(elementsSeen > 500, `only ${elementsSeen} elements generated`);
  });
});
