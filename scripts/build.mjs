// Bundles the extension and the CLI with esbuild. The AWS SDK stays out of the
// extension's main bundle: it is loaded lazily from its own chunk when a sync runs.
import { build } from 'esbuild';
import { chmodSync, existsSync, readFileSync } from 'node:fs';

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
if (existsSync('src/extension.ts')) entries.push({ entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] });

if (process.argv.includes('--tests')) {
  // Integration tests run inside the extension host: one bundle per test file, vscode and mocha external.
  const { readdirSync } = await import('node:fs');
  const files = readdirSync('test/integration').filter((f) => f.endsWith('.ts')).map((f) => `test/integration/${f}`);
  entries.push({ entryPoints: files, outdir: 'out/test/integration', external: ['vscode', 'mocha'] });
}

await Promise.all(entries.map((e) => build({ ...common, ...e })));
chmodSync('dist/cli.js', 0o755);
