'use strict';
// Test entry that must FAIL (non-zero exit): proves a failing assertion is reported.
const path = require('node:path');
const { runMocha } = require('../suite/mochaRunner');

function run() {
  return runMocha([path.join(__dirname, 'failing.test.js')]);
}

module.exports = { run };
