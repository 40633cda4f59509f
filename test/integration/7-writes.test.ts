/**
 * SPEC.md §9 in the real host: Clean Up Workspace and Sync from S3 end in one
 * decision (answered here through the test API's hook, clicked in the page by
 * scripts/ui-test-writes.mjs); reviewing shows the planned texts and never
 * changes what the index, the tree and the Problems panel count; Cancel writes
 * nothing; Apply writes every change with the backups of this apply, then one
 * notification says what was written, with Undo; tree fixes are editor edits
 * without backups, the same text as the quick fix.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { planCleanup } from '../../src/core/cleanup';
import { analyze } from '../../src/core/findings';
import type { CleanupResult } from '../../src/vscode/commands/cleanupWorkspace';
import type { SyncS3Result } from '../../src/vscode/commands/syncS3';
import { type DecisionChoice, type DecisionRequest, REVIEW_SCHEME } from '../../src/vscode/writeDecision';
import { S3RVER_ENV, type S3rverHandle, startS3rver } from '../support/s3rver';
import {
  type TestedApi,
  api,
  closeAll,
  codeOf,
  EXTENSION_ID,
  fileIn,
  folderUri,
  ours,
  readDisk,
  removeStyles,
  waitFor,
  writeDisk,
  writeStyle,
} from './helpers';

type Entry = Record<string, unknown>;
const BUCKET = 'storyboard-user-files';
const PREFIX = 'models/';
const regular = (stem: string) => `https://${BUCKET}.s3.us-west-1.amazonaws.com/${PREFIX}${stem}.safetensors`;
const fast = (stem: string) => `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}${stem}.safetensors`;
const params = { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 };
const render = (entries: Entry[]) => JSON.stringify({ versions: entries }, null, 2) + '\n';

/** Two duplicate groups (same S3 object; same RunPod job retried). */
const DUPES = '771_w_dupes';
const DUPES_TEXT = render([
  {
    id: 'a7710000-0000-4000-8000-000000000003-e1',
    name: 'V3',
    timestamp: '2025-10-03T10:00:00.000Z',
    parameters: params,
    status: 'completed',
    selectionSetId: 1,
    imageCount: 30,
    loraUrl: fast('style_771_vV3'),
    completedAt: '2025-10-03T10:30:00.000Z',
  },
  {
    id: 'style_771_vV3',
    name: 'style_771_vV3.safetensors',
    status: 'completed',
    loraUrl: regular('style_771_vV3'),
    timestamp: '2025-10-03T10:31:00+00:00',
    parameters: {},
    description: 'Synced from S3',
  },
  {
    id: 'b7710000-0000-4000-8000-000000000004-e1',
    name: 'V4',
    timestamp: '2025-10-04T10:00:00.000Z',
    parameters: params,
    status: 'failed',
    error: 'OOM',
    failedAt: '2025-10-04T10:05:00.000Z',
  },
  {
    id: 'b7710000-0000-4000-8000-000000000004-e2',
    name: 'V4',
    timestamp: '2025-10-04T11:00:00.000Z',
    parameters: params,
    status: 'completed',
    loraUrl: fast('style_771_vV4'),
    completedAt: '2025-10-04T11:30:00.000Z',
  },
]);
/** One regular S3 URL to upgrade. */
const URL = '772_w_url';
const URL_TEXT = render([
  {
    id: 'c7720000-0000-4000-8000-000000000001-e1',
    name: 'V1',
    timestamp: '2025-10-05T10:00:00.000Z',
    parameters: params,
    status: 'completed',
    loraUrl: regular('style_772_vV1'),
    completedAt: '2025-10-05T10:30:00.000Z',
  },
]);
const CLEAN = '773_w_clean';
const CLEAN_TEXT = render([
  {
    id: 'd7730000-0000-4000-8000-000000000001-e1',
    name: 'V1',
    timestamp: '2025-10-05T10:00:00.000Z',
    parameters: params,
    status: 'completed',
    loraUrl: fast('style_773_vV1'),
    completedAt: '2025-10-05T10:30:00.000Z',
  },
]);
/** For the tree's one-file fixes. */
const TREE = '775_w_tree';
const TREE_TEXT = render([
  {
    id: 'e7750000-0000-4000-8000-000000000001-e1',
    name: 'V1',
    timestamp: '2025-10-05T10:00:00.000Z',
    parameters: params,
    status: 'completed',
    loraUrl: fast('style_775_vV1'),
    completedAt: '2025-10-05T10:30:00.000Z',
  },
  {
    id: 'style_775_vV1',
    name: 'style_775_vV1.safetensors',
    status: 'completed',
    loraUrl: regular('style_775_vV1'),
    timestamp: '2025-10-05T10:31:00+00:00',
    parameters: {},
    description: 'Synced from S3',
  },
  {
    id: 'e7750000-0000-4000-8000-000000000002-e1',
    name: 'V2',
    timestamp: '2025-10-06T10:00:00.000Z',
    parameters: params,
    status: 'completed',
    loraUrl: regular('style_775_vV2'),
    completedAt: '2025-10-06T10:30:00.000Z',
  },
]);
/** For the sync: V1 waits for its model file (matched by name), V2 is new. */
const SYNC = '774_w_sync';
const SYNC_TEXT = render([
  {
    id: 'f7740000-0000-4000-8000-000000000001-e1',
    name: 'V1',
    timestamp: '2025-10-05T10:00:00.000Z',
    parameters: params,
    status: 'training',
  },
]);
const STYLES = [DUPES, URL, CLEAN, TREE, SYNC];

