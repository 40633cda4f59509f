#!/usr/bin/env node
// Proves scripts/vscode-host end to end with a throwaway extension, no matter the
// state of the real one: a passing suite must exit 0 (with a folder and with a
// .code-workspace file), a deliberately failing one must exit non-zero.
//
//   node test/vscode-host-selftest/run.mjs
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, '..', '..', 'scripts', 'vscode-host', 'run-tests.mjs');
const extension = join(here, 'extension');

const cases = [
  { name: 'passing suite, folder', tests: 'suite/index.js', workspace: 'workspace', pass: true },
  { name: 'passing suite, .code-workspace', tests: 'suite/index.js', workspace: 'selftest.code-workspace', pass: true },
  { name: 'failing suite reports failure', tests: 'failing/index.js', workspace: 'workspace', pass: false },
];

let passed = 0;
let failed = 0;
for (const c of cases) {
  console.log(`\n=== ${c.name} ===`);
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [runner, '--extension', extension, '--tests', join(here, c.tests), '--workspace', join(here, c.workspace), '--timeout-ms', '180000'],
    { stdio: 'inherit' },
  );
  const ok = c.pass ? r.status === 0 : r.status !== 0 && r.status !== 124 && r.status !== 2;
  console.log(
    `=== ${ok ? 'ok' : 'NOT OK'}: ${c.name} (exit ${r.status}, expected ${c.pass ? '0' : 'a test failure'}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  if (ok) passed++;
  else failed++;
}
console.log(`\nvscode-host-selftest: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
