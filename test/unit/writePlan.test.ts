/** SPEC.md §9: the decision's data (core/writePlan.ts) and the editor's words for it (vscode/writeWords.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { planCleanup } from '../../src/core/cleanup';
import { applyEdits } from '../../src/core/edits';
import { analyze } from '../../src/core/findings';
import type { FileSyncPlan } from '../../src/core/s3Sync';
import { cleanupWrite, keptReason, type PlannedWrite, syncWrite, totalsOf } from '../../src/core/writePlan';
import {
  appliedSummary,
  backupsSentence,
  changeWords,
  decisionDetail,
  decisionSummary,
  reviewLabel,
  reviewTitle,
} from '../../src/vscode/writeWords';

const examples = join(__dirname, '..', '..', 'examples');
const read = (style: string) => readFileSync(join(examples, style, 'training_versions.json'), 'utf8').replace(/^\uFEFF/, '');

function cleanupOf(style: string): PlannedWrite | undefined {
  const text = read(style);
  const a = analyze(text, { now: Date.now(), styleId: style.split('_')[0] });
  return cleanupWrite(`${style}/training_versions.json`, text, planCleanup(a), a.groups);
}

function group(entries: Record<string, unknown>[]) {
  const a = analyze(JSON.stringify({ versions: entries }, null, 2), { now: Date.now(), styleId: '1' });
  assert.equal(a.groups.length, 1, 'one duplicate group');
  return a.groups[0];
}

const url = (host: string) => `https://storyboard-user-files.${host}.amazonaws.com/m/style_1_vV7.safetensors`;

describe('planned writes of a clean-up', () => {
  test('1_ink_intensity: keep "V7" (parameters) over its S3 copy; the texts are the engine\'s', () => {
    const w = cleanupOf('1_ink_intensity')!;
    assert.ok(w, 'the example has something to clean up');
    assert.equal(w.oldText, read('1_ink_intensity'));
    assert.equal(w.newText, applyEdits(w.oldText, w.edits));
    assert.equal(w.changes.length, 1);
    const c = w.changes[0];
    assert.equal(c.kind, 'merge');
    if (c.kind !== 'merge') return;
    assert.equal(c.because, 'parameters');
    assert.match(c.kept, /^"V7" \(3e248bb6-/);
    assert.deepEqual(
      c.removed.map((r) => r.rule),
      ['same S3 object'],
    );
    assert.match(
      changeWords(c),
      /^keep "V7" \(3e248bb6-[^)]*\) \(it has the training parameters\), remove "style_1_vV7\.safetensors" \(style_1_vV7\) \(same S3 object\)$/,
    );
  });

  test('a clean file plans nothing', () => {
    assert.equal(cleanupOf('10_clean_line'), undefined);
  });

  test('the summary counts the planned files only, from their changes', () => {
    const styles = ['1_ink_intensity', '3_watercolor_wash', '7_pastel_soft', '10_clean_line', '12_charcoal_sketch', '59_comic_halftone'];
    const writes = styles.map(cleanupOf).filter((w): w is PlannedWrite => w !== undefined);
    const t = totalsOf(writes);
    assert.equal(t.files, writes.length);
    const merges = writes.flatMap((w) => w.changes.filter((c) => c.kind === 'merge'));
    assert.equal(t.groupsMerged, merges.length);
    assert.equal(
      t.entriesRemoved,
      merges.reduce((n, c) => n + (c.kind === 'merge' ? c.removed.length : 0), 0),
    );
    assert.equal(t.urlsUpgraded, writes.flatMap((w) => w.changes.filter((c) => c.kind === 'upgrade-url')).length);
    // A file whose edits were dropped (nothing to write) is not counted.
    assert.equal(totalsOf([...writes, { ...writes[0], edits: [] }]).files, writes.length);
    const s = (n: number) => (n === 1 ? '' : 's');
    const what =
      t.groupsMerged && t.urlsUpgraded
        ? `Merge ${t.groupsMerged} duplicate group${s(t.groupsMerged)} and upgrade ${t.urlsUpgraded} URL${s(t.urlsUpgraded)}`
        : '';
    assert.equal(decisionSummary('cleanup', t), `${what} in ${t.files} files.`);
  });
});

describe('which entry is kept, and why (§2 priority against the runner-up)', () => {
  const detailed = {
    id: 'j1-e1',
    name: 'V7',
    parameters: { network_dim: 16 },
    loraUrl: url('s3-accelerate'),
    timestamp: '2025-10-01T00:00:00Z',
  };
  test('parameters', () => {
    assert.equal(
      keptReason(
        group([
          {
            id: 'style_1_vV7',
            name: 'style_1_vV7.safetensors',
            parameters: {},
            loraUrl: url('s3.us-west-1'),
            completedAt: '2025-10-02T00:00:00Z',
          },
          detailed,
        ]),
      ),
      'parameters',
    );
  });
  test('completedAt', () => {
    assert.equal(
      keptReason(
        group([
          { ...detailed, id: 'j1-e2' },
          { ...detailed, completedAt: '2025-10-01T01:00:00Z' },
        ]),
      ),
      'completedAt',
    );
  });
  test('newest timestamp', () => {
    assert.equal(keptReason(group([detailed, { ...detailed, id: 'j1-e2', timestamp: '2025-10-05T00:00:00Z' }])), 'newest');
  });
  test('first in the file', () => {
    assert.equal(keptReason(group([detailed, { ...detailed, id: 'j1-e2' }])), 'first');
  });
});

describe('planned writes of a sync', () => {
  const plan: FileSyncPlan = {
    path: '1_ink/training_versions.json',
    styleId: '1',
    updates: [
      {
        index: 0,
        id: 'a',
        label: '"V1"',
        key: 'm/style_1_vV1.safetensors',
        rule: 'same-object',
        reason: '',
        changes: [
          { field: 'loraUrl', from: url('s3.us-west-1'), to: url('s3-accelerate') },
          { field: 'lastSynced', to: 'now' },
        ],
      },
      {
        index: 1,
        id: 'b',
        label: '"V2"',
        key: 'm/style_1_vV2.safetensors',
        rule: 'version-name',
        reason: '',
        changes: [
          { field: 'loraUrl', to: 'x' },
          { field: 'status', from: 'training', to: 'completed' },
          { field: 'lastSynced', to: 'now' },
        ],
      },
      {
        index: 2,
        id: 'c',
        label: '"V3"',
        key: 'm/style_1_vV3.safetensors',
        rule: 'id-is-stem',
        reason: '',
        changes: [{ field: 'lastSynced', from: 'then', to: 'now' }],
      },
    ],
    additions: [{ key: 'm/style_1_vV4.safetensors', entry: { id: 'style_1_vV4' } }],
    notAdded: [],
    edits: [{ offset: 0, length: 0, newText: ' ' }],
    newText: ' {}',
    changed: true,
  };
  test('updates, URL upgrades (a URL replaced, not one set), re-syncs and additions', () => {
    const w = syncWrite(plan.path, '{}', plan)!;
    const t = totalsOf([w]);
    assert.deepEqual([t.files, t.entriesUpdated, t.urlsUpgraded, t.entriesResynced, t.entriesAdded], [1, 2, 1, 1, 1]);
    assert.equal(decisionSummary('sync', t), 'Add 1 entry, update 2 entries (1 URL upgraded) and mark 1 entry as synced in 1 file.');
    assert.equal(appliedSummary('sync', t), 'Added 1 entry, updated 2 entries and marked 1 entry as synced in 1 file.');
    assert.equal(changeWords(w.changes[1]), 'update "V2": loraUrl, status');
  });
  test('an unchanged file plans nothing', () => {
    assert.equal(syncWrite(plan.path, '{}', { ...plan, changed: false }), undefined);
  });
});

describe('the words of the decision', () => {
  const t = { files: 4, groupsMerged: 3, entriesRemoved: 4, urlsUpgraded: 1, entriesAdded: 0, entriesUpdated: 0, entriesResynced: 0 };
  test('summary, applied summary and review title', () => {
    assert.equal(decisionSummary('cleanup', t), 'Merge 3 duplicate groups and upgrade 1 URL in 4 files.');
    assert.equal(appliedSummary('cleanup', t), 'Merged 3 duplicate groups (4 entries removed) and upgraded 1 URL in 4 files.');
    assert.equal(reviewTitle('cleanup', t), 'Review Clean Up Workspace: Merge 3 duplicate groups and upgrade 1 URL');
    assert.equal(decisionSummary('cleanup', { ...t, files: 1, groupsMerged: 1, urlsUpgraded: 0 }), 'Merge 1 duplicate group in 1 file.');
  });
  test('the review label names the style folder and the change, and holds no path separator', () => {
    const w = cleanupOf('1_ink_intensity')!;
    const label = reviewLabel('1_ink_intensity/training_versions.json', { ...w, changes: [...w.changes, { kind: 'add', label: '"a/b"' }] });
    assert.match(label, /^1_ink_intensity — keep "V7" /);
    assert.ok(!label.includes('/'), label);
  });
  test('the detail lists every file, then the backups', () => {
    const w = cleanupOf('1_ink_intensity')!;
    const d = decisionDetail([{ name: '1_ink_intensity/training_versions.json', write: w }], 1).split('\n');
    assert.equal(d.length, 2);
    assert.match(d[0], /^1_ink_intensity\/training_versions\.json: keep "V7"/);
    assert.match(d[1], /first copies the file to training_versions\.json\.backup/);
    assert.match(decisionDetail([{ name: 'x', write: w }], 0), /no backup \(trainingVersions\.backups is off\)/);
    assert.equal(backupsSentence(0), '');
    assert.equal(backupsSentence(2), 'Backups: the previous texts of 2 files are in training_versions.json.backup.');
  });
});
