/**
 * Test entry for a real VS Code extension host: the `run()` contract shared by
 * @vscode/test-electron and our offline code-server runner.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  const dir = __dirname;
  // One runner, two sessions: a multi-root workspace runs the multi-root suite, a folder the rest.
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  // TV_TEST_FILES=5-runpod,6-s3 narrows a local run to those files (CI runs them all).
  const only = (process.env.TV_TEST_FILES ?? '').split(',').filter(Boolean);
  for (const f of fs.readdirSync(dir).sort()) {
    if (!f.endsWith('.test.js')) continue;
    if (f.startsWith('multiroot') !== multiRoot) continue;
    if (only.length > 0 && !only.some((o) => f.includes(o))) continue;
    mocha.addFile(path.join(dir, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve()));
  });
}
