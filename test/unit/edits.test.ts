/**
 * Round trip of the fixes (SPEC.md §3) and byte preservation (§1, §2 "Nothing
 * else in the file changes, byte for byte"): LF/CRLF, BOM, 2/4 spaces.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseDocument } from '../../src/core/document';
import { applyEdits, normaliseEdits } from '../../src/core/edits';
import { planCleanup } from '../../src/core/cleanup';
import { analyze, fixAllEdits, fixFor } from '../../src/core/findings';
import { styleIdOfFolder } from '../../src/core/identity';
import { appendElementsEdit, removeElementsEdits, setPropertiesEdits } from '../../src/core/jsonEdit';
import {
  FIXTURES,
  JOB,
  NOW,
  type Entry,
  type Layout,
  acceleratedModelUrl,
  assertEol,
  assertOnlyEditsChanged,
  assertParses,
  codes,
  detailed,
  file,
  fixAll,
  minimal,
  regularModelUrl,
  render,
  versionsOfText,
} from '../support/helpers';

const LAYOUTS: (Layout & { label: string })[] = [];
for (const eol of ['\n', '\r\n'] as const) {
  for (const bom of [false, true]) {
    for (const indent of [2, 4])
      LAYOUTS.push({ eol, bom, indent, label: `${eol === '\n' ? 'LF' : 'CRLF'}${bom ? '+BOM' : ''}, ${indent} spaces` });
  }
}
LAYOUTS.push({ indent: '\t', label: 'tabs' });

/** Files with something for every fix: each style folder 1. */
const SCENARIOS: Record<string, Entry[]> = {
  'webhook entry and its S3 copy (seed)': [
    detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
    detailed(`${JOB.b}-e1`, 'V6', { loraUrl: acceleratedModelUrl(1, 'V6') }),
    minimal(1, 'V7'),
  ],
  'S3 copy first, winner last, fields to insert': [
    minimal(1, 'V4', { loraUrl: acceleratedModelUrl(1, 'V4') }),
    detailed(`${JOB.c}-e1`, 'V4', { status: 'failed', completedAt: undefined, error: 'oom', failedAt: '2025-10-13T10:09:12.001Z' }),
    detailed(`${JOB.c}-e2`, 'V4', { status: 'training', completedAt: undefined, timestamp: '2025-10-14T08:00:12.000Z' }),
  ],
  'regular URLs only, and two groups in a row': [
    detailed(`${JOB.a}-e1`, 'V1', { loraUrl: regularModelUrl(1, 'V1') }),
    minimal(1, 'V1'),
    minimal(1, 'V2'),
    detailed(`${JOB.b}-e1`, 'V2'),
    detailed(`${JOB.d}-e1`, 'V3', { loraUrl: regularModelUrl(1, 'V3') }),
  ],
};

