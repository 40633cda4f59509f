/**
 * The packaged extension as a user gets it: `npm run package`'s .vsix, installed with
 * `--install-extension` (scripts/test-integration.mjs), not loaded from the repository.
 * Checks what only an installed extension can get wrong: files missing from the package
 * (or shipped for nothing), code links into files the package does not have, the lazy
 * bundles (dist/sync.js, dist/runpod.js, dist/s3.js) loaded from the package.
 */
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { followCodeLink } from '../integration/codeLinks';
import { waitFor } from '../integration/helpers';
import { type S3rverHandle, startS3rver } from '../support/s3rver';

const EXTENSION_ID = 'training-versions.training-versions';
const REPO = path.resolve(__dirname, '..', '..', '..');

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

/** Every file package.json makes VS Code load: main, icons that are paths, schemas. */
function filesNamedBy(manifest: Record<string, unknown>): string[] {
  const names = new Set<string>();
  const add = (p: unknown) => {
    if (typeof p === 'string' && !p.startsWith('$(') && !/^[a-z]+:/.test(p)) names.add(path.posix.normalize(p.replace(/^\.\//, '')));
  };
  add(manifest.main);
  add(manifest.icon);
  const walk = (v: unknown, key = '') => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.light === 'string' || typeof o.dark === 'string') {
        add(o.light);
        add(o.dark);
      }
      for (const [k, x] of Object.entries(o)) walk(x, k);
    } else if (key === 'icon' || key === 'url' || key === 'path') add(v);
  };
  walk(manifest.contributes);
  return [...names].sort();
}

/** The bundles the extension loads on first use, from next to dist/extension.js (src/vscode/chunks.ts, src/services/s3.ts). */
const LAZY_BUNDLES = ['dist/sync.js', 'dist/runpod.js', 'dist/s3.js'];

/** Whether the extension has loaded its bundle `file` (a LAZY_BUNDLES entry) from the installed package. */
function loaded(ext: vscode.Extension<unknown>, file: string): boolean {
  return require.cache[path.join(ext.extensionPath, ...file.split('/'))] !== undefined;
}

function diagnosticsOfOurs(): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics().flatMap(([, ds]) => ds.filter((d) => d.source === 'training-versions'));
}

describe('the installed .vsix', function () {
  let ext: vscode.Extension<unknown>;
  let files: string[];

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    ext = found;
    files = await listFiles(ext.extensionPath);
  });

  it('runs from the installed package, not from the repository', () => {
    assert.ok(!ext.extensionPath.startsWith(REPO + path.sep), `loaded from ${ext.extensionPath}`);
    assert.match(ext.extensionPath, /training-versions\.training-versions-\d+\.\d+\.\d+/);
    assert.equal(ext.packageJSON.version, JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version);
  });

  it('ships every file its manifest names, and nothing that nothing uses', () => {
    const named = filesNamedBy(ext.packageJSON as Record<string, unknown>);
    assert.ok(named.includes('dist/extension.js') && named.includes('media/icon.png'), `named: ${named.join(', ')}`);
    const missing = named.filter((f) => !files.includes(f));
    assert.deepEqual(missing, [], 'files package.json names that the package lacks');
    // What the code loads beyond the manifest: the lazy bundles (S3 sync, RunPod, the AWS SDK) and the findings docs.
    for (const f of LAZY_BUNDLES.concat('dist/findings.md')) assert.ok(files.includes(f), `${f} is in the package`);
    const unused = files.filter(
      (f) => /^(src|test|scripts|examples|node_modules|media\/screenshots)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'),
    );
    assert.deepEqual(unused, [], 'files shipped that the installed extension never loads');
    const icon = files.includes('media/icon.png') ? readFileSync(path.join(ext.extensionPath, 'media/icon.png')) : Buffer.alloc(0);
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'the icon is a 128×128 PNG');
  });

  it('activates on the workspace and reports the findings of its files', async () => {
    await ext.activate();
    assert.ok(ext.isActive);
    const ds = await waitFor(
      'diagnostics of the examples',
      () => {
        const d = diagnosticsOfOurs();
        return d.some((x) => typeof x.code === 'object' && x.code.value === 'duplicate-version') ? d : undefined;
      },
      30_000,
    );
    assert.ok(ds.length >= 5, `${ds.length} diagnostics`);
  });

  it("opens each finding code's documentation, rendered, at that finding", async () => {
    const codes = new Map<string, vscode.Diagnostic>();
    for (const d of diagnosticsOfOurs()) if (typeof d.code === 'object') codes.set(String(d.code.value), d);
    assert.ok(codes.size >= 3, `codes seen: ${[...codes.keys()].join(', ')}`);
    for (const [code, d] of codes) {
      const link = await followCodeLink(d);
      assert.deepEqual([link.code, link.found, link.tabLabel], [code, true, `Training Versions: ${code}`], `the link of ${code}`);
    }
  });

  it('loads no lazy bundle to activate and report; a RunPod command loads dist/runpod.js from the package', async () => {
    assert.deepEqual(
      LAZY_BUNDLES.filter((f) => loaded(ext, f)),
      [],
      'activation and diagnostics load none',
    );
    // No endpoint is set here: the check stops before the network, with its result.
    const r = await vscode.commands.executeCommand<{ ran: boolean; problem?: string; message: string }>('trainingVersions.checkStatus');
    assert.ok(r, 'the command returned its result');
    assert.equal(r.ran, false, r.message);
    assert.ok(r.problem, r.message);
    assert.deepEqual(
      LAZY_BUNDLES.filter((f) => loaded(ext, f)),
      ['dist/runpod.js'],
    );
  });

  describe('Sync from S3', () => {
    let s3: S3rverHandle;
    const config = () => vscode.workspace.getConfiguration('trainingVersions');
    before(async () => {
      s3 = await startS3rver({ buckets: ['installed-check'], root: REPO });
      await config().update('s3.bucket', 'installed-check', vscode.ConfigurationTarget.Workspace);
      await config().update('s3.endpoint', s3.endpoint, vscode.ConfigurationTarget.Workspace);
      await config().update('s3.forcePathStyle', true, vscode.ConfigurationTarget.Workspace);
    });
    after(async () => {
      for (const k of ['s3.bucket', 's3.endpoint', 's3.forcePathStyle'])
        await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await s3?.stop();
    });

    it('loads the lazy S3 bundle from the package and lists the bucket', async () => {
      // An empty bucket: the SDK bundle must load and list, and there is nothing to write.
      const r = await vscode.commands.executeCommand<{ ran: boolean; error?: string; message: string; pages: number; objects: number }>(
        'trainingVersions.syncS3',
        { preview: false },
      );
      assert.ok(r, 'the command returned its result');
      assert.equal(r.error, undefined, r.message);
      assert.deepEqual([r.ran, r.pages, r.objects], [true, 1, 0], r.message);
      assert.ok(loaded(ext, 'dist/sync.js') && loaded(ext, 'dist/s3.js'), 'the sync loaded dist/sync.js and dist/s3.js from the package');
    });
  });
});
