#!/usr/bin/env node
// For `npm start`: the real VS Code (code-server's web workbench) with the extension
// loaded in development mode, on 127.0.0.1, until Ctrl-C.
//
//   node scripts/vscode-host/serve.mjs [workspace folder|.code-workspace] [--extension <dir>] [--port N]
//
// Defaults: workspace <repo>/examples, extension <repo> (build it first: npm run build).

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { absPath, cleanupAll, installSignalHandlers, repoRoot, signalExitCode, startCodeServer, workbenchUrl } from './host.mjs';

const USAGE = 'usage: node scripts/vscode-host/serve.mjs [workspace] [--extension <dir>] [--port N]';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      extension: { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const workspace = absPath(positionals[0] ?? join(repoRoot, 'examples'), 'workspace');
  const extensionPath = absPath(values.extension ?? repoRoot, '--extension');
  const port = Number(values.port ?? process.env.TV_VSCODE_PORT ?? 0);

  const manifest = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8'));
  if (manifest.main && !existsSync(resolve(extensionPath, manifest.main))) {
    console.error(`[vscode-host] warning: ${manifest.main} does not exist yet; run npm run build (then reload the page)`);
  }

  installSignalHandlers();
  const server = await startCodeServer({
    workspace,
    port,
    onOutput: process.env.TV_VSCODE_VERBOSE === '1' ? (l) => console.error(`[code-server] ${l}`) : () => {},
  });
  const url = workbenchUrl({ port: server.port, workspace, extensionPath });
  console.log(`
VS Code ${manifest.displayName ? `with "${manifest.displayName}" ` : ''}(extension development host) is running:

  ${url}

  workspace: ${workspace}
  extension: ${extensionPath}
  Bound to 127.0.0.1 only (forward port ${server.port} to use it from another machine).
  After rebuilding the extension, reload the page (or run "Developer: Reload Window").
  Ctrl-C stops it.
`);
  const code = await server.exited;
  if (signalExitCode() !== null) return signalExitCode(); // Ctrl-C: cleanup under way
  console.error(`[vscode-host] code-server exited (${code})`);
  return code === 0 ? 0 : 1;
}

try {
  const code = await main();
  await cleanupAll();
  process.exit(signalExitCode() ?? code);
} catch (err) {
  console.error(`[vscode-host] ${err.message}\n${USAGE}`);
  await cleanupAll();
  process.exit(2);
}
