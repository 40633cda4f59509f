#!/usr/bin/env node
// Screenshots of the real VS Code UI (code-server's web workbench in headless Chromium).
//
// As a library:
//   import { withWorkbench } from './scripts/vscode-host/screenshot.mjs';
//   await withWorkbench({ workspace, extensionPath, screenshot: 'media/tree.png' }, async (page, h) => {
//     await h.runCommand('Explorer: Focus on Training Versions View');
//   });
//
// From the shell:
//   node scripts/vscode-host/screenshot.mjs --out shot.png [--workspace <dir>] [--extension <dir>]
//        [--steps steps.mjs] [--width 1440] [--height 900]
// where steps.mjs has `export default async function (page, helpers) { ... }`;
// helpers: runCommand(title), openFile(relativePath), waitForWorkbench(), sleep(ms), session.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { absPath, openFile, runCommand, waitForWorkbench, withWorkbench as withWorkbenchCore } from './host.mjs';

export { openFile, runCommand, waitForWorkbench };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens the workbench, lets `steps(page, helpers)` drive it, and saves a PNG to
 * opts.screenshot (if given). Always stops the server and browser.
 *
 * @param {{workspace?:string, extensionPath?:string, screenshot?:string,
 *   viewport?:{width:number,height:number}, settings?:object, settleMs?:number}} opts
 * @param {(page: import('playwright-core').Page, helpers: object) => Promise<unknown>} [steps]
 */
export function withWorkbench(opts, steps) {
  return withWorkbenchCore(opts, async (page, session) => {
    // Let the extension activate and views render before the first step.
    await sleep(opts.settleMs ?? 1500);
    const helpers = {
      session,
      sleep,
      runCommand: (title) => runCommand(page, title),
      openFile: (rel) => openFile(page, rel),
      waitForWorkbench: () => waitForWorkbench(page),
    };
    const result = steps ? await steps(page, helpers) : undefined;
    await sleep(300); // last repaint
    return result;
  });
}

async function cli() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      workspace: { type: 'string' },
      extension: { type: 'string' },
      steps: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const usage =
    'usage: node scripts/vscode-host/screenshot.mjs --out shot.png [--workspace <dir>] [--extension <dir>] [--steps steps.mjs] [--width N] [--height N]';
  if (values.help || !values.out) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  const steps = values.steps ? (await import(pathToFileURL(absPath(values.steps, '--steps')).href)).default : undefined;
  const out = resolve(values.out);
  await withWorkbench(
    {
      workspace: values.workspace ? absPath(values.workspace, '--workspace') : undefined,
      extensionPath: values.extension ? absPath(values.extension, '--extension') : undefined,
      screenshot: out,
      viewport: { width: Number(values.width ?? 1440), height: Number(values.height ?? 900) },
    },
    steps,
  );
  console.log(out);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cli().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[vscode-host] ${err.stack || err.message}`);
      process.exit(1);
    },
  );
}