let tv: TestedApi;

const backupOf = (style: string) => vscode.Uri.joinPath(folderUri(), style, 'training_versions.json.backup');
const exists = (uri: vscode.Uri) =>
  Promise.resolve(vscode.workspace.fs.stat(uri)).then(
    () => true,
    () => false,
  );
const engineCleanup = (text: string, styleId: string) => planCleanup(analyze(text, { now: Date.now(), styleId })).newText;

/** What the index, the tree and the Problems panel count: a review must leave all of it as it was. */
async function counts(): Promise<Record<string, unknown>> {
  const roots = await tv.tree.getChildren();
  const problems = vscode.languages
    .getDiagnostics()
    .map(([uri, ds]) => [uri.toString(), ds.filter((d) => d.source === 'training-versions').length] as const)
    .filter(([, n]) => n > 0);
  return {
    indexed: tv.index
      .all()
      .map((f) => f.uri.toString())
      .sort(),
    treeRoots: roots.map((r) => r.kind),
    treeTotals: tv.tree.totals(),
    problemFiles: problems.map(([u]) => u).sort(),
    problems: problems.reduce((n, [, c]) => n + c, 0),
  };
}

function reviewDocs(): vscode.TextDocument[] {
  return vscode.workspace.textDocuments.filter((d) => d.uri.scheme === REVIEW_SCHEME);
}

/** Answers the next decisions with `answers` in turn; `during(request)` runs before each answer. */
function answer(
  answers: DecisionChoice[],
  during: (r: DecisionRequest, i: number) => Promise<void> = async () => undefined,
): { asked: DecisionRequest[]; done: vscode.Disposable } {
  const asked: DecisionRequest[] = [];
  const done = tv.writes.answerWith(async (r) => {
    asked.push(r);
    await during(r, asked.length - 1);
    return answers[asked.length - 1] ?? 'cancel';
  });
  return { asked, done };
}

const cleanup = (styles: string[]) =>
  vscode.commands.executeCommand<CleanupResult>('trainingVersions.cleanupWorkspace', { uris: styles.map((s) => fileIn(s)) });

