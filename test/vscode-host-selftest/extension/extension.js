'use strict';
// Minimal extension: one command, registered on activation (onStartupFinished).
const vscode = require('vscode');

function activate(context) {
  console.log('[selftest extension] activated');
  context.subscriptions.push(
    vscode.commands.registerCommand('tvSelftest.hello', () => {
      console.log('[selftest extension] tvSelftest.hello ran');
      vscode.window.showInformationMessage('Hello from the vscode-host selftest');
      return 'hello';
    }),
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
