/** The styles tree in a two-folder workspace: a folder level above the styles. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FolderNode, StyleNode } from '../../src/vscode/stylesTree';
import { api } from './helpers';

describe('styles tree, multi-root', () => {
  it('groups styles under their workspace folder, in folder order', async () => {
    const a = await api();
    const folders = (await a.tree.getChildren()) as FolderNode[];
    const items = folders.map((f) => a.tree.getTreeItem(f) as vscode.TreeItem);
    assert.deepEqual(
      items.map((i) => i.label),
      ['first', 'second'],
    );
    assert.deepEqual(
      folders.map((f) => f.kind),
      ['folder', 'folder'],
    );
    assert.match(String(items[1].description), /^1 style · \d+ problems?$/);

    const first = (await a.tree.getChildren(folders[0])) as StyleNode[];
    const firstLabels = first.map((s) => (a.tree.getTreeItem(s) as vscode.TreeItem).label);
    assert.deepEqual(firstLabels.slice(0, 3), ['1_ink_intensity', '3_watercolor_wash', '7_pastel_soft']);
    const second = (await a.tree.getChildren(folders[1])) as StyleNode[];
    assert.deepEqual(
      second.map((s) => (a.tree.getTreeItem(s) as vscode.TreeItem).label),
      ['5_second_root'],
    );
    assert.equal(a.tree.getParent(second[0]), folders[1], "a style's parent is its folder row");
    assert.equal(
      second[0].uri.toString(),
      vscode.Uri.joinPath(vscode.workspace.workspaceFolders![1].uri, '5_second_root', 'training_versions.json').toString(),
    );
  });
});
