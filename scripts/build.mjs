// Bundles the extension and the CLI with esbuild. The AWS SDK stays out of the
// extension's main bundle: it is loaded lazily from its own chunk when a sync runs.
import { build } from 'esbuild';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The README's "The findings" section: what a finding's code link opens in the editor (src/vscode/findingDocs.ts). */
function findingsCatalogue(readme) {
  const start = readme.search(/^## The findings$/m);
  if (start < 0) throw new Error('README.md has no "## The findings" section: the finding code links need it.');
  const rest = readme.slice(start);
  const end = rest.slice(3).search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end + 3);
}

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { PACKAGE_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
};

const entries = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/services/s3Client.ts'], outfile: 'dist/s3.js' },
];
// The library (SPEC.md §8): CommonJS and ESM, readable (not minified, no source maps), with one
// self-contained declaration file (scripts/build-lib-types.mjs).
for (const [format, ext] of [
  ['cjs', 'cjs'],
  ['esm', 'mjs'],
]) {
  entries.push({ entryPoints: ['src/lib/index.ts'], outfile: `dist/lib/index.${ext}`, format, minify: false, sourcemap: false });
}
if (existsSync('src/extension.ts')) entries.push({ entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] });

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