describe('write decisions (SPEC.md §9)', function () {
  this.timeout(90_000);

  before(async () => {
    tv = await api();
    for (const [s, t] of [
      [DUPES, DUPES_TEXT],
      [URL, URL_TEXT],
      [CLEAN, CLEAN_TEXT],
      [TREE, TREE_TEXT],
      [SYNC, SYNC_TEXT],
    ])
      await writeStyle(tv, s, t);
  });
  after(async () => {
    await removeStyles(tv, ...STYLES);
  });
  afterEach(closeAll);

  it("Clean Up: one summary in the domain's words; Review shows the planned texts as diffs and changes no count; Cancel writes nothing", async () => {
    await writeDisk(backupOf(URL), 'an old backup\n');
    await waitFor('diagnostics of the fixtures', () => ours(fileIn(DUPES)).length > 0 && ours(fileIn(URL)).length > 0);
    const before = await counts();
    let during: Record<string, unknown> | undefined;
    let docs: vscode.TextDocument[] = [];
    const { asked, done } = answer(['review', 'cancel'], async (r, i) => {
      if (i !== 1) return;
      docs = await waitFor("the review's documents", () => (reviewDocs().length >= 4 ? reviewDocs() : undefined), 20_000);
      // Our providers asked about a review document (the lightbulb and hovers do that): still nothing of ours.
      const proposed = docs.find((d) => d.uri.authority === 'proposed')!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        proposed.uri,
        new vscode.Range(0, 0, 5, 0),
      );
      assert.ok(
        !actions.some((a) => /Merge duplicates|Upgrade to the accelerated/.test(a.title)),
        'no fix offered on a read-only review document',
      );
      await new Promise((res) => setTimeout(res, 600)); // past the index's debounce
      during = await counts();
      const labels = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
      assert.ok(
        labels.includes(`${r.review?.title} (2 files)`),
        `the review is open, titled in the domain's words: tabs ${JSON.stringify(labels)}, want ${r.review?.title}`,
      );
    });
    let r: CleanupResult;
    try {
      r = await cleanup([DUPES, URL, CLEAN]);
    } finally {
      done.dispose();
    }
    assert.equal(asked.length, 2, 'asked, reviewed, asked again');
    assert.equal(asked[0].message, 'Merge 2 duplicate groups and upgrade 1 URL in 2 files.');
    assert.equal(asked[0].title, 'Clean Up Workspace');
    assert.equal(asked[1].message, asked[0].message, 'the same decision after the review');
    assert.match(
      asked[0].detail,
      /^771_w_dupes\/training_versions\.json: keep "V3" \(a7710000-[^)]*\) \(it has the training parameters\), remove "style_771_vV3\.safetensors" \(style_771_vV3\) \(same S3 object\); keep "V4" \(b7710000-[^)]*-e2\) \(it has completedAt\), remove "V4" \(b7710000-[^)]*-e1\) \(same RunPod job\)\.$/m,
    );
    assert.match(asked[0].detail, /^772_w_url\/training_versions\.json: upgrade the URL of "V1" \([^)]*\) to S3 Transfer Acceleration\.$/m);
    assert.match(asked[0].detail, /first copies each file to training_versions\.json\.backup\.$/);
    assert.deepEqual(during, before, 'reviewing changed nothing the index, the tree or the Problems panel count');
    assert.ok(!tv.index.all().some((f) => f.uri.scheme !== 'file'), 'no review document in the index');

    // The review showed true diffs: the text on disk, and what the engine plans for it.
    const sides = asked[1].review!.sides;
    assert.equal(sides.length, 2);
    for (const [i, [style, text]] of [
      [DUPES, DUPES_TEXT],
      [URL, URL_TEXT],
    ].entries()) {
      assert.match(sides[i].label, new RegExp(`^${style} — `));
      const original = docs.find((d) => d.uri.toString() === sides[i].original.toString());
      const proposed = docs.find((d) => d.uri.toString() === sides[i].proposed.toString());
      assert.equal(original?.getText(), text, `${style}: the review's left side is the file now`);
      assert.equal(proposed?.getText(), engineCleanup(text, style.split('_')[0]), `${style}: the right side is what Apply writes`);
    }
    assert.equal(r.choice, 'cancel');
    assert.equal(r.applied, false);
    assert.equal(await readDisk(fileIn(DUPES)), DUPES_TEXT, 'nothing written after Cancel');
    assert.equal(await readDisk(fileIn(URL)), URL_TEXT);
    assert.equal(await exists(backupOf(DUPES)), false, 'no backup after Cancel');
    assert.equal(await readDisk(backupOf(URL)), 'an old backup\n');
    await waitFor(
      'the review closed',
      () => !vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label.startsWith(asked[1].review!.title)),
    );
  });

  it('Clean Up: Apply writes every change as one edit with the backups of THIS apply, says so with Undo; Undo puts files and backups back', async () => {
    const { asked, done } = answer(['apply']);
    let r: CleanupResult;
    try {
      r = await cleanup([DUPES, URL, CLEAN]);
    } finally {
      done.dispose();
    }
    assert.equal(asked.length, 1);
    assert.equal(r.choice, 'apply');
    assert.equal(r.applied, true);
    assert.deepEqual([r.files, r.merged, r.removed, r.upgraded], [2, 2, 2, 1]);
    assert.equal(await readDisk(fileIn(DUPES)), engineCleanup(DUPES_TEXT, '771'));
    assert.equal(await readDisk(fileIn(URL)), engineCleanup(URL_TEXT, '772'));
    assert.equal(await readDisk(fileIn(CLEAN)), CLEAN_TEXT, 'a clean file is untouched');
    assert.equal(await readDisk(backupOf(DUPES)), DUPES_TEXT, 'a backup of the state before this apply');
    assert.equal(await readDisk(backupOf(URL)), URL_TEXT, 'an old backup is replaced by the state before this apply');
    assert.equal(await exists(backupOf(CLEAN)), false);

    const notice = tv.writes.notices[tv.writes.notices.length - 1];
    assert.equal(
      notice.message,
      'Clean Up Workspace: Merged 2 duplicate groups (2 entries removed) and upgraded 1 URL in 2 ' +
        'files. Backups: the previous texts of 2 files are in training_versions.json.backup.',
    );
    assert.equal(r.message, notice.message);
    assert.deepEqual(notice.actions, ['Undo', 'Show Log']);
    await waitFor(
      'no fixable problem left',
      () =>
        !ours(fileIn(DUPES)).some((d) => codeOf(d) === 'duplicate-version') &&
        !ours(fileIn(URL)).some((d) => codeOf(d) === 'non-accelerated-url'),
    );

    await notice.choose('Undo');
    assert.equal(await readDisk(fileIn(DUPES)), DUPES_TEXT, 'Undo: the file as before');
    assert.equal(await readDisk(fileIn(URL)), URL_TEXT);
    assert.equal(await exists(backupOf(DUPES)), false, 'Undo: the backup this apply created is gone');
    assert.equal(await readDisk(backupOf(URL)), 'an old backup\n', 'Undo: the backup it replaced is back');
    assert.match(
      tv.writes.notices[tv.writes.notices.length - 1].message,
      /^Undone: 771_w_dupes\/training_versions\.json, 772_w_url\/training_versions\.json are as before, with the previous backups\.$/,
    );
  });

  it('Clean Up with backups off writes none, and the decision says so; with nothing to do it says so', async () => {
    const cfg = vscode.workspace.getConfiguration('trainingVersions');
    await cfg.update('backups', false, vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.workspace.fs.delete(backupOf(URL));
      const { asked, done } = answer(['apply']);
      try {
        const r = await cleanup([URL]);
        assert.equal(r.applied, true);
        assert.deepEqual(r.backups, []);
      } finally {
        done.dispose();
      }
      assert.match(asked[0].detail, /no backup \(trainingVersions\.backups is off\)/);
      assert.equal(await exists(backupOf(URL)), false);
      assert.equal(tv.writes.notices[tv.writes.notices.length - 1].message, 'Clean Up Workspace: Upgraded 1 URL in 1 file.');
    } finally {
      await cfg.update('backups', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const { asked, done } = answer(['apply']);
    try {
      const r = await cleanup([CLEAN]);
      assert.equal(r.choice, 'none');
      assert.equal(asked.length, 0, 'nothing to decide');
      assert.match(r.message, /^Nothing to clean up: no duplicates to merge and no S3 URL to upgrade in 1 file\(s\)\.$/);
    } finally {
      done.dispose();
    }
  });

  it("the tree's Merge Duplicates writes the quick fix's text, no backup, and says so with Undo", async () => {
    const uri = fileIn(TREE);
    const doc = await vscode.workspace.openTextDocument(uri);
    const d = await waitFor('the duplicate diagnostic', () => ours(uri).find((x) => codeOf(x) === 'duplicate-version'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title.startsWith('Merge duplicates'));
    assert.ok(fix?.edit, 'the quick fix is offered');
    const edits = fix.edit
      .get(uri)
      .map((e) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.newText }))
      .sort((a, b) => b.start - a.start);
    let quickFixText = doc.getText();
    for (const e of edits) quickFixText = quickFixText.slice(0, e.start) + e.text + quickFixText.slice(e.end);

    const r = await vscode.commands.executeCommand<{ applied: boolean; message: string }>('trainingVersions.tree.mergeDuplicates', {
      uri,
      versionId: 'style_775_vV1',
    });
    assert.equal(r.applied, true);
    assert.equal(await readDisk(uri), quickFixText, 'the same text as the quick fix');
    assert.equal(await exists(backupOf(TREE)), false, 'an editor edit writes no backup');
    const notice = tv.writes.notices[tv.writes.notices.length - 1];
    assert.match(notice.message, /^Merged 1 duplicate entry into "V1" \(e7750000-[^)]*\) in 775_w_tree\/training_versions\.json\.$/);
    assert.deepEqual(notice.actions, ['Undo', 'Show Log']);
    await notice.choose('Undo');
    assert.equal(await readDisk(uri), TREE_TEXT, 'Undo: as before');

    // Fix All in This Style: the file's fix-all, no backup.
    const all = await vscode.commands.executeCommand<{ applied: boolean; message: string }>('trainingVersions.tree.fixStyle', uri);
    assert.equal(all.applied, true);
    assert.equal(await readDisk(uri), engineCleanup(TREE_TEXT, '775'));
    assert.equal(await exists(backupOf(TREE)), false);
    assert.match(all.message, /^Merged 1 duplicate group and upgraded 1 S3 URL in 775_w_tree\/training_versions\.json\.$/);
  });

  describe('Sync from S3', () => {
    let server: S3rverHandle;
    let factory: vscode.Disposable;
    const s3 = () => vscode.workspace.getConfiguration('trainingVersions.s3');
    before(async () => {
      const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
      server = await startS3rver({
        root,
        buckets: [BUCKET],
        seed: [{ bucket: BUCKET, objects: [{ key: `${PREFIX}style_774_vV1.safetensors` }, { key: `${PREFIX}style_774_vV2.safetensors` }] }],
      });
      for (const [k, v] of [
        ['bucket', BUCKET],
        ['prefix', PREFIX],
        ['region', 'us-west-1'],
        ['endpoint', server.endpoint],
        ['forcePathStyle', true],
      ] as const)
        await s3().update(k, v, vscode.ConfigurationTarget.Workspace);
      factory = tv.s3.useListerFactory((settings) => tv.s3.createLister({ ...settings, env: { ...S3RVER_ENV } }));
    });
    after(async () => {
      factory?.dispose();
      for (const k of ['bucket', 'prefix', 'region', 'endpoint', 'forcePathStyle'])
        await s3().update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await server?.stop();
    });

    it('ends in the same decision: review changes no count, Cancel writes nothing, Apply writes with a backup and one notification with Undo', async () => {
      const before = await counts();
      let during: Record<string, unknown> | undefined;
      const first = answer(['review', 'cancel'], async (_r, i) => {
        if (i !== 1) return;
        await waitFor(
          "the review's documents",
          () => reviewDocs().some((d) => d.uri.authority === 'proposed' && d.uri.path.endsWith('/training_versions.json')),
          20_000,
        );
        await new Promise((res) => setTimeout(res, 600));
        during = await counts();
      });
      let r: SyncS3Result;
      try {
        r = await vscode.commands.executeCommand<SyncS3Result>('trainingVersions.syncS3');
      } finally {
        first.done.dispose();
      }
      assert.equal(first.asked[0].title, 'Sync from S3');
      assert.equal(first.asked[0].message, 'Add 1 entry and update 1 entry in 1 file.');
      assert.match(
        first.asked[0].detail,
        /^774_w_sync\/training_versions\.json: update "V1" \([^)]*\): loraUrl, status; add "style_774_vV2"\.$/m,
      );
      assert.deepEqual(during, before, 'reviewing the sync changed no count');
      assert.equal(r.applied, false);
      assert.match(r.message, /^The S3 sync was cancelled; nothing was written/);
      assert.equal(await readDisk(fileIn(SYNC)), SYNC_TEXT);
      assert.equal(await exists(backupOf(SYNC)), false);

      const second = answer(['apply']);
      try {
        r = await vscode.commands.executeCommand<SyncS3Result>('trainingVersions.syncS3');
      } finally {
        second.done.dispose();
      }
      assert.equal(r.applied, true);
      assert.deepEqual(r.written, [fileIn(SYNC).toString()]);
      assert.equal(await readDisk(fileIn(SYNC)), r.changes[0].newText, 'the planned text');
      assert.equal(await readDisk(backupOf(SYNC)), SYNC_TEXT, 'the backup of the state before this apply');
      const notice = tv.writes.notices[tv.writes.notices.length - 1];
      assert.match(
        notice.message,
        /^Synced from S3: 1 entry updated, 1 added in 1 file \(2 model files among 2 objects under s3:\/\/storyboard-user-files\/models\/ on http:\/\/127\.0\.0\.1:\d+\)\. Backups: the previous text is in training_versions\.json\.backup\.$/,
      );
      assert.deepEqual(notice.actions, ['Undo', 'Show Log']);
      assert.equal(path.basename(backupOf(SYNC).path), 'training_versions.json.backup');
    });
  });
});
