/** A two-folder workspace: both folders indexed, diagnostics in each, clean-up across both. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, codeOf, fileIn, ours, waitFor } from './helpers';

describe('multi-root workspace', () => {
  before(api);

  it('indexes every folder and reports diagnostics in each', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 2, 'two folders are open');
    const a = await api();
    for (let i = 0; i < 2; i++) {
      const inFolder = a.index.all().filter((f) => f.folder?.uri.toString() === folders[i].uri.toString());
      assert.ok(inFolder.length > 0, `folder ${folders[i].name} indexed`);
    }
    const d0 = await waitFor('duplicate in folder 1', () =>
      ours(fileIn('1_ink_intensity', 0)).find((d) => codeOf(d) === 'duplicate-version'),
    );
    assert.match(d0.message, /same S3 object/);
    const d1 = await waitFor('duplicate in folder 2', () =>
      ours(fileIn('5_second_root', 1)).find((d) => codeOf(d) === 'duplicate-version'),
    );
    assert.match(d1.message, /same RunPod job/);
  });

  it('cleans up both folders in one edit', async () => {
    const r = await vscode.commands.executeCommand<{ files: number; applied: boolean }>('trainingVersions.cleanupWorkspace', {
      preview: false,
    });
    assert.equal(r.applied, true);
    assert.ok(r.files >= 2);
    await waitFor('folder 2 clean', () => !ours(fileIn('5_second_root', 1)).some((d) => codeOf(d) === 'duplicate-version'));
    await waitFor('folder 1 clean', () => !ours(fileIn('1_ink_intensity', 0)).some((d) => codeOf(d) === 'duplicate-version'));
  });
});
