'use strict';
/* global describe, it */
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'tv-selftest.vscode-host-selftest';
const WORKSPACE = path.resolve(__dirname, '..', 'workspace');

async function waitFor(check, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('vscode-host selftest (real extension host)', () => {
  it('runs inside VS Code with the vscode API', () => {
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
    console.log(`    VS Code ${vscode.version}, Node ${process.version}`);
  });

  it('loads the extension under development and activates it onStartupFinished', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await waitFor(() => ext.isActive, 'activation');
  });

  it('registers the contributed command', async () => {
    await waitFor(async () => (await vscode.commands.getCommands(true)).includes('tvSelftest.hello'), 'tvSelftest.hello');
    assert.equal(await vscode.commands.executeCommand('tvSelftest.hello'), 'hello');
  });

  it('opened the workspace folder that was passed', () => {
    const folders = vscode.workspace.workspaceFolders || [];
    assert.equal(folders.length, 1);
    assert.equal(folders[0].uri.scheme, 'file');
    assert.equal(folders[0].uri.fsPath, WORKSPACE);
  });

  it('opens a file of that workspace', async () => {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'hello.txt');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(), 'hello from the selftest workspace\n');
    const editor = await vscode.window.showTextDocument(doc);
    assert.equal(editor.document.uri.toString(), uri.toString());
  });
});
