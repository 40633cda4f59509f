// SPEC.md §7–§8, the package as a consumer gets it: `npm pack` at the repository root, the
// tarball installed offline into an empty temporary project, then the library used from
// CommonJS, from ESM and from TypeScript (`tsc --noEmit`, module/moduleResolution node16),
// and the command run from node_modules/.bin. The library's results must equal the
// command's on the same text. Needs a build (npm test builds first; built here if missing).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'));
const exec = promisify(execFile);
const FILE = 'training_versions.json';

/** The environment of the nested npm: none of the outer `npm run`'s settings, no registry to reach. */
function npmEnv(cache) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$|NODE_OPTIONS$|NODE_PATH$|NODE_TEST_CONTEXT$)/i.test(k)) env[k] = v;
  }
  return {
    ...env,
    npm_config_cache: cache,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_registry: 'http://127.0.0.1:9/',
  };
}

let tmp;
let app;
let env;
/** What the command and the library are compared on: a copy of examples/ (training_versions.json only). */
let examples;
let tarball;

before(async () => {
  if (
    !['dist/cli.js', 'dist/s3.js', 'dist/lib/index.cjs', 'dist/lib/index.mjs', 'dist/lib/index.d.cts'].every((f) =>
      existsSync(path.join(ROOT, f)),
    )
  ) {
    await exec(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
  }
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tv-package-'));
  env = npmEnv(path.join(tmp, 'npm-cache'));
  app = path.join(tmp, 'app');
  examples = path.join(tmp, 'examples');
  await fs.mkdir(app);
  for (const e of await fs.readdir(path.join(ROOT, 'examples'), { withFileTypes: true })) {
    const src = path.join(ROOT, 'examples', e.name, FILE);
    if (e.isDirectory() && existsSync(src)) {
      await fs.mkdir(path.join(examples, e.name), { recursive: true });
      await fs.copyFile(src, path.join(examples, e.name, FILE));
    }
  }
});

after(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

const npmCli =
  process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
const npm = (args, cwd) => exec(npmCli[0], [...npmCli[1], ...args], { cwd, env, maxBuffer: 16 << 20 });

test('npm pack gives one tarball: the command, the library and its declarations, nothing else', async () => {
  // The build is the one under test (npm test builds first); prepack would rebuild it.
  const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
  const [info] = JSON.parse(stdout);
  tarball = path.join(tmp, info.filename);
  assert.ok(existsSync(tarball));
  assert.equal(info.name, 'training-versions');
  assert.equal(info.version, pkg.version);
  const files = info.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'LICENSE',
    'README.md',
    'dist/cli.js',
    'dist/lib/index.cjs',
    'dist/lib/index.d.cts',
    'dist/lib/index.d.mts',
    'dist/lib/index.mjs',
    'dist/s3.js',
    'package.json',
  ]);
  const dts = await fs.readFile(path.join(ROOT, 'dist/lib/index.d.cts'), 'utf8');
  assert.doesNotMatch(dts, /\bimport\b|require\(/, 'the declarations stand alone');
});

test('installs offline into an empty project, with nothing missing', async () => {
  assert.ok(tarball, 'packed');
  await fs.writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  await npm(['install', '--offline', '--ignore-scripts', '--no-package-lock', tarball], app);
  const installed = JSON.parse(await fs.readFile(path.join(app, 'node_modules', 'training-versions', 'package.json'), 'utf8'));
  assert.equal(installed.version, pkg.version);
  assert.deepEqual(
    (await fs.readdir(path.join(app, 'node_modules'))).filter((d) => !d.startsWith('.')),
    ['training-versions'],
    'no runtime dependency',
  );
});

const PAYLOAD = {
  id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
  status: 'COMPLETED',
  output: {
    lora_url: 'https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/style_59_vV4.safetensors',
    completed_at: '2025-10-14T11:00:00Z',
  },
};
const NOW = '2026-01-01T00:00:00.000Z';

/** The same program for require and import: every function on every example file. */
const program = (load) => `${load}
import_done(async (lib) => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = process.argv[2];
  const out = { exports: Object.keys(lib).sort(), files: {} };
  for (const folder of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, folder, ${JSON.stringify(FILE)}), 'utf8');
    const styleId = lib.styleIdOfFolder(folder);
    const key = 'actor_maker_user/custom-styles-models/style_' + styleId + '_vV99.safetensors';
    const sync = lib.syncObjects(text, [{ bucket: 'storyboard-user-files', key, lastModified: new Date(${JSON.stringify(NOW)}) }], {
      styleId,
      now: new Date(${JSON.stringify(NOW)}),
    });
    out.files[folder] = {
      analyze: lib.analyze(text, { styleId }),
      cleanup: lib.cleanup(text, { styleId }),
      webhook: lib.applyWebhook(text, ${JSON.stringify(PAYLOAD)}),
      sync,
      duplicatesBefore: lib.analyze(text, { styleId }).findings.filter((f) => f.code === 'duplicate-version').length,
      duplicatesAfter: lib.analyze(sync.text, { styleId }).findings.filter((f) => f.code === 'duplicate-version').length,
    };
  }
  out.bad = {
    analyze: lib.analyze('{ nope'),
    cleanup: lib.cleanup('{ nope'),
    webhook: lib.applyWebhook('{ nope', 'x'),
    sync: lib.syncObjects('{ nope', [], { styleId: '1' }),
  };
  process.stdout.write(JSON.stringify(out));
});
`;

async function runIn(name, source) {
  const file = path.join(app, name);
  await fs.writeFile(file, source);
  const { stdout } = await exec(process.execPath, [file, examples], { cwd: app });
  return JSON.parse(stdout);
}

async function bin(args) {
  return exec(path.join(app, 'node_modules', '.bin', 'training-versions'), args, { cwd: tmp }).then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

test('CommonJS and ESM give the same results, and they equal the command’s', async () => {
  const cjs = await runIn('use.cjs', program("const lib = require('training-versions'); const import_done = (f) => f(lib);"));
  const esm = await runIn('use.mjs', program("import * as lib from 'training-versions'; const import_done = (f) => f(lib);"));
  assert.deepEqual(cjs, esm);
  assert.deepEqual(cjs.exports, ['analyze', 'applyWebhook', 'cleanup', 'styleIdOfFolder', 'syncObjects']);
  assert.deepEqual(
    cjs.bad.analyze.findings.map((f) => f.code),
    ['invalid-json'],
  );
  for (const k of ['cleanup', 'webhook', 'sync']) assert.equal(cjs.bad[k].changed, false, k);

  // analyze() = check --format json, file by file.
  const check = await bin(['check', '--format', 'json', 'examples']);
  assert.equal(check.code, 1, check.stderr);
  const report = JSON.parse(check.stdout);
  const folders = Object.keys(cjs.files);
  assert.ok(folders.length >= 5);
  for (const folder of folders) {
    const fromCli = report.files.find((f) => f.path === path.join('examples', folder, FILE));
    assert.deepEqual(cjs.files[folder].analyze.findings, fromCli.findings, folder);
    assert.equal(cjs.files[folder].duplicatesAfter, cjs.files[folder].duplicatesBefore, `${folder}: a sync never creates a duplicate`);
    assert.equal(cjs.files[folder].sync.changed, true, `${folder}: the new model file was added`);
  }

  // applyWebhook() = webhook --apply; cleanup() = cleanup --apply (each on its own copy).
  const payload = path.join(tmp, 'payload.json');
  await fs.writeFile(payload, JSON.stringify(PAYLOAD));
  const webhookCopy = path.join(tmp, 'webhook-copy');
  await fs.cp(examples, webhookCopy, { recursive: true });
  const wh = await bin(['webhook', '--payload', payload, '--apply', '--format', 'json', 'webhook-copy']);
  assert.equal(wh.code, 0, wh.stdout + wh.stderr);
  assert.equal(JSON.parse(wh.stdout).outcome, 'written');
  const cleanupCopy = path.join(tmp, 'cleanup-copy');
  await fs.cp(examples, cleanupCopy, { recursive: true });
  const cl = await bin(['cleanup', '--apply', '--no-backup', 'cleanup-copy']);
  assert.equal(cl.code, 0, cl.stdout + cl.stderr);
  let webhookMatches = 0;
  for (const folder of folders) {
    const r = cjs.files[folder];
    assert.equal(r.cleanup.text, await fs.readFile(path.join(cleanupCopy, folder, FILE), 'utf8'), `cleanup ${folder}`);
    const cliText = await fs.readFile(path.join(webhookCopy, folder, FILE), 'utf8');
    if (r.webhook.versionId !== null) {
      webhookMatches++;
      assert.equal(r.webhook.text, cliText, `webhook ${folder}`);
      assert.equal(r.webhook.changed, true);
    } else {
      assert.equal(r.webhook.problem, 'no-match');
      assert.equal(cliText, await fs.readFile(path.join(examples, folder, FILE), 'utf8'), `${folder} untouched by the command too`);
    }
  }
  assert.equal(webhookMatches, 1, 'the payload belongs to one style');
});

test('TypeScript (module/moduleResolution node16) sees the declarations from both entry points', async () => {
  const use = `
    const text: string = '{ "versions": [] }';
    const found: Finding[] = analyze(text, { styleId: '1', staleAfterHours: 24, preferAcceleratedUrls: true, now: new Date() }).findings;
    const line: number = found.length ? found[0].line : 1;
    const id: string | null = found.length ? found[0].versionId : null;
    const code: FindingCode | undefined = found[0]?.code;
    const cleaned: { text: string; changed: boolean } = cleanup(text);
    const hook: WebhookResult = applyWebhook(cleaned.text, { id: 'x', status: 'COMPLETED' }, { now: new Date() });
    const versionId: string | null = hook.versionId;
    const objects: S3ObjectInfo[] = [{ bucket: 'b', key: 'k', lastModified: new Date(), metadata: { 'runpod-job-id': 'x' } }];
    const synced: boolean = syncObjects(text, objects, { styleId: '1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true }).changed;
    // @ts-expect-error styleId is required
    syncObjects(text, objects, {});
    // @ts-expect-error findings are typed, not any
    const wrong: string = analyze(text).findings[0].line;
    export const used = [line, id, code, versionId, synced, wrong];
  `;
  const IMPORTS =
    'import { analyze, applyWebhook, cleanup, syncObjects, type Finding, type FindingCode, type S3ObjectInfo, type WebhookResult } ' +
    "from 'training-versions';\n";
  await fs.writeFile(path.join(app, 'use-esm.mts'), IMPORTS + use);
  await fs.writeFile(
    path.join(app, 'use-cjs.cts'),
    `${IMPORTS}import lib = require('training-versions');\nexport const same = lib.analyze === analyze;\n${use}`,
  );
  await fs.writeFile(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        target: 'es2022',
        strict: true,
        noEmit: true,
        types: [],
        skipLibCheck: false,
      },
      files: ['use-esm.mts', 'use-cjs.cts'],
    }),
  );
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = await exec(process.execPath, [tsc, '-p', app], { cwd: app }).then(
    () => ({ code: 0, stdout: '' }),
    (e) => e,
  );
  assert.equal(r.code, 0, r.stdout);
  // And it would fail on a wrong use: the check is real.
  await fs.writeFile(
    path.join(app, 'use-esm.mts'),
    `import { analyze } from 'training-versions';\nexport const n: number = analyze('{}').findings;\n`,
  );
  const bad = await exec(process.execPath, [tsc, '-p', app], { cwd: app }).then(
    () => ({ code: 0, stdout: '' }),
    (e) => e,
  );
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout, /use-esm\.mts.*TS2322/);
});