describe('fix all: round trip and bytes outside the edits', () => {
  for (const [name, entries] of Object.entries(SCENARIOS)) {
    for (const layout of LAYOUTS) {
      test(`${name} — ${layout.label}`, () => {
        const text = render({ versions: entries, updatedBy: 'webhook-handler' }, layout);
        const { text: out, edits, analysis } = fixAll(text, { styleId: '1', now: NOW });
        assert.ok(analysis.findings.some((f) => f.code === 'duplicate-version' || f.code === 'non-accelerated-url'));
        assert.ok(edits.length > 0);
        assertParses(out);
        assertOnlyEditsChanged(text, out, edits);
        assertEol(out, layout.eol ?? '\n');
        assert.equal(out.charCodeAt(0) === 0xfeff, !!layout.bom, 'BOM kept as it was');
        assert.equal(out.endsWith(layout.eol ?? '\n'), true);
        // Analyse again: neither code remains.
        const again = analyze(out, { styleId: '1', now: NOW });
        assert.deepEqual(
          codes(again).filter((c) => c === 'duplicate-version' || c === 'non-accelerated-url'),
          [],
        );
        // Applying again changes nothing.
        assert.deepEqual(fixAllEdits(again), []);
        // Every line the edits added is indented like its siblings.
        const unit = typeof layout.indent === 'string' ? layout.indent : ' '.repeat(layout.indent ?? 2);
        for (const line of out.split(layout.eol ?? '\n')) {
          const m = /^(\s*)"[A-Za-z]+":/.exec(line);
          if (m) assert.ok(m[1] === unit || m[1] === unit.repeat(3) || m[1] === unit.repeat(4), `indent of ${JSON.stringify(line)}`);
        }
      });
    }
  }

  test('a compact file (one line, no spaces) stays compact', () => {
    const text = JSON.stringify({ versions: SCENARIOS['S3 copy first, winner last, fields to insert'] });
    const { text: out, edits } = fixAll(text, { now: Date.now(), styleId: '1' });
    assertParses(out);
    assertOnlyEditsChanged(text, out, edits);
    assert.equal(out.includes('\n'), false);
    assert.equal(versionsOfText(out).length, 1);
  });

  test('a file with entries on single lines keeps them on single lines', () => {
    const lines = SCENARIOS['webhook entry and its S3 copy (seed)'].map((e) => '    ' + JSON.stringify(e));
    const text = `{\n  "versions": [\n${lines.join(',\n')}\n  ]\n}\n`;
    const { text: out, edits } = fixAll(text, { now: Date.now(), styleId: '1' });
    assertOnlyEditsChanged(text, out, edits);
    assert.equal(out.split('\n').length, text.split('\n').length - 1);
    const merged = versionsOfText(out)[0];
    assert.equal(merged.lastSynced, '2025-10-12T09:46:20.075Z');
  });

  test('merging into an entry whose fields sit on the line of its brace', () => {
    const text =
      '{"versions": [{"id": "style_1_vV7", "name": "style_1_vV7.safetensors", "loraUrl": "' +
      regularModelUrl(1, 'V7') +
      '", "parameters": {}},\n  {"id": "' +
      JOB.a +
      '-e1", "name": "V7", "parameters": {"a": 1},\n   "status": "completed"}]}';
    const { text: out, edits } = fixAll(text, { now: Date.now(), styleId: '1' });
    assertParses(out);
    assertOnlyEditsChanged(text, out, edits);
    assert.deepEqual(versionsOfText(out), [
      { id: `${JOB.a}-e1`, name: 'V7', parameters: { a: 1 }, status: 'completed', loraUrl: acceleratedModelUrl(1, 'V7') },
    ]);
  });

  test('unicode, escapes and duplicate keys around the edits survive', () => {
    const text =
      '{\n  "versions": [\n    {"id": "' +
      JOB.a +
      '-e1", "name": "V7 \\"ünïcödé\\" 🎨", "name": "V7", "parameters": {"prompt": "a\\u0041\\n"}},\n' +
      '    {"id": "style_1_vV7", "name": "style_1_vV7.safetensors", "loraUrl": "' +
      acceleratedModelUrl(1, 'V7') +
      '", "parameters": {}}\n  ],\n  "note": "é"\n}\n';
    const { text: out, edits } = fixAll(text, { now: Date.now(), styleId: '1' });
    assertParses(out);
    assertOnlyEditsChanged(text, out, edits);
    assert.ok(out.includes('"name": "V7 \\"ünïcödé\\" 🎨", "name": "V7"'));
    assert.equal(versionsOfText(out)[0].loraUrl, acceleratedModelUrl(1, 'V7'));
  });
});

describe('each single fix applied alone', () => {
  for (const [name, entries] of Object.entries(SCENARIOS)) {
    for (const layout of [LAYOUTS[0], LAYOUTS[7]]) {
      test(`${name} — ${layout.label}`, () => {
        const text = render({ versions: entries }, layout);
        const a = analyze(text, { styleId: '1', now: NOW });
        let fixed = 0;
        for (const f of a.findings) {
          const edits = fixFor(a, f);
          if (f.code !== 'duplicate-version' && f.code !== 'non-accelerated-url') {
            assert.equal(edits, undefined, `${f.code} has no fix`);
            continue;
          }
          assert.ok(edits && edits.length > 0, `${f.code} has a fix`);
          const out = applyEdits(text, edits);
          assertParses(out);
          assertOnlyEditsChanged(text, out, edits);
          assertEol(out, layout.eol ?? '\n');
          const after = analyze(out, { styleId: '1', now: NOW });
          const still = after.findings.filter((g) => g.code === f.code && g.versionId === f.versionId);
          assert.deepEqual(still, [], `${f.code} of ${f.versionId} is gone`);
          fixed++;
        }
        assert.ok(fixed > 0);
      });
    }
  }

  test('no fix is offered on a file that cannot be written', () => {
    const a = analyze('{"versions": {}}', { now: Date.now() });
    assert.equal(fixFor(a, a.findings[0]), undefined);
    assert.deepEqual(fixAllEdits(a), []);
  });
});

