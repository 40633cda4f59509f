'use strict';
// Test entry for scripts/vscode-host/run-tests.mjs --tests: must pass (exit 0).
const path = require('node:path');
const { runMocha } = require('./mochaRunner');

function run() {
  return runMocha([path.join(__dirname, 'selftest.test.js')]);
}

module.exports = { run };
