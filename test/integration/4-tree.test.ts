/**
 * The styles tree in a real extension host: its rows for examples/ and for
 * styles made here, live updates, and what its row commands do. Earlier test
 * files rewrite the examples (clean-up), so rows of examples/ are checked for
 * what no earlier test changes; everything else uses folders created here.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { applyEdits } from '../../src/core/edits';
import { analyze } from '../../src/core/findings';
import { mergeGroupEdits } from '../../src/core/merge';
import type { StyleNode, StylesTreeNode, VersionNode } from '../../src/vscode/stylesTree';
import { type TestedApi, api, closeAll, folderUri, readDisk, waitFor, writeDisk } from './helpers';

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const URL_BASE = 'actor_maker_user/custom-styles-models';
const accelerated = (stem: string) => `https://storyboard-user-files.s3-accelerate.amazonaws.com/${URL_BASE}/${stem}.safetensors`;
const regular = (stem: string) => `https://storyboard-user-files.s3.us-west-1.amazonaws.com/${URL_BASE}/${stem}.safetensors`;

/** A style made here: V3 training now, V2 completed, the S3 copy of V2, V1 failed. */
function demoText(now: number, v3Status = 'training'): string {
  return (
    JSON.stringify(
      {
        versions: [
          {
            id: '40aa0000-0000-4000-8000-000000000003-e1',
            name: 'V3',
            timestamp: iso(now - HOUR - 60_000),
            parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 },
            status: v3Status,
            selectionSetId: 2,
            imageCount: 30,
          },
          {
            id: '40aa0000-0000-4000-8000-000000000002-e1',
            name: 'V2',
            timestamp: iso(now - 50 * HOUR),
            parameters: { network_dim: 32, network_alpha: 16, learning_rate: 0.0002 },
            status: 'completed',
            selectionSetId: 2,
            imageCount: 28,
            loraUrl: accelerated('style_40_vV2'),
            completedAt: iso(now - 49 * HOUR),
          },
          {
            id: 'style_40_vV2',
            name: 'style_40_vV2.safetensors',
            status: 'completed',
            loraUrl: regular('style_40_vV2'),
            timestamp: iso(now - 47 * HOUR - 60_000),
            lastSynced: iso(now - 47 * HOUR),
            parameters: {},
            description: 'Synced from S3',
          },
          {
            id: '40aa0000-0000-4000-8000-000000000001-e1',
            name: 'V1',
            timestamp: iso(now - 130 * HOUR),
            parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 },
            status: 'failed',
            selectionSetId: 1,
            imageCount: 20,
            failedAt: iso(now - 129 * HOUR),
            error: 'CUDA out of memory',
          },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

/** A row as (label, description, icon, contextValue). */
function row(a: TestedApi, n: StylesTreeNode): { label: string; description: string; icon?: string; contextValue?: string } {
  const item = a.tree.getTreeItem(n) as vscode.TreeItem;
  return { label: label(item), description: String(item.description ?? ''), icon: iconId(item), contextValue: item.contextValue };
}

async function styles(a: TestedApi): Promise<StyleNode[]> {
  return (await a.tree.getChildren()) as StyleNode[];
}

async function styleRow(a: TestedApi, name: string) {
  for (const n of await styles(a)) {
    const r = row(a, n);
    if (r.label === name) return { node: n, ...r };
  }
  return undefined;
}

async function versionNodes(a: TestedApi, name: string): Promise<VersionNode[]> {
  const s = await styleRow(a, name);
  assert.ok(s, `style ${name} is in the tree`);
  return (await a.tree.getChildren(s.node)) as VersionNode[];
}

async function versionNode(a: TestedApi, style: string, versionLabel: string): Promise<VersionNode> {
  const n = (await versionNodes(a, style)).find((v) => row(a, v).label === versionLabel);
  assert.ok(n, `${style} has a row ${versionLabel}`);
  return n;
}

const demo = () => vscode.Uri.joinPath(folderUri(), '40_tree_demo', 'training_versions.json');
const unnumbered = () => vscode.Uri.joinPath(folderUri(), 'zz_unnumbered', 'training_versions.json');

describe('styles tree', () => {
  let a: TestedApi;
  before(async () => {
    a = await api();
    await writeDisk(demo(), demoText(Date.now()));
    await writeDisk(
      unnumbered(),
      JSON.stringify(
        { versions: [{ id: 'x-e1', name: 'V1', status: 'completed', parameters: { network_dim: 4 }, imageCount: 2 }] },
        null,
        2,
      ),
    );
    // Found through the file watcher, which can lag on a loaded machine: a generous wait.
    await waitFor(
      'the new styles in the tree',
      async () => (await styleRow(a, '40_tree_demo')) && (await styleRow(a, 'zz_unnumbered')),
      20_000,
    ).catch((e: Error) => {
      throw new Error(
        `${e.message} (in the index: 40_tree_demo ${Boolean(a.index.get(demo()))}, zz_unnumbered ${Boolean(a.index.get(unnumbered()))})`,
      );
    });
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('trainingVersions.tree.showAll');
    await closeAll();
  });
  after(async () => {
    const made = ['40_tree_demo', '41_tree_new', '42_tree_renamed', '43_tree_expired', 'zz_unnumbered'];
    for (const f of made) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), f), { recursive: true }).then(undefined, () => undefined);
    }
    // Later test files count the workspace's jobs: leave nothing of ours in the index.
    await waitFor('our styles gone from the index', () => !a.index.all().some((f) => made.includes(f.styleFolder)), 30_000);
  });

  it('lists styles by style id as a number, folders without a style id last', async () => {
    const labels = (await styles(a)).map((n) => row(a, n).label);
    const known = [
      '1_ink_intensity',
      '3_watercolor_wash',
      '7_pastel_soft',
      '10_clean_line',
      '12_charcoal_sketch',
      '40_tree_demo',
      '59_comic_halftone',
      'zz_unnumbered',
    ];
    assert.deepEqual(
      labels.filter((l) => known.includes(l)),
      known,
    );
    assert.equal(labels[labels.length - 1], 'zz_unnumbered');
  });

  it('builds every row of the tree without loading the lazy sync and RunPod bundles', async () => {
    for (const s of await styles(a)) {
      row(a, s);
      for (const v of await a.tree.getChildren(s)) row(a, v);
    }
    assert.deepEqual(a.loadedChunks(), [], 'dist/sync.js and dist/runpod.js are loaded by their commands only');
  });

  it("shows each style's problem count first, then its version count (examples/ rows no earlier test changes)", async () => {
    const clean = await styleRow(a, '10_clean_line');
    assert.deepEqual([clean?.description, clean?.icon, clean?.contextValue], ['1 version', 'symbol-color', 'style;styleId;']);
    // 7_pastel_soft: V3 has been "pending" since 2025: a stale job, one problem, nothing in flight.
    const pastel = await styleRow(a, '7_pastel_soft');
    assert.deepEqual([pastel?.description, pastel?.contextValue], ['1 problem · 2 versions', 'style;styleId;problems;']);
    const stale = await versionNode(a, '7_pastel_soft', 'V3');
    assert.deepEqual([row(a, stale).icon, row(a, stale).contextValue], ['warning', 'version;inFlight;stale;problems;styleId;']);
    assert.match(row(a, stale).description, /^stale · \d+ (mo|y) ago · dim 16 · lr 1e-4$/);
    const noId = await styleRow(a, 'zz_unnumbered');
    assert.deepEqual([noId?.description, noId?.contextValue], ['1 version · no style id', 'style;']);
  });

  it('shows versions newest first, with status icons, descriptions, markers and context values', async () => {
    const s = await styleRow(a, '40_tree_demo');
    assert.deepEqual(
      [s?.description, s?.icon, s?.contextValue],
      ['2 problems · 4 versions · 1 in flight', 'sync~spin', 'style;styleId;problems;duplicates;inFlight;fixable;'],
    );
    const rows = (await versionNodes(a, '40_tree_demo')).map((n) => row(a, n));
    assert.deepEqual(rows, [
      { label: 'V3', description: '1 h ago · dim 16 · lr 1e-4', icon: 'sync~spin', contextValue: 'version;inFlight;styleId;' },
      {
        label: 'style_40_vV2.safetensors',
        description: 'duplicate of V2 · regular URL · 47 h ago',
        icon: 'warning',
        contextValue: 'version;duplicate;minimal;url;problems;styleId;regularUrl;',
      },
      {
        label: 'V2',
        description: 'kept · 1 duplicate · 2 d ago · dim 32 · α 16 · lr 2e-4',
        icon: 'pass',
        contextValue: 'version;kept;url;styleId;',
      },
      { label: 'V1', description: '5 d ago · dim 16 · lr 1e-4', icon: 'error', contextValue: 'version;failed;styleId;' },
    ]);
    const v3 = (await versionNodes(a, '40_tree_demo'))[0];
    assert.equal(a.tree.getParent(v3), s?.node, 'getParent leads back to the style (reveal needs it)');
  });

  it('gives a version a markdown tooltip with all its fields and each finding once', async () => {
    const dup = await versionNode(a, '40_tree_demo', 'style_40_vV2.safetensors');
    const item = a.tree.getTreeItem(dup) as vscode.TreeItem;
    const resolved = await a.tree.resolveTreeItem(item, dup);
    const md = resolved.tooltip as vscode.MarkdownString;
    assert.ok(md instanceof vscode.MarkdownString, 'a markdown tooltip');
    assert.match(md.value, /Duplicate of "V2"/);
    assert.match(md.value, /`description`: Synced from S3/);
    assert.match(md.value, /`lastSynced`: /);
    assert.ok(
      md.value.includes('- $(warning) Duplicate of "V2"') && md.value.includes('which is kept'),
      'lists its duplicate-version finding',
    );
    assert.equal(md.value.split('Duplicate of').length - 1, 1, 'the duplicate is said once');
    assert.ok(!md.value.includes('Regular S3 URL'), 'no URL advice for the entry the merge removes');
    assert.ok(
      md.value.includes('`s3://storyboard-user-files/actor_maker_user/custom-styles-models/style_40_vV2.safetensors`'),
      'the S3 key exactly, not escaped',
    );
  });

  it('counts jobs in flight and problems in the status bar item and the view badge', async () => {
    const t = a.tree.totals();
    assert.ok(t.inFlight >= 1 && t.problems >= 3, JSON.stringify(t));
    await waitFor('status bar text', () => a.styles.statusText === `$(sync~spin) ${t.inFlight}  $(warning) ${t.problems}`);
    assert.equal(a.styles.view.badge?.value, t.problems);
    const withProblems = (await styles(a)).filter((n) => (a.tree.summaryOf(n as StyleNode)?.problemCount ?? 0) > 0).length;
    assert.equal(t.stylesWithProblems, withProblems);
    assert.ok(a.styles.view.badge?.tooltip?.includes(`in ${withProblems} style`), a.styles.view.badge?.tooltip);
  });

  it('refreshes only the changed style when its file changes on disk', async () => {
    const events: (StylesTreeNode | StylesTreeNode[] | undefined)[] = [];
    const sub = a.tree.onDidChangeTreeData((e) => events.push(e as StylesTreeNode | StylesTreeNode[] | undefined));
    try {
      const style = (await styleRow(a, '40_tree_demo'))!.node;
      await writeDisk(demo(), demoText(Date.now(), 'completed'));
      await waitFor(
        'the style row shows the finished job',
        async () => (await styleRow(a, '40_tree_demo'))?.description === '2 problems · 4 versions',
        20_000,
      );
      assert.ok(events.length > 0, 'the tree was told');
      assert.ok(
        events.every((e) => Array.isArray(e)),
        `only rows refreshed, never the whole tree: ${events.map((e) => (Array.isArray(e) ? 'rows' : 'all')).join(',')}`,
      );
      assert.ok(
        events.some((e) => Array.isArray(e) && e.includes(style)),
        "the changed style's row was refreshed",
      );
      assert.equal(row(a, (await versionNodes(a, '40_tree_demo'))[0]).icon, 'pass');
    } finally {
      sub.dispose();
      await writeDisk(demo(), demoText(Date.now()));
      await waitFor('back to training', async () => (await styleRow(a, '40_tree_demo'))?.description.endsWith('1 in flight'), 20_000);
    }
  });

  it('follows unsaved edits in an open document', async () => {
    const doc = await vscode.workspace.openTextDocument(demo());
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    const offset = doc.getText().indexOf('[') + 1;
    const inserted =
      '\n    { "id": "40aa0000-0000-4000-8000-000000000004-e1", "name": "V4", "status": "pending", "timestamp": "' +
      iso(Date.now()) +
      '", "parameters": { "network_dim": 8 } },';
    edit.insert(demo(), doc.positionAt(offset), inserted);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(doc.isDirty, 'the edit is not saved');
    await waitFor('V4 in the tree', async () => (await versionNodes(a, '40_tree_demo')).some((n) => row(a, n).label === 'V4'));
    const v4 = await versionNode(a, '40_tree_demo', 'V4');
    assert.deepEqual([row(a, v4).icon, row(a, v4).description], ['clock', 'just now · dim 8']);
    // Undone by an edit (not by Revert File, which acts on whatever editor has focus), then reverted to clean.
    const undo = new vscode.WorkspaceEdit();
    undo.delete(demo(), new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + inserted.length)));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await waitFor('V4 gone after the undo', async () => !(await versionNodes(a, '40_tree_demo')).some((n) => row(a, n).label === 'V4'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('the document clean', () => !doc.isDirty);
  });

  it('keeps the last good versions visible, out of date, while the file does not parse', async () => {
    const doc = await vscode.workspace.openTextDocument(demo());
    await vscode.window.showTextDocument(doc);
    const at = doc.getText().indexOf('[') + 1;
    const broken = new vscode.WorkspaceEdit();
    broken.insert(demo(), doc.positionAt(at), ',,');
    assert.ok(await vscode.workspace.applyEdit(broken));
    const s = await waitFor('the style row out of date', async () => {
      const r = await styleRow(a, '40_tree_demo');
      return r?.description === 'invalid JSON · 1 problem · 4 versions (out of date) · 1 in flight' && r;
    });
    assert.equal(s.icon, 'error');
    const rows = (await versionNodes(a, '40_tree_demo')).map((n) => row(a, n));
    assert.deepEqual(
      rows.map((r) => [r.label, r.contextValue]),
      [
        ['V3', 'version;outOfDate;styleId;'],
        ['style_40_vV2.safetensors', 'version;outOfDate;styleId;'],
        ['V2', 'version;outOfDate;styleId;'],
        ['V1', 'version;outOfDate;styleId;'],
      ],
    );
    const tip = a.tree.getTreeItem(s.node).tooltip as vscode.MarkdownString;
    assert.match(tip.value, /Out of date: the file does not parse now/);
    const fixed = new vscode.WorkspaceEdit();
    fixed.delete(demo(), new vscode.Range(doc.positionAt(at), doc.positionAt(at + 2)));
    assert.ok(await vscode.workspace.applyEdit(fixed));
    await waitFor(
      'up to date again',
      async () => (await styleRow(a, '40_tree_demo'))?.description === '2 problems · 4 versions · 1 in flight',
    );
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('the document clean', () => !doc.isDirty);
  });

  it('remembers a job a status check found expired: on its row and in its hover, not in flight', async () => {
    const uri = vscode.Uri.joinPath(folderUri(), '43_tree_expired', 'training_versions.json');
    const id = '43aa0000-0000-4000-8000-000000000001-e1';
    await writeDisk(
      uri,
      JSON.stringify(
        { versions: [{ id, name: 'V1', status: 'training', timestamp: iso(Date.now() - HOUR), parameters: { network_dim: 8 } }] },
        null,
        2,
      ),
    );
    await waitFor('43 in the tree', async () => (await styleRow(a, '43_tree_expired'))?.description === '1 version · 1 in flight', 20_000);
    const inFlight = a.tree.totals().inFlight;
    // What runpodCheck records after a check whose answer was 404 (job no longer held).
    await a.styles.expired.record([{ uri, versionId: id }], Date.now());
    await waitFor('the row marked expired', async () => (await styleRow(a, '43_tree_expired'))?.description === '1 version · 1 expired');
    assert.equal(a.tree.totals().inFlight, inFlight - 1, 'no longer counted in flight');
    const v1 = await versionNode(a, '43_tree_expired', 'V1');
    assert.deepEqual([row(a, v1).icon, row(a, v1).description], ['history', 'expired on RunPod · 1 h ago · dim 8']);
    const doc = await vscode.workspace.openTextDocument(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      doc.positionAt(doc.getText().indexOf('"training"')),
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /RunPod: expired \(checked /);
    assert.ok(a.styles.expired.of(uri)?.has(id), 'kept in workspaceState');
  });

  it('adds, renames and removes styles as their folders are created, renamed and deleted', async () => {
    const created = vscode.Uri.joinPath(folderUri(), '41_tree_new', 'training_versions.json');
    await writeDisk(created, '{ "versions": [] }\n');
    await waitFor(
      '41 appears between 40 and 59',
      async () => {
        const labels = (await styles(a)).map((n) => row(a, n).label);
        return (
          labels.indexOf('41_tree_new') === labels.indexOf('40_tree_demo') + 1 &&
          labels.indexOf('59_comic_halftone') > labels.indexOf('41_tree_new')
        );
      },
      20_000,
    );
    const rename = new vscode.WorkspaceEdit();
    rename.renameFile(vscode.Uri.joinPath(folderUri(), '41_tree_new'), vscode.Uri.joinPath(folderUri(), '42_tree_renamed'));
    assert.ok(await vscode.workspace.applyEdit(rename));
    await waitFor(
      'renamed in the tree',
      async () => {
        const labels = (await styles(a)).map((n) => row(a, n).label);
        return !labels.includes('41_tree_new') && labels.includes('42_tree_renamed');
      },
      20_000,
    );
    assert.equal((await styleRow(a, '42_tree_renamed'))?.description, '0 versions');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), '42_tree_renamed'), { recursive: true });
    await waitFor('deleted from the tree', async () => !(await styleRow(a, '42_tree_renamed')), 20_000);
  });

  it('opens a clicked version with its id selected', async () => {
    const dup = await versionNode(a, '40_tree_demo', 'style_40_vV2.safetensors');
    const cmd = a.tree.getTreeItem(dup).command as vscode.Command;
    assert.equal(cmd.command, 'trainingVersions.tree.openVersion');
    await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
    const editor = await waitFor(
      'an editor on the file',
      () => vscode.window.activeTextEditor?.document.uri.toString() === demo().toString() && vscode.window.activeTextEditor,
    );
    assert.equal(editor.document.getText(editor.selection), '"style_40_vV2"');
    assert.ok(
      editor.visibleRanges.some((r) => r.contains(editor.selection)),
      'the entry is scrolled into view',
    );
  });

  it('merges duplicates from a row exactly as the engine merges that group, as an editor edit without a backup (SPEC.md §9)', async () => {
    const before = await readDisk(demo());
    const dup = await versionNode(a, '40_tree_demo', 'style_40_vV2.safetensors');
    const result = await vscode.commands.executeCommand<{ applied: boolean; kept?: string; removed: string[] }>(
      'trainingVersions.tree.mergeDuplicates',
      dup,
    );
    assert.equal(result.applied, true);
    assert.deepEqual([result.kept, result.removed], ['40aa0000-0000-4000-8000-000000000002-e1', ['style_40_vV2']]);
    const analysis = analyze(before, { now: Date.now(), styleId: '40' });
    const group = analysis.groups.find((g) => g.members.some((m) => m.id === 'style_40_vV2'))!;
    const want = applyEdits(before, mergeGroupEdits(analysis.doc, group));
    assert.equal(await readDisk(demo()), want, "the file on disk is the engine's merge");
    assert.equal(
      await vscode.workspace.fs.stat(demo().with({ path: demo().path + '.backup' })).then(
        () => true,
        () => false,
      ),
      false,
      'a one-file fix writes no backup',
    );
    await waitFor('the merged style row', async () => (await styleRow(a, '40_tree_demo'))?.description === '3 versions · 1 in flight');
    assert.ok(!(await versionNodes(a, '40_tree_demo')).some((n) => row(a, n).description.includes('duplicate')));
    await writeDisk(demo(), demoText(Date.now()));
    await waitFor('restored', async () => (await styleRow(a, '40_tree_demo'))?.description.includes('4 versions'), 20_000);
  });

  it("style menu: Open File opens the style's file; Fix All in This Style fixes only that file, with a backup", async () => {
    const s = (await styleRow(a, '40_tree_demo'))!.node;
    assert.equal(await vscode.commands.executeCommand('trainingVersions.tree.openFile', s), true);
    await waitFor('the style file in the editor', () => vscode.window.activeTextEditor?.document.uri.toString() === demo().toString());
    await closeAll();
    const before = await readDisk(demo());
    const result = await vscode.commands.executeCommand<{ files: number; merged: number; applied: boolean }>(
      'trainingVersions.tree.fixAllInStyle',
      s,
      { preview: false },
    );
    assert.deepEqual([result.files, result.merged, result.applied], [1, 1, true]);
    await waitFor('the fixed style row', async () => (await styleRow(a, '40_tree_demo'))?.description === '3 versions · 1 in flight');
    assert.equal(await readDisk(demo().with({ path: demo().path + '.backup' })), before);
    await writeDisk(demo(), demoText(Date.now()));
    await waitFor(
      'restored',
      async () => (await styleRow(a, '40_tree_demo'))?.description === '2 problems · 4 versions · 1 in flight',
      20_000,
    );
  });

  it("Upgrade URL rewrites a version's regular S3 URL to the accelerated one, as an undoable edit", async () => {
    const dup = await versionNode(a, '40_tree_demo', 'style_40_vV2.safetensors');
    assert.match(row(a, dup).contextValue ?? '', /;regularUrl;/);
    assert.equal(await vscode.commands.executeCommand('trainingVersions.tree.upgradeUrl', dup), true);
    const doc = await vscode.workspace.openTextDocument(demo());
    assert.ok(doc.isDirty, 'an edit in the editor, not a write');
    assert.ok(
      !doc.getText().includes(regular('style_40_vV2')) && doc.getText().split(accelerated('style_40_vV2')).length === 3,
      'both entries now name the accelerated URL',
    );
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('the document clean', () => !doc.isDirty);
  });

  it('copies the LoRA URL to the clipboard', async () => {
    const v2 = await versionNode(a, '40_tree_demo', 'V2');
    await vscode.env.clipboard.writeText('something else');
    const url = await vscode.commands.executeCommand<string>('trainingVersions.tree.copyLoraUrl', v2);
    assert.equal(url, accelerated('style_40_vV2'));
    assert.equal(await vscode.env.clipboard.readText(), accelerated('style_40_vV2'));
  });

  it("asks RunPod about exactly the row's job: passes { uri, versionId } to trainingVersions.checkStatus", async () => {
    const v3 = await versionNode(a, '40_tree_demo', 'V3');
    const inFlight = await vscode.commands.executeCommand<{ ran: boolean; problem?: string; message: string }>(
      'trainingVersions.tree.checkStatus',
      v3,
    );
    // No endpoint is configured here: the check stops before the network, naming the setting that is missing (issue 13).
    assert.equal(inFlight.ran, false, inFlight.message);
    assert.equal(inFlight.problem, 'no-endpoint', inFlight.message);
    assert.match(inFlight.message, /^Set trainingVersions\.runpod\.endpointId to /);
    assert.ok(a.loadedChunks().includes('runpod'), 'the check loaded dist/runpod.js');
    const unknown = await vscode.commands.executeCommand<{ problem?: string; message: string }>('trainingVersions.tree.checkStatus', {
      uri: demo(),
      versionId: 'no-such-job',
    });
    assert.equal(unknown.problem, 'not-found', unknown.message);
    assert.match(unknown.message, /No version "no-such-job" in .*40_tree_demo/);
  });

  it("reveals a row's file in the Explorer", async () => {
    const s = (await styleRow(a, '40_tree_demo'))!.node;
    await vscode.commands.executeCommand('trainingVersions.tree.revealInExplorer', s);
    // The Explorer reveal opens no editor; it must not fail either.
    assert.equal(vscode.window.activeTextEditor, undefined);
  });

  it('shows only styles and versions with problems, and everything again', async () => {
    await vscode.commands.executeCommand('trainingVersions.tree.showOnlyProblems');
    assert.equal(a.tree.onlyProblems, true);
    const labels = (await styles(a)).map((n) => row(a, n).label);
    assert.ok(!labels.includes('10_clean_line') && !labels.includes('zz_unnumbered'), labels.join(', '));
    assert.ok(labels.includes('40_tree_demo') && labels.includes('7_pastel_soft'), labels.join(', '));
    assert.deepEqual(
      (await versionNodes(a, '40_tree_demo')).map((n) => row(a, n).label),
      ['style_40_vV2.safetensors'],
    );
    assert.equal(a.styles.view.message, 'Showing only styles and versions with problems.');
    await vscode.commands.executeCommand('trainingVersions.tree.showAll');
    assert.ok((await styles(a)).some((n) => row(a, n).label === '10_clean_line'));
    assert.equal(a.styles.view.message, undefined);
  });
});
