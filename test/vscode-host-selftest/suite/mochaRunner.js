'use strict';
// Runs the given test files with mocha inside the extension host; resolves when all
// pass, rejects with the failure count otherwise (the run() contract of
// @vscode/test-electron, also what scripts/vscode-host/run-tests.mjs expects).
const path = require('node:path');

function loadMocha() {
  const m = require('mocha'); // mocha 12 is ESM; Node 22.12+/24 require() gives its namespace
  return m.default || m;
}

function runMocha(files, options = {}) {
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20000, ...options });
  for (const f of files) mocha.addFile(path.resolve(f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}

module.exports = { runMocha };
