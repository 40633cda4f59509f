// Bundles the extension and the CLI with esbuild. The extension's main bundle,
// dist/extension.js, holds what activation, diagnostics, the tree, hovers and code
// actions need; the rest sits in bundles next to it that are loaded lazily on first use
// (scripts/bundles.mjs lists them): dist/sync.js (the S3 sync command) and dist/runpod.js
// (the RunPod commands, polling's check, the client and its zod schemas), loaded by
// src/vscode/chunks.ts, and dist/s3.js (the AWS SDK), loaded by a sync. CommonJS, as VS
// Code needs, so no esbuild `splitting`: code two bundles both use is in both, and no
// module with state is (chunks.ts says how).
import { build } from 'esbuild';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { EXTENSION_BUNDLES, bundleOptions, commonOptions } from './bundles.mjs';

/** The README's "The findings" section: what a finding's code link opens in the editor (src/vscode/findingDocs.ts). */
function findingsCatalogue(readme) {
  const start = readme.search(/^## The findings$/m);
  if (start < 0) throw new Error('README.md has no "## The findings" section: the finding code links need it.');
  const rest = readme.slice(start);
  const end = rest.slice(3).search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end + 3);
}

const production = process.argv.includes('--production');
const common = commonOptions({ production, version: JSON.parse(readFileSync('package.json', 'utf8')).version });

const entries = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  ...EXTENSION_BUNDLES.filter((b) => existsSync(b.entryPoints[0])).map(bundleOptions),
];
// The library (SPEC.md §8): CommonJS and ESM, readable (not minified, no source maps), with one
// self-contained declaration file (scripts/build-lib-types.mjs).
for (const [format, ext] of [
  ['cjs', 'cjs'],
  ['esm', 'mjs'],
]) {
  entries.push({ entryPoints: ['src/lib/index.ts'], outfile: `dist/lib/index.${ext}`, format, minify: false, sourcemap: false });
}

if (process.argv.includes('--tests')) {
  // Integration tests run inside the extension host: one bundle per test file, vscode and mocha external.
  const { readdirSync } = await import('node:fs');
  const files = readdirSync('test/integration')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `test/integration/${f}`);
  entries.push({ entryPoints: files, outdir: 'out/test/integration', external: ['vscode', 'mocha'] });
  // The installed-.vsix session: its own entry, run against the packaged extension.
  const installed = readdirSync('test/installed')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `test/installed/${f}`);
  entries.push({ entryPoints: installed, outdir: 'out/test/installed', external: ['vscode', 'mocha'] });
}

await Promise.all([...entries.map((e) => build({ ...common, ...e })), import('./build-lib-types.mjs').then((m) => m.buildLibTypes())]);
writeFileSync('dist/findings.md', findingsCatalogue(readFileSync('README.md', 'utf8')));
chmodSync('dist/cli.js', 0o755);
