// Runs the integration tests inside a real VS Code extension host, offline:
// code-server (the open-source VS Code server) driven by headless Chromium.
// Two sessions: the examples workspace, then a two-folder workspace.
// With --electron (`npm run test:electron`, on a machine that can download or
// has desktop VS Code) the same test files run through @vscode/test-electron.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
};

const electron = process.argv.includes('--electron');
// --electron: a desktop VS Code given by --code PATH or VSCODE_EXECUTABLE_PATH (else
// @vscode/test-electron downloads one, which needs the network).
const codeArg = process.argv.indexOf('--code');
const vscodeExecutablePath = codeArg > 0 ? process.argv[codeArg + 1] : process.env.VSCODE_EXECUTABLE_PATH || undefined;
if (electron) {
  if (vscodeExecutablePath && !existsSync(vscodeExecutablePath)) {
    console.error(
      `--code / VSCODE_EXECUTABLE_PATH: ${vscodeExecutablePath} does not exist. Give the path of the desktop VS Code executable (e.g. /usr/share/code/code).`,
    );
    process.exit(2);
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.error(
      'No display: desktop VS Code needs one. On a headless Linux machine run: xvfb-run -a npm run test:electron -- --code /path/to/code',
    );
    process.exit(2);
  }
  console.log(
    vscodeExecutablePath
      ? `Desktop VS Code: ${vscodeExecutablePath}`
      : 'No --code / VSCODE_EXECUTABLE_PATH: @vscode/test-electron downloads VS Code (needs the network).',
  );
} else run('bash', ['scripts/vscode-host/install.sh']);
run(process.execPath, ['scripts/build.mjs', '--tests']);

const tmp = mkdtempSync(join(tmpdir(), 'tv-integration-'));
let failed = 0;
// Test counts read back from each session's report, for one closing line.
const counts = { passed: 0, failed: 0 };
// Mocha sessions report "N passing / N failing"; the UI test prints one ✔ or ✘ per check.
const session = (args, { checks = false, env = {} } = {}) => {
  const r = spawnSync(process.execPath, args, {
    stdio: ['inherit', 'pipe', 'inherit'],
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const out = r.stdout?.toString() ?? '';
  process.stdout.write(out);
  for (const m of out.matchAll(/^\s*(\d+) passing/gm)) counts.passed += Number(m[1]);
  for (const m of out.matchAll(/^\s*(\d+) failing/gm)) counts.failed += Number(m[1]);
  if (checks) {
    counts.passed += (out.match(/^\s*✔ /gm) ?? []).length;
    counts.failed += (out.match(/^\s*✘ /gm) ?? []).length;
  }
  return r.status;
};
try {
  const single = join(tmp, 'examples');
  cpSync(join(root, 'examples'), single, { recursive: true });
  const multiA = join(tmp, 'multi', 'first');
  const multiB = join(tmp, 'multi', 'second');
  cpSync(join(root, 'examples'), multiA, { recursive: true });
  cpSync(join(root, 'test', 'fixtures', 'second-root'), multiB, { recursive: true });
  const workspaceFile = join(tmp, 'multi', 'two-folders.code-workspace');
  writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'first' }, { path: 'second' }] }, null, 2));

  const tests = join(root, 'out', 'test', 'integration', 'index.js');
  for (const [name, ws] of [
    ['examples workspace', single],
    ['two-folder workspace', workspaceFile],
  ]) {
    console.log(`\n=== Integration tests in a real VS Code host: ${name} ===`);
    let status;
    if (electron) {
      const { runTests } = await import('@vscode/test-electron');
      status = await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: root,
        extensionTestsPath: tests,
        launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
      }).then(
        () => 0,
        (e) => {
          console.error(e);
          return 1;
        },
      );
    } else {
      status = session([join(root, 'scripts', 'vscode-host', 'run-tests.mjs'), '--extension', root, '--tests', tests, '--workspace', ws]);
    }
    if (status !== 0) {
      failed++;
      console.error(`Integration tests failed in the ${name} (exit ${status}).`);
    }
  }
  const only = (process.env.TV_TEST_FILES ?? '').split(',').filter(Boolean);
  if (!electron && (only.length === 0 || only.includes('installed'))) {
    // The packaged .vsix, installed as users install it (--install-extension): the development
    // extension is only a harness that carries the test run (test/installed/).
    console.log('\n=== The packaged .vsix, installed, in a real VS Code host ===');
    const vsix = join(tmp, 'training-versions.vsix');
    run(process.execPath, ['scripts/package.mjs', '--out', vsix], { stdio: ['ignore', 'ignore', 'inherit'] });
    const installedWs = join(tmp, 'installed-examples');
    cpSync(join(root, 'examples'), installedWs, { recursive: true });
    const status = session(
      [
        join(root, 'scripts', 'vscode-host', 'run-tests.mjs'),
        '--extension',
        join(root, 'test', 'installed', 'harness'),
        '--tests',
        join(root, 'out', 'test', 'installed', 'index.js'),
        '--workspace',
        installedWs,
        '--install-vsix',
        vsix,
      ],
      // s3rver's test credentials, for the lazy S3 bundle's check (test values, not secrets).
      { env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } },
    );
    if (status !== 0) {
      failed++;
      console.error(`The installed-package tests failed (exit ${status}).`);
    }
  }
  if (!electron && (only.length === 0 || only.includes('ui'))) {
    // One more session: the UI test drives the workbench itself (scripts/ui-test.mjs). Its screenshots go to
    // the temp folder here, so a test run leaves the repo clean; `npm run test:ui` refreshes media/screenshots.
    const ui = session([join(root, 'scripts', 'ui-test.mjs'), '--no-build', '--out-dir', join(tmp, 'screenshots')], { checks: true });
    if (ui !== 0) {
      failed++;
      console.error(`The UI test failed (exit ${ui}).`);
    }
    // The write decision clicked in the page (scripts/ui-test-writes.mjs); screenshots to the temp folder too.
    if (session([join(root, 'scripts', 'ui-test-writes.mjs'), '--no-build', '--out-dir', join(tmp, 'screenshots')], { checks: true }) !== 0)
      failed++;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
// Under `npm test` (scripts/test.mjs) the counts go to a file and are added to the one closing line.
if (process.env.TV_TEST_COUNTS_FILE) writeFileSync(process.env.TV_TEST_COUNTS_FILE, JSON.stringify(counts));
else if (!electron) console.log(`\nintegration: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(failed ? 1 : 0);
