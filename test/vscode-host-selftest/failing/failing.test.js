'use strict';
/* global describe, it */
const assert = require('node:assert/strict');
const vscode = require('vscode');

describe('vscode-host selftest (deliberately failing)', () => {
  it('fails an assertion on purpose', () => {
    assert.equal((vscode.workspace.workspaceFolders || []).length, 42, 'expected failure');
  });
});
