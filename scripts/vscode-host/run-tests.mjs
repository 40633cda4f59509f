#!/usr/bin/env node
// Runs an extension's integration tests inside a real VS Code extension host
// (code-server's VS Code server + web workbench in headless Chromium), offline.
//
//   node scripts/vscode-host/run-tests.mjs --extension <ext dir> --tests <test entry .js>
//        --workspace <folder | .code-workspace> [--screenshot out.png] [--timeout-ms N]
//
// The test entry exports run(): Promise<void> (the @vscode/test-electron contract).
// Exit code: the one the workbench reports (0 = run() resolved), 124 on timeout,
// 2 on a usage or start-up error.

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { absPath, cleanupAll, installSignalHandlers, openWorkbench, signalExitCode, startCodeServer } from './host.mjs';

const USAGE =
  `usage: node scripts/vscode-host/run-tests.mjs --extension <dir> --tests <entry.js> ` +
  `--workspace <folder|file.code-workspace> [--install-vsix FILE]... [--screenshot ` +
  `out.png] [--timeout-ms N]`;

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        extension: { type: 'string' },
        tests: { type: 'string' },
        workspace: { type: 'string' },
        screenshot: { type: 'string' },
        'timeout-ms': { type: 'string' },
        // Installed first with --install-extension, as a user installs it: the tests then run
        // against the packaged extension (--extension is only the test harness).
        'install-vsix': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let extensionPath, testsPath, workspace;
  try {
    extensionPath = absPath(values.extension, '--extension');
    testsPath = absPath(values.tests, '--tests');
    workspace = absPath(values.workspace, '--workspace');
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  const timeoutMs = Number(values['timeout-ms'] ?? process.env.TV_VSCODE_TIMEOUT_MS ?? 300_000);
  const screenshot = values.screenshot ? resolve(values.screenshot) : undefined;

  installSignalHandlers();
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const timer = { id: undefined };
  const timedOut = new Promise((r) => (timer.id = setTimeout(() => r('timeout'), timeoutMs)));

  let server, wb;
  try {
    server = await startCodeServer({ workspace, installVsix: (values['install-vsix'] ?? []).map((f) => resolve(f)) });
    console.error(`[vscode-host] code-server ${server.origin} (pid ${server.pid}) up after ${elapsed()}`);
    wb = await openWorkbench({ server, workspace, extensionPath, testsPath });
    console.error(`[vscode-host] workbench opened, running ${testsPath}`);

    const outcome = await Promise.race([wb.exitCode, timedOut, server.exited.then((c) => ({ serverExited: c }))]);
    if (screenshot) {
      mkdirSync(dirname(screenshot), { recursive: true });
      await wb.page.screenshot({ path: screenshot }).then(
        () => console.error(`[vscode-host] screenshot: ${screenshot}`),
        (err) => console.error(`[vscode-host] screenshot failed: ${err.message}`),
      );
    }
    if (outcome === 'timeout') {
      console.error(
        `[vscode-host] TIMEOUT: the workbench did not report the end of the test run within ${timeoutMs} ms ` +
          `(--timeout-ms). Did run() settle? Last code-server output:\n${server.output.slice(-30).join('\n')}`,
      );
      return 124;
    }
    if (signalExitCode() !== null) return signalExitCode();
    if (typeof outcome === 'object') {
      console.error(`[vscode-host] code-server exited (${outcome.serverExited}) during the run:\n${server.output.slice(-30).join('\n')}`);
      return 1;
    }
    console.error(`[vscode-host] tests ${outcome === 0 ? 'passed' : `FAILED (exit ${outcome})`} after ${elapsed()}`);
    return outcome;
  } catch (err) {
    if (signalExitCode() !== null) return signalExitCode();
    console.error(`[vscode-host] ${err.stack || err.message}`);
    return 2;
  } finally {
    clearTimeout(timer.id);
    await cleanupAll();
  }
}

const code = await main();
process.exit(signalExitCode() ?? code);
