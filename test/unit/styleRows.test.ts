/**
 * The sidebar's view model: rows and order (src/core/styleRows.ts), the stateful model
 * (styleTreeModel.ts), texts (versionText.ts), icons and context flags (src/vscode/stylesTreeItems.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type StyleFile, analyzeStyleFile } from '../../src/core/styleFile';
import { compareStyles, summarizeStyle, versionRows } from '../../src/core/styleRows';
import { StyleTreeModel } from '../../src/core/styleTreeModel';
import { fieldRows, formatNumber, keyParameters, relativeTime } from '../../src/core/versionText';
import { styleContextValue, styleIcon, versionContextValue, versionIcon } from '../../src/vscode/stylesTreeItems';
import { BUCKET, JOB, NOW, type Entry, acceleratedModelUrl, detailed, file, minimal, regularModelUrl } from '../support/helpers';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

function styleFile(folder: string, entries: Entry[] | string, key = `file:///ws/${folder}/training_versions.json`): StyleFile {
  const text = typeof entries === 'string' ? entries : file(entries);
  return { key, ...analyzeStyleFile(`/ws/${folder}/training_versions.json`, text, { now: NOW }) };
}

function rows(folder: string, entries: Entry[]) {
  return versionRows(styleFile(folder, entries), NOW);
}

describe('style order', () => {
  test('by style id as a number, then name; folders without a style id last, by name', () => {
    const m = new StyleTreeModel();
    for (const f of ['10_clean_line', 'zeta_extra', '59_comic', '3_water', 'Alpha_misc', '1_ink', '003_b_copy', '12_charcoal'])
      m.upsert(styleFile(f, []));
    assert.deepEqual(
      m.styles().map((s) => s.label),
      ['1_ink', '003_b_copy', '3_water', '10_clean_line', '12_charcoal', '59_comic', 'Alpha_misc', 'zeta_extra'],
    );
  });

  test('ids longer than a safe integer still compare as numbers', () => {
    const a = { styleId: '99999999999999999999', label: 'a', key: 'a' };
    const b = { styleId: '100000000000000000000', label: 'b', key: 'b' };
    assert.ok(compareStyles(a, b) < 0);
    assert.ok(compareStyles(b, a) > 0);
  });

  test('the order is kept per group and follows added and removed files', () => {
    const m = new StyleTreeModel();
    m.upsert(styleFile('7_b', []), 'g1');
    m.upsert(styleFile('2_a', []), 'g1');
    m.upsert(styleFile('5_c', []), 'g2');
    assert.deepEqual(
      m.styles('g1').map((s) => s.label),
      ['2_a', '7_b'],
    );
    assert.deepEqual(
      m.styles('g2').map((s) => s.label),
      ['5_c'],
    );
    m.upsert(styleFile('4_d', []), 'g1');
    assert.deepEqual(
      m.styles('g1').map((s) => s.label),
      ['2_a', '4_d', '7_b'],
    );
    m.remove('file:///ws/2_a/training_versions.json');
    assert.deepEqual(
      m.styles('g1').map((s) => s.label),
      ['4_d', '7_b'],
    );
    assert.deepEqual(m.groups().sort(), ['g1', 'g2']);
  });
});

describe('version rows', () => {
  test('newest first by timestamp; versions without one (or an unparsable one) last, in file order', () => {
    const r = rows('1_ink', [
      detailed(`${JOB.a}-e1`, 'V1', { timestamp: iso(NOW - 10 * DAY) }),
      detailed(`${JOB.b}-e1`, 'V2', { timestamp: undefined }),
      detailed(`${JOB.c}-e1`, 'V3', { timestamp: iso(NOW - 1 * DAY) }),
      detailed(`${JOB.d}-e1`, 'V4', { timestamp: 'yesterday' }),
      detailed('e-e1', 'V5', { timestamp: iso(NOW - 5 * DAY) }),
    ]);
    assert.deepEqual(
      r.map((x) => x.label),
      ['V3', 'V5', 'V1', 'V2', 'V4'],
    );
  });

  test('label is the name, else the id, else the position', () => {
    const r = rows('1_ink', [
      { id: 'only-id', timestamp: iso(NOW - 3 * HOUR) },
      { name: 'V9', timestamp: iso(NOW - 2 * HOUR) },
      { timestamp: iso(NOW - HOUR) },
    ]);
    assert.deepEqual(
      r.map((x) => x.label),
      ['#3', 'V9', 'only-id'],
    );
  });

  test('description: relative time and key parameters, lr in exponent form, alpha only when it differs from dim', () => {
    const [a, b] = rows('1_ink', [
      detailed(`${JOB.a}-e1`, 'V1', {
        timestamp: iso(NOW - 2 * DAY - HOUR),
        parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 },
      }),
      detailed(`${JOB.b}-e1`, 'V2', {
        timestamp: iso(NOW - 3 * DAY),
        parameters: { network_dim: 32, network_alpha: 8, learning_rate: 0.00005 },
      }),
    ]);
    assert.equal(a.description, '2 d ago · dim 16 · lr 1e-4');
    assert.equal(b.description, '3 d ago · dim 32 · α 8 · lr 5e-5');
  });

  test('icons by status: queued, training (spinning), completed, failed, stale, none; an unknown status is an error', () => {
    const recent = iso(NOW - HOUR);
    const r = rows('1_ink', [
      detailed('p-e1', 'V1', { status: 'pending', timestamp: recent, completedAt: undefined }),
      detailed('s-e1', 'V2', { status: 'starting', timestamp: recent, completedAt: undefined }),
      detailed('t-e1', 'V3', { status: 'training', timestamp: recent, completedAt: undefined }),
      detailed('c-e1', 'V4', { status: 'completed', timestamp: recent }),
      detailed('f-e1', 'V5', { status: 'failed', timestamp: recent, completedAt: undefined }),
      detailed('o-e1', 'V6', { status: 'training', timestamp: iso(NOW - 3 * DAY), completedAt: undefined }),
      detailed('n-e1', 'V7', { status: undefined, timestamp: recent }),
      detailed('u-e1', 'V8', { status: 'exploded', timestamp: recent }),
    ]);
    const byLabel = Object.fromEntries(r.map((x) => [x.label, [x.state, versionIcon(x).id, versionIcon(x).color ?? '']]));
    assert.deepEqual(byLabel, {
      V1: ['queued', 'clock', ''],
      V2: ['queued', 'clock', ''],
      V3: ['training', 'sync~spin', ''],
      V4: ['completed', 'pass', 'testing.iconPassed'],
      V5: ['failed', 'error', 'testing.iconFailed'],
      V6: ['stale', 'warning', 'list.warningForeground'],
      V7: ['none', 'circle-outline', ''],
      V8: ['unknown', 'error', 'list.errorForeground'],
    });
    const stale = r.find((x) => x.label === 'V6')!;
    assert.ok(stale.description.startsWith('stale · 3 d ago'), stale.description);
  });

  test('duplicates say which entry they duplicate; the kept one says how many it absorbs; minimal entries are marked', () => {
    const r = rows('1_ink', [
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7'), timestamp: iso(NOW - 2 * DAY) }),
      minimal(1, 'V7', { timestamp: iso(NOW - 2 * DAY + HOUR) }),
      minimal(1, 'V8', { timestamp: iso(NOW - DAY), loraUrl: acceleratedModelUrl(1, 'V8') }),
    ]);
    const [v8, copy, v7] = r;
    assert.equal(copy.label, 'style_1_vV7.safetensors');
    assert.equal(copy.duplicateOf, 'V7');
    assert.equal(copy.description, 'duplicate of V7 · regular URL · 47 h ago');
    assert.equal(v7.keptOver, 1);
    assert.equal(v7.description, 'kept · 1 duplicate · 2 d ago · dim 16 · lr 1e-4');
    assert.equal(v8.description, 'minimal · 24 h ago');
    assert.equal(v8.versionLabel, 'V8');
    assert.equal(v8.problemCount, 0, 'a minimal entry is a note, not a problem');
    assert.equal(copy.problemCount, 2, 'a duplicate with a regular URL');
  });

  test('a row with a warning never shows the green check; its problems come first in the text', () => {
    const r = rows('1_ink', [
      detailed(`${JOB.a}-e1`, 'V5', { loraUrl: regularModelUrl(1, 'V5'), timestamp: iso(NOW - DAY) }),
      detailed(`${JOB.b}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7'), timestamp: iso(NOW - 2 * DAY) }),
      minimal(1, 'V7', { timestamp: iso(NOW - 2 * DAY + HOUR) }),
      minimal(1, 'V9', { timestamp: iso(NOW - 3 * DAY), loraUrl: acceleratedModelUrl(1, 'V9') }),
    ]);
    const by = Object.fromEntries(r.map((x) => [x.label, x]));
    assert.deepEqual(
      [versionIcon(by.V5), by.V5.worst, by.V5.description],
      [{ id: 'warning', color: 'list.warningForeground' }, 'warning', 'regular URL · 24 h ago · dim 16 · lr 1e-4'],
    );
    const copy = by['style_1_vV7.safetensors'];
    assert.deepEqual(versionIcon(copy), { id: 'warning', color: 'list.warningForeground' }, 'a duplicate is a warning, not a check');
    assert.ok(copy.description.startsWith('duplicate of V7'), copy.description);
    assert.deepEqual(versionIcon(by.V7), { id: 'pass', color: 'testing.iconPassed' }, 'the kept entry has no finding');
    const v9 = by['style_1_vV9.safetensors'];
    assert.deepEqual(
      [versionIcon(v9), v9.worst],
      [{ id: 'pass', color: 'testing.iconPassed' }, 'information'],
      'a minimal entry is a note: its status icon stays',
    );
    for (const x of r) if (x.problemCount > 0) assert.notEqual(versionIcon(x).id, 'pass', `${x.label} has a problem`);
  });

  test('"duplicate of" names the attempt when the two rows share a label', () => {
    const r = rows('1_ink', [
      detailed(`${JOB.a}-e1`, 'V2', { status: 'failed', completedAt: undefined, timestamp: iso(NOW - 2 * DAY) }),
      detailed(`${JOB.a}-e2`, 'V2', { timestamp: iso(NOW - DAY) }),
    ]);
    const dup = r.find((x) => x.duplicateOf !== undefined)!;
    assert.equal(dup.versionId, `${JOB.a}-e1`);
    assert.equal(dup.label, 'V2');
    assert.equal(dup.duplicateOf, 'V2 (e2)');
    assert.ok(dup.description.startsWith('duplicate of V2 (e2)'), dup.description);
  });

  test('context values: kind, then each flag that is set, each followed by ";"', () => {
    const r = rows('1_ink', [
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7'), timestamp: iso(NOW - 2 * DAY) }),
      minimal(1, 'V7', { timestamp: iso(NOW - DAY) }),
      detailed(`${JOB.b}-e1`, 'V8', { status: 'training', timestamp: iso(NOW - HOUR), completedAt: undefined }),
      detailed(`${JOB.c}-e1`, 'V9', { status: 'pending', timestamp: iso(NOW - 5 * DAY), completedAt: undefined }),
      detailed(`${JOB.d}-e1`, 'V2', { status: 'failed', timestamp: iso(NOW - 9 * DAY), completedAt: undefined }),
    ]);
    const cv = Object.fromEntries(r.map((x) => [x.label, versionContextValue(x)]));
    assert.deepEqual(cv, {
      V7: 'version;kept;url;styleId;',
      'style_1_vV7.safetensors': 'version;duplicate;minimal;url;problems;styleId;regularUrl;',
      V8: 'version;inFlight;styleId;',
      V9: 'version;inFlight;stale;problems;styleId;',
      V2: 'version;failed;styleId;',
    });
    const noId = versionRows(styleFile('misc', [detailed(`${JOB.a}-e1`, 'V1')]), NOW);
    assert.equal(versionContextValue(noId[0]), 'version;', 'no styleId flag outside a style folder');
  });

  test('selection is the id value; without an id the whole entry', () => {
    const text = file([detailed(`${JOB.a}-e1`, 'V1'), { name: 'V2' }]);
    const r = versionRows(styleFile('1_ink', text), NOW);
    const withId = r.find((x) => x.label === 'V1')!;
    assert.equal(text.substr(withId.selection.offset, withId.selection.length), `"${JOB.a}-e1"`);
    const noId = r.find((x) => x.label === 'V2')!;
    assert.equal(text.substr(noId.selection.offset, noId.selection.length), '{\n      "name": "V2"\n    }');
    assert.deepEqual(noId.range, noId.selection);
  });

  test('loraUrl only for http(s) URLs', () => {
    const r = rows('1_ink', [
      detailed('a-e1', 'V1', { loraUrl: 's3://bucket/key.safetensors' }),
      detailed('b-e1', 'V2', { loraUrl: regularModelUrl(1, 'V2') }),
    ]);
    assert.equal(r.find((x) => x.label === 'V1')!.loraUrl, undefined);
    assert.equal(
      r.find((x) => x.label === 'V2')!.loraUrl,
      `https://${BUCKET}.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/style_1_vV2.safetensors`,
    );
  });
});

describe('style rows', () => {
  test('description: style id, version count, problems (errors and warnings only), jobs in flight', () => {
    const s = summarizeStyle(
      styleFile('1_ink', [
        detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
        minimal(1, 'V7'),
        minimal(1, 'V8', { loraUrl: acceleratedModelUrl(1, 'V8') }),
        detailed(`${JOB.b}-e1`, 'V9', { status: 'training', timestamp: iso(NOW - HOUR), completedAt: undefined }),
        detailed(`${JOB.c}-e1`, 'V5', { loraUrl: regularModelUrl(1, 'V5') }),
      ]),
    );
    assert.equal(s.label, '1_ink');
    assert.equal(s.styleId, '1');
    assert.equal(s.versionCount, 5);
    assert.equal(s.problemCount, 3, "the duplicate, its regular URL and V5's regular URL; the minimal V8 is a note");
    assert.equal(s.description, '3 problems · 5 versions · 1 in flight', 'problems first; the label already names the style');
    assert.deepEqual([s.duplicateCount, s.minimalCount, s.inFlightCount, s.staleCount], [1, 1, 1, 0]);
    assert.equal(styleContextValue(s), 'style;styleId;problems;duplicates;inFlight;fixable;');
    assert.deepEqual(styleIcon(s), { id: 'sync~spin' });
  });

  test('a clean style, a style without id, and files that do not parse', () => {
    const clean = summarizeStyle(styleFile('10_clean', [detailed(`${JOB.a}-e1`, 'V1', { loraUrl: acceleratedModelUrl(10, 'V1') })]));
    assert.equal(clean.description, '1 version');
    assert.equal(styleContextValue(clean), 'style;styleId;');
    assert.deepEqual(styleIcon(clean), { id: 'symbol-color' });
    const noId = summarizeStyle(styleFile('misc', []));
    assert.equal(noId.description, '0 versions · no style id');
    assert.equal(styleContextValue(noId), 'style;');
    const broken = summarizeStyle(styleFile('4_broken', '{ "versions": [ '));
    assert.equal(broken.description, 'invalid JSON · 1 problem');
    assert.equal(styleContextValue(broken), 'style;styleId;problems;invalid;');
    assert.deepEqual(styleIcon(broken), { id: 'error', color: 'list.errorForeground' });
    const shape = summarizeStyle(styleFile('5_shape', '{ "versions": 3 }'));
    assert.equal(shape.description, 'invalid file · 1 problem');
  });

  test('a stale job is counted as stale, not in flight', () => {
    const s = summarizeStyle(
      styleFile('7_pastel', [detailed(`${JOB.a}-e1`, 'V3', { status: 'pending', timestamp: iso(NOW - 2 * DAY), completedAt: undefined })]),
    );
    assert.deepEqual([s.inFlightCount, s.staleCount, s.problemCount], [0, 1, 1]);
    assert.equal(s.description, '1 problem · 1 version');
  });
});

describe('StyleTreeModel updates', () => {
  test('upsert reports added, changed and a flip of "has problems"; totals follow without recounting', () => {
    const m = new StyleTreeModel();
    const clean = styleFile('1_ink', [detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') })]);
    const r1 = m.upsert(clean);
    assert.deepEqual([r1.added, r1.changed, r1.problemsFlipped], [true, true, false]);
    const same = m.upsert(clean);
    assert.deepEqual([same.added, same.changed], [false, false], 'the same analysis changes nothing');
    const dirty = styleFile('1_ink', [detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }), minimal(1, 'V7')]);
    const r2 = m.upsert(dirty);
    assert.deepEqual([r2.added, r2.changed, r2.problemsFlipped], [false, true, true]);
    m.upsert(
      styleFile('3_water', [detailed(`${JOB.b}-e1`, 'V1', { status: 'training', timestamp: iso(NOW - HOUR), completedAt: undefined })]),
    );
    assert.deepEqual(
      m.totals(),
      { styles: 2, versions: 3, problems: 2, stylesWithProblems: 1, inFlight: 1, stale: 0 },
      'the duplicate and its regular URL',
    );
    m.upsert(clean);
    assert.deepEqual(m.totals(), { styles: 2, versions: 2, problems: 0, stylesWithProblems: 0, inFlight: 1, stale: 0 });
    assert.deepEqual(m.remove('file:///ws/3_water/training_versions.json'), { group: '' });
    assert.equal(m.remove('file:///ws/3_water/training_versions.json'), undefined);
    assert.deepEqual(m.totals(), { styles: 1, versions: 1, problems: 0, stylesWithProblems: 0, inFlight: 0, stale: 0 });
  });

  test('a syntax error while typing keeps the last good versions, out of date, with invalid-json on the style', () => {
    const m = new StyleTreeModel();
    const key = 'file:///ws/1_ink/training_versions.json';
    const good = file([
      detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
      detailed(`${JOB.b}-e1`, 'V8', { status: 'training', timestamp: iso(NOW - HOUR), completedAt: undefined }),
    ]);
    m.upsert(styleFile('1_ink', good));
    const typing = good.replace('"V8"', '"V8').replace('"training"', '"training",,');
    m.upsert(styleFile('1_ink', typing));
    const s = m.summary(key)!;
    assert.equal(s.description, 'invalid JSON · 1 problem · 2 versions (out of date) · 1 in flight');
    assert.deepEqual([s.outOfDate, s.versionCount, s.inFlightCount, s.problemCount, s.codeCounts['invalid-json']], [true, 2, 1, 1, 1]);
    assert.deepEqual(styleIcon(s), { id: 'error', color: 'list.errorForeground' });
    const rows = m.versions(key, NOW);
    assert.deepEqual(
      rows.map((r) => [r.label, r.outOfDate, versionContextValue(r)]),
      [
        ['V8', true, 'version;outOfDate;styleId;'],
        ['V7', true, 'version;outOfDate;styleId;'],
      ],
    );
    assert.deepEqual(m.totals(), { styles: 1, versions: 2, problems: 1, stylesWithProblems: 1, inFlight: 1, stale: 0 });
    // Still broken after another keystroke: still the last good versions.
    m.upsert(styleFile('1_ink', typing + ' '));
    assert.equal(m.versions(key, NOW).length, 2);
    // Fixed: today's versions, no longer out of date.
    m.upsert(styleFile('1_ink', good.replace(`${JOB.a}-e1`, `${JOB.c}-e1`)));
    assert.deepEqual([m.summary(key)!.outOfDate, m.versions(key, NOW).some((r) => r.outOfDate)], [false, false]);
    // A file that never parsed has nothing to keep; a file whose shape is wrong shows that, not old versions.
    const fresh = new StyleTreeModel();
    fresh.upsert(styleFile('1_ink', '{ "versions": [ '));
    assert.deepEqual([fresh.summary(key)!.outOfDate, fresh.versions(key, NOW).length], [false, 0]);
    m.upsert(styleFile('1_ink', '{ "versions": 3 }'));
    assert.deepEqual([m.summary(key)!.outOfDate, m.versions(key, NOW).length], [false, 0]);
  });

  test('a job a RunPod check found expired: marked on its row, counted as expired, not in flight', () => {
    const text = file([
      detailed(`${JOB.a}-e1`, 'V3', { status: 'training', timestamp: iso(NOW - HOUR), completedAt: undefined }),
      detailed(`${JOB.b}-e1`, 'V4', { status: 'pending', timestamp: iso(NOW - 3 * DAY), completedAt: undefined }),
      detailed(`${JOB.c}-e1`, 'V2'),
    ]);
    const expiredJobs = new Map([
      [`${JOB.a}-e1`, NOW - HOUR],
      [`${JOB.b}-e1`, NOW - HOUR],
      [`${JOB.c}-e1`, NOW - HOUR],
    ]);
    const f = { ...styleFile('1_ink', text), expiredJobs };
    const s = summarizeStyle(f);
    assert.deepEqual([s.inFlightCount, s.expiredCount, s.staleCount], [0, 2, 1]);
    assert.equal(s.description, '1 problem · 3 versions · 2 expired');
    const by = Object.fromEntries(versionRows(f, NOW).map((r) => [r.label, r]));
    assert.deepEqual(
      [by.V3.state, versionIcon(by.V3).id, by.V3.description],
      ['expired', 'history', 'expired on RunPod · 1 h ago · dim 16 · lr 1e-4'],
    );
    assert.equal(by.V4.description, 'stale · expired on RunPod · 3 d ago · dim 16 · lr 1e-4', 'the stale warning still shows');
    assert.equal(versionContextValue(by.V3), 'version;inFlight;expired;styleId;');
    assert.deepEqual([by.V2.state, by.V2.expiredAt], ['completed', undefined], 'a finished job is no longer expired');
    const m = new StyleTreeModel();
    m.upsert(styleFile('1_ink', text));
    assert.equal(m.totals().inFlight, 1);
    const r = m.upsert(f);
    assert.equal(r.changed, true, 'a newly expired job changes the row');
    assert.equal(m.totals().inFlight, 0);
  });

  test('moving a file to another group counts as added', () => {
    const m = new StyleTreeModel();
    const f = styleFile('1_ink', []);
    m.upsert(f, 'a');
    const r = m.upsert(f, 'b');
    assert.equal(r.added, true);
    assert.deepEqual(m.styles('a'), []);
    assert.deepEqual(
      m.styles('b').map((s) => s.label),
      ['1_ink'],
    );
  });

  test('"only problems" keeps styles with problems and, inside them, versions with problems', () => {
    const m = new StyleTreeModel();
    m.upsert(styleFile('1_ink', [detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }), minimal(1, 'V7')]));
    m.upsert(styleFile('10_clean', [detailed(`${JOB.b}-e1`, 'V1', { loraUrl: acceleratedModelUrl(10, 'V1') })]));
    m.onlyProblems = true;
    assert.deepEqual(
      m.styles().map((s) => s.label),
      ['1_ink'],
    );
    assert.deepEqual(
      m.versions('file:///ws/1_ink/training_versions.json', NOW).map((r) => r.label),
      ['style_1_vV7.safetensors'],
    );
    m.onlyProblems = false;
    assert.deepEqual(
      m.styles().map((s) => s.label),
      ['1_ink', '10_clean'],
    );
    assert.equal(m.versions('file:///ws/1_ink/training_versions.json', NOW).length, 2);
  });
});

describe('formatting helpers', () => {
  test('relativeTime', () => {
    assert.equal(relativeTime(NOW - 20_000, NOW), 'just now');
    assert.equal(relativeTime(NOW - 5 * 60_000, NOW), '5 min ago');
    assert.equal(relativeTime(NOW - 3 * HOUR, NOW), '3 h ago');
    assert.equal(relativeTime(NOW - 47 * HOUR, NOW), '47 h ago');
    assert.equal(relativeTime(NOW - 2 * DAY, NOW), '2 d ago');
    assert.equal(relativeTime(NOW - 90 * DAY, NOW), '2 mo ago');
    assert.equal(relativeTime(NOW - 800 * DAY, NOW), '2 y ago');
    assert.equal(relativeTime(NOW + 2 * HOUR, NOW), 'in 2 h');
  });

  test('formatNumber and keyParameters', () => {
    assert.deepEqual([0.0001, 0.0002, 0.00005, 0.00015, 0.001, 0.01, 16, 0].map(formatNumber), [
      '1e-4',
      '2e-4',
      '5e-5',
      '1.5e-4',
      '0.001',
      '0.01',
      '16',
      '0',
    ]);
    assert.deepEqual(keyParameters({ lr: 0.0003 }), ['lr 3e-4']);
    assert.deepEqual(keyParameters({ network_dim: 8, network_alpha: 8 }), ['dim 8']);
    assert.deepEqual(keyParameters({ network_dim: '8' }), []);
    assert.deepEqual(keyParameters([]), []);
    assert.deepEqual(keyParameters(undefined), []);
  });

  test('fieldRows lists every field, parameters inline', () => {
    assert.deepEqual(
      fieldRows({ id: 'x', parameters: { network_dim: 16, learning_rate: 0.0001, note: 'a' }, imageCount: 4, extra: { k: 1 } }),
      [
        ['id', 'x'],
        ['parameters', 'network_dim=16, learning_rate=1e-4, note="a"'],
        ['imageCount', '4'],
        ['extra', '{"k":1}'],
      ],
    );
  });
});