describe('edit primitives', () => {
  test('normaliseEdits sorts and drops overlapping edits', () => {
    const out = normaliseEdits([
      { offset: 10, length: 5, newText: 'b' },
      { offset: 0, length: 3, newText: 'a' },
      { offset: 12, length: 1, newText: 'overlaps' },
      { offset: 15, length: 0, newText: 'c' },
    ]);
    assert.deepEqual(
      out.map((e) => e.newText),
      ['a', 'b', 'c'],
    );
    assert.equal(applyEdits('0123456789abcdefghij', out), 'a3456789bcfghij');
  });

  test('removing runs of entries at the start, middle and end', () => {
    const entries = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id }));
    for (const layout of LAYOUTS) {
      const text = file(entries, layout);
      const doc = parseDocument(text);
      for (const remove of [[0], [0, 1], [2, 3], [5], [4, 5], [0, 2, 5], [1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]]) {
        const edits = removeElementsEdits(doc, new Set(remove));
        const out = applyEdits(text, edits);
        assertParses(out);
        assertEol(out, layout.eol ?? '\n');
        assert.deepEqual(
          versionsOfText(out).map((e) => e.id),
          entries.filter((_, i) => !remove.includes(i)).map((e) => e.id),
          `${layout.label} ${remove}`,
        );
        // The result is laid out as if rendered without those entries.
        if (remove.length < entries.length)
          assert.equal(
            out,
            file(
              entries.filter((_, i) => !remove.includes(i)),
              layout,
            ),
          );
      }
    }
  });

  test("a long array's element table: every element's span, line and own keys, past the table's first sizes", () => {
    // 300 elements of 0 to 11 keys (about 1,650 in all): the scan's tables start smaller than that and grow.
    const entries = Array.from({ length: 300 }, (_, i) =>
      Object.fromEntries(Array.from({ length: i % 12 }, (_, k) => [`k${k}_${i}`, k % 3 === 0 ? { nested: [i, k] } : `v${i}`])),
    );
    for (const layout of [LAYOUTS[0], LAYOUTS[LAYOUTS.length - 1]]) {
      const text = file(entries, layout);
      const doc = parseDocument(text);
      assert.equal(doc.elements?.length, entries.length, layout.label);
      for (const el of doc.elements!) {
        assert.deepEqual(JSON.parse(text.slice(el.offset, el.offset + el.length)), entries[el.index], `${layout.label} #${el.index}`);
        assert.equal(el.line, text.slice(0, el.offset).split('\n').length - 1, `${layout.label} #${el.index} line`);
        assert.equal(el.lineStart, text.lastIndexOf('\n', el.offset - 1) + 1, `${layout.label} #${el.index} line start`);
        assert.deepEqual(
          el.properties.map((p) => p.key),
          Object.keys(entries[el.index]),
          `${layout.label} #${el.index} keys`,
        );
        for (const p of el.properties)
          assert.deepEqual(JSON.parse(text.slice(p.valueOffset, p.valueOffset + p.valueLength)), entries[el.index][p.key]);
      }
    }
  });

  test('removing properties: a run in the middle, the last ones, all of them, with an insertion', () => {
    const text = '{"versions": [\n  {\n    "id": "a",\n    "error": "x",\n    "failedAt": "t",\n    "status": "failed"\n  }\n]}\n';
    const doc = parseDocument(text);
    const el = doc.elements![0];
    const rm = (keys: string[], extra: { key: string; raw: string }[] = []) =>
      applyEdits(text, setPropertiesEdits(doc, el, [...keys.map((key) => ({ key, raw: '', remove: true })), ...extra]));
    assert.equal(rm(['error', 'failedAt']), '{"versions": [\n  {\n    "id": "a",\n    "status": "failed"\n  }\n]}\n');
    assert.equal(rm(['failedAt', 'status']), '{"versions": [\n  {\n    "id": "a",\n    "error": "x"\n  }\n]}\n');
    assert.equal(
      rm(['status'], [{ key: 'completedAt', raw: '"c"' }]),
      '{"versions": [\n  {\n    "id": "a",\n    "error": "x",\n    "failedAt": "t",\n    "completedAt": "c"\n  }\n]}\n',
    );
    const all = rm(['id', 'error', 'failedAt', 'status'], [{ key: 'completedAt', raw: '"c"' }]);
    assertParses(all);
    assert.deepEqual(versionsOfText(all), [{ completedAt: 'c' }]);
    assertParses(rm(['id', 'error', 'failedAt', 'status']));
    assert.equal(rm(['missing']), text);
  });

  test("appending entries follows the file's layout", () => {
    const extra = { id: 'style_1_vV9', name: 'style_1_vV9.safetensors', parameters: {} };
    for (const layout of LAYOUTS) {
      for (const before of [[{ id: 'a', parameters: { x: 1 } }], []]) {
        const text = file(before, layout);
        const edit = appendElementsEdit(parseDocument(text), [extra])!;
        const out = applyEdits(text, [edit]);
        assertOnlyEditsChanged(text, out, [edit]);
        assert.equal(out, file([...before, extra], layout), layout.label);
      }
    }
  });
});

