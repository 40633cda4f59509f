/**
 * The index's lean style files (src/core/styleFile.ts `indexStyleFile`): only a digest
 * kept, the whole analysis recomputed when read — and everything the editor shows from
 * either equal to what the whole analysis gives.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refusedAsNonUtf8 } from '../../src/core/findings';
import { jobsToPoll } from '../../src/core/runpodWorkspace';
import { type StyleFile, analyzeStyleFile, digestOf, digestOfAnalysis, indexStyleFile } from '../../src/core/styleFile';
import { summarizeStyle, versionRows } from '../../src/core/styleRows';
import { StyleTreeModel } from '../../src/core/styleTreeModel';
import { JOB, NOW, acceleratedModelUrl, detailed, file, minimal, regularModelUrl } from '../support/helpers';

const PATH = '/ws/7_ink/training_versions.json';
const KEY = 'file:///ws/7_ink/training_versions.json';
const HOUR = 3600_000;

/** Every kind of entry the row and the digest count: a duplicate pair, minimal, stale, in flight, failed, regular URL. */
const TEXT = file([
  detailed(`${JOB.a}-e1`, 'V1', { loraUrl: acceleratedModelUrl(7, 'V1') }),
  minimal(7, 'V1'),
  minimal(7, 'V2'),
  detailed(`${JOB.b}-e1`, 'V3', { status: 'training', timestamp: new Date(NOW - 48 * HOUR).toISOString(), completedAt: null }),
  detailed(`${JOB.c}-e1`, 'V4', { status: 'pending', timestamp: new Date(NOW - HOUR).toISOString(), completedAt: null }),
  detailed('style_7_vV5', 'V5', { status: 'starting', timestamp: new Date(NOW - HOUR).toISOString(), completedAt: null }),
  detailed(`${JOB.d}-e1`, 'V6', { status: 'failed', error: 'CUDA out of memory', completedAt: null }),
  detailed(`${JOB.d}-e2`, 'V7', { loraUrl: regularModelUrl(7, 'V7') }),
]);

function eager(text = TEXT): StyleFile {
  return { key: KEY, ...analyzeStyleFile(PATH, text, { now: NOW }) };
}

describe('indexStyleFile: a digest kept, the analysis recomputed', () => {
  test('the digest holds what the whole analysis gives', () => {
    const lean = indexStyleFile(KEY, PATH, TEXT, { now: NOW });
    const full = eager();
    const d = digestOfAnalysis(full.analysis);
    assert.deepEqual(lean.digest, d);
    assert.equal(d.versionCount, 8);
    assert.equal(d.duplicateCount, 2);
    assert.deepEqual(
      d.inFlight.map((v) => v.index),
      [3, 4, 5],
    );
    // A stem id is never asked about (SPEC.md §1): V5's `style_7_vV5` is not a target.
    assert.deepEqual(d.statusTargets, [`${JOB.b}-e1`, `${JOB.c}-e1`]);
    assert.equal(lean.styleFolder, '7_ink');
    assert.equal(lean.styleId, '7');
  });

  test('the recomputed analysis equals the first one (same options and clock), and stays one object while used', () => {
    const lean = indexStyleFile(KEY, PATH, TEXT, { now: NOW, staleAfterHours: 24 });
    const a = lean.analysis;
    assert.equal(lean.analysis, a, 'read twice in a row: the same object');
    assert.deepEqual(a.findings, lean.digest.findings);
    assert.deepEqual(
      a.findings.map((f) => f.code),
      eager().analysis.findings.map((f) => f.code),
    );
    assert.ok(a.findings.some((f) => f.code === 'stale-job'));
    // A spread copy (hover, tooltip) reads the analysis.
    assert.equal({ ...lean }.analysis, a);
  });

  test('only the last few recomputed analyses are held; `keep` holds one for good', () => {
    const many = Array.from({ length: 6 }, () => indexStyleFile(KEY, PATH, TEXT, { now: NOW }));
    const first = many[0].analysis;
    for (const f of many.slice(1)) void f.analysis;
    assert.notEqual(many[0].analysis, first, 'evicted: recomputed, a new object');
    const kept = indexStyleFile(KEY, PATH, TEXT, { now: NOW }, { keep: true });
    const k = kept.analysis;
    for (const f of many) void f.analysis;
    assert.equal(kept.analysis, k);
  });

  test('refine applies to every analysis of the text (a file that is not UTF-8)', () => {
    const lean = indexStyleFile(KEY, PATH, TEXT, { now: NOW }, { refine: refusedAsNonUtf8 });
    assert.equal(lean.digest.writable, false);
    assert.equal(lean.digest.findings[0].code, 'invalid-json');
    assert.equal(lean.analysis.writable, false);
    assert.equal(lean.analysis.findings[0].code, 'invalid-json');
  });

  test('the row, the version rows and polling read the same from a lean file as from a whole analysis', () => {
    const lean = indexStyleFile(KEY, PATH, TEXT, { now: NOW });
    const expiredJobs = new Map([[`${JOB.c}-e1`, NOW - HOUR]]);
    assert.deepEqual(summarizeStyle({ ...lean, expiredJobs }), summarizeStyle({ ...eager(), expiredJobs }));
    assert.deepEqual(versionRows(lean, NOW), versionRows(eager(), NOW));
    const full = eager();
    assert.deepEqual(jobsToPoll([lean.digest]), jobsToPoll([full.analysis]));
    assert.deepEqual(jobsToPoll([digestOf(full)], new Map([[`${JOB.b}-e1`, { kind: 'unknown-id', asked: [] }]])), [`${JOB.c}-e1`]);
  });

  test('the tree model: unchanged digest, no change; a syntax error keeps the last good versions in sight', () => {
    const m = new StyleTreeModel();
    const lean = indexStyleFile(KEY, PATH, TEXT, { now: NOW });
    assert.equal(m.upsert(lean).changed, true);
    assert.equal(m.upsert({ ...lean }).changed, false, 'same digest: nothing to refresh');
    const broken = indexStyleFile(KEY, PATH, TEXT.slice(0, 200), { now: NOW });
    const r = m.upsert(broken);
    assert.equal(r.summary.outOfDate, true);
    assert.equal(r.summary.versionCount, 8);
    assert.equal(m.versions(KEY, NOW).length, 8);
    assert.ok(m.versions(KEY, NOW).every((row) => row.outOfDate));
  });
});