test('the command runs from node_modules/.bin', async () => {
  const v = await bin(['--version']);
  assert.deepEqual([v.code, v.stdout.trim()], [0, pkg.version]);
  const help = await bin(['webhook', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /training-versions webhook \[--payload FILE \| -\]/);
  const bad = await bin(['check', '--format', 'xml', 'examples']);
  assert.equal(bad.code, 2);
  // sync loads the AWS SDK bundle shipped beside the command: a refused listing, not a missing module.
  const sync = await exec(
    path.join(app, 'node_modules', '.bin', 'training-versions'),
    ['sync', '--bucket', 'b', '--endpoint', 'http://127.0.0.1:9', '--path-style', '--region', 'us-east-1', 'examples'],
    {
      cwd: tmp,
      env: {
        PATH: process.env.PATH,
        HOME: tmp,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    },
  ).then(
    (r) => ({ code: 0, ...r }),
    (e) => e,
  );
  assert.equal(sync.code, 1, sync.stdout + sync.stderr);
  assert.doesNotMatch(sync.stdout + sync.stderr, /could not be loaded|Cannot find module/);
  assert.match(sync.stdout + sync.stderr, /127\.0\.0\.1:9/);
});

test("the README's pre-commit hook works in another repository", async () => {
  assert.ok(tarball, 'packed');
  // The commands exactly as the README gives them, with the tarball's real path.
  const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use in CI and pre-commit'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block && block.includes('/path/to/training-versions-'), 'the README shows the hook');
  const repo = path.join(tmp, 'training-repo');
  const style = path.join(repo, 'resources', 'style_images', '1_ink_intensity');
  await fs.mkdir(style, { recursive: true });
  await fs.copyFile(path.join(ROOT, 'examples', '1_ink_intensity', FILE), path.join(style, FILE));
  await fs.writeFile(path.join(repo, 'package.json'), JSON.stringify({ name: 'training-repo', version: '1.0.0', private: true }, null, 2));
  const git = (...args) => exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: repo, env });
  await git('init', '-q');
  const script = block
    .replace(/\/path\/to\/training-versions-[\d.]+\.tgz/, tarball)
    .replace(/^npm install /m, 'npm install --offline --ignore-scripts --no-package-lock ');
  await exec('sh', ['-e', '-c', script], { cwd: repo, env });
  await git('add', 'resources', 'package.json');
  // 1_ink_intensity holds a duplicate: the hook stops the commit and says why.
  const refused = await git('commit', '-q', '-m', 'with a duplicate').then(
    () => ({ code: 0 }),
    (e) => e,
  );
  assert.notEqual(refused.code, 0, 'the commit was refused');
  assert.match(refused.stdout + refused.stderr, /duplicate-version/);
  // After the clean-up the same commit goes through.
  await exec(path.join(repo, 'node_modules', '.bin', 'training-versions'), ['cleanup', '--apply', '--no-backup', 'resources'], {
    cwd: repo,
    env,
  });
  await git('add', 'resources');
  const ok = await git('commit', '-q', '-m', 'clean').then(
    () => ({ code: 0 }),
    (e) => e,
  );
  assert.equal(ok.code, 0, `${ok.stdout ?? ''}${ok.stderr ?? ''}`);
});
