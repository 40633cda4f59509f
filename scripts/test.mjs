#!/usr/bin/env node
// `npm test`: every stage of the suite, in order, with one closing line that counts the
// unit, package, integration and UI tests together ("N passed, N failed").
//
// Stages: build, typecheck, lint (each must pass; a failure stops the run), then the
// unit tests (node --test; compact `dot` output, failures in full), the package test
// (test/package: the npm tarball installed into an empty project), then the real-editor
// sessions (scripts/test-integration.mjs: integration tests in a real VS Code host, the
// installed-.vsix session, the UI test). Each stage's time is shown at the end.
//
//   node scripts/test.mjs [--no-integration]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'tv-test-'));
const counts = { passed: 0, failed: 0 };
const timings = [];

/** Runs one stage; returns its exit status. Output goes straight to the terminal. */
function stage(name, cmd, args, env = {}) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const status = r.status ?? 1;
  timings.push({ name, seconds: (Date.now() - t0) / 1000, status });
  return status;
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const unitFiles = (dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));

/** node --test prints `dot` for the reader and TAP to a file, whose `# pass` / `# fail` totals we count. */
function nodeTests(name, files) {
  const tap = join(tmp, `${name}.tap`);
  const status = stage(name, process.execPath, [
    '--test',
    '--import',
    'tsx',
    '--test-reporter=dot',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  let text = '';
  try {
    text = readFileSync(tap, 'utf8');
  } catch {
    // No TAP file: the runner itself did not start; counted as one failure below.
  }
  const total = (key) => Number((text.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const passed = total('pass');
  const failed = total('fail') + total('cancelled');
  counts.passed += passed;
  counts.failed += failed || (status !== 0 ? 1 : 0);
  console.log(`  (${name}: ${passed} passed, ${failed} failed)`);
  return status;
}

let ok = true;
try {
  for (const [name, cmd, args] of [
    ['build', process.execPath, ['scripts/build.mjs']],
    ['typecheck', bin('tsc'), ['-p', '.', '--noEmit']],
    ['lint', bin('eslint'), ['src', 'test', 'scripts']],
    // The formatter keeps lines readable; `npm run format` rewrites what this reports.
    ['format', bin('prettier'), ['--check', '--log-level', 'warn', 'src', 'test', 'scripts']],
  ]) {
    if (stage(name, cmd, args) !== 0) {
      ok = false;
      counts.failed++;
      break;
    }
  }
  if (ok) {
    if (nodeTests('unit tests', unitFiles('test/unit')) !== 0) ok = false;
    // npm pack → an empty project → CommonJS, ESM, TypeScript, the command, the README's pre-commit hook.
    if (nodeTests('package test', ['test/package/consumer.test.mjs']) !== 0) ok = false;
    if (!process.argv.includes('--no-integration')) {
      const countsFile = join(tmp, 'integration.json');
      const status = stage('real VS Code: integration, installed .vsix, UI', process.execPath, ['scripts/test-integration.mjs'], {
        TV_TEST_COUNTS_FILE: countsFile,
      });
      try {
        const c = JSON.parse(readFileSync(countsFile, 'utf8'));
        counts.passed += c.passed;
        counts.failed += c.failed || (status !== 0 ? 1 : 0);
      } catch {
        counts.failed += 1; // the sessions never reported: count the stage itself as failed
      }
      if (status !== 0) ok = false;
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log('\n=== summary ===');
for (const t of timings) console.log(`  ${t.status === 0 ? 'ok  ' : 'FAIL'}  ${t.name.padEnd(48)} ${t.seconds.toFixed(1).padStart(6)} s`);
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exit(ok && counts.failed === 0 ? 0 : 1);