describe('golden fixtures (test/fixtures/<style>_<name>/)', () => {
  // training_versions.json → expected-findings.json (the text under each range) and cleaned.json (exact bytes).
  for (const name of ['1_seed_crlf_bom', '1_near_misses', '5_transitive']) {
    test(name, () => {
      const dir = path.join(FIXTURES, name);
      const text = readFileSync(path.join(dir, 'training_versions.json'), 'utf8');
      const a = analyze(text, { styleId: styleIdOfFolder(name), now: NOW });
      const expected = JSON.parse(readFileSync(path.join(dir, 'expected-findings.json'), 'utf8')) as {
        code: string;
        versionId: string | null;
        at: string;
        related?: string;
      }[];
      assert.deepEqual(
        a.findings.map((f) => ({
          code: f.code,
          versionId: f.versionId,
          at: f.code === 'minimal-entry' ? `${text[f.offset]}…${text[f.offset + f.length - 1]}` : text.substr(f.offset, f.length),
          ...(f.related.length ? { related: text.substr(f.related[0].offset, f.related[0].length) } : {}),
        })),
        expected,
      );
      const cleaned = readFileSync(path.join(dir, 'cleaned.json'), 'utf8');
      const plan = planCleanup(a);
      assert.equal(plan.newText, cleaned);
      assert.equal(plan.changed, cleaned !== text);
      assert.equal(planCleanup(analyze(cleaned, { styleId: styleIdOfFolder(name), now: NOW })).changed, false);
    });
  }
});

describe('the cleanup plan tells a kept entry’s URL upgrade as an upgrade', () => {
  test('a winner with a regular URL: no field taken, one upgrade, and the text has the accelerated URL', () => {
    const regular = 'https://storyboard-user-files.s3.us-west-1.amazonaws.com/p/style_1_vV1.safetensors';
    const text = JSON.stringify(
      {
        versions: [
          { id: 'a', name: 'V1', parameters: { network_dim: 16 }, status: 'completed', loraUrl: regular },
          { id: 'style_1_vV1', name: 'style_1_vV1.safetensors', parameters: {}, description: 'Synced from S3' },
        ],
      },
      null,
      2,
    );
    const plan = planCleanup(analyze(text, { now: Date.now(), styleId: '1' }));
    assert.deepEqual(
      plan.merges.map((m) => m.fields),
      [[]],
      'the kept entry takes nothing from the minimal one',
    );
    assert.deepEqual(
      plan.urlUpgrades.map((u) => [u.id, u.from, u.to]),
      [['a', regular, regular.replace('.s3.us-west-1.', '.s3-accelerate.')]],
    );
    assert.equal(JSON.parse(plan.newText).versions[0].loraUrl, regular.replace('.s3.us-west-1.', '.s3-accelerate.'));
    // Without the preference there is no upgrade, in the plan or in the text.
    const plain = planCleanup(analyze(text, { now: Date.now(), styleId: '1', preferAcceleratedUrls: false }));
    assert.deepEqual([plain.urlUpgrades, JSON.parse(plain.newText).versions[0].loraUrl], [[], regular]);
  });
});
