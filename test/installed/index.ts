/**
 * Test entry of the installed-.vsix session (scripts/test-integration.mjs): the
 * extension under test was installed with `--install-extension` from the packaged
 * .vsix; the development extension of this session is only a harness that carries
 * the test run. Same `run()` contract as test/integration/index.ts.
 */
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'installed.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} installed-package test(s) failed.`)) : resolve()));
  });
}
