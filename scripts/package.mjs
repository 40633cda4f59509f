#!/usr/bin/env node
// `npm run package`: the .vsix a user installs.
//  1. a production build (minified bundles, no source maps, dist/findings.md for the code links);
//  2. the Marketplace page (dist/marketplace.md): the README as a user reads it — without
//     the developer commands at its top and without the Development, Speed and
//     Troubleshooting sections, which are about this repository, not the extension;
//  3. vsce package with that page as the readme and CHANGELOG.md as the changelog.
//
//   node scripts/package.mjs [--out FILE]     (default: training-versions.vsix)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(values.out ?? join(root, 'training-versions.vsix'));

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
};

/** The README minus what is for developers of this repository. */
export function marketplacePage(readme) {
  const developerSections = new Set(['Development', 'Speed', 'Troubleshooting', 'Testing']);
  const lines = readme.split('\n');
  const kept = [];
  let skipping = false;
  let fenceAtTop = true; // the first fenced block (the two npm commands) is for developers
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const h2 = /^## (.+)$/.exec(line);
    if (h2) skipping = developerSections.has(h2[1].trim());
    if (fenceAtTop && line.startsWith('```')) {
      const end = lines.indexOf('```', i + 1);
      fenceAtTop = false;
      if (end > i) {
        i = end;
        continue;
      }
    }
    if (fenceAtTop && line.trim() && !line.startsWith('#')) fenceAtTop = false;
    if (!skipping) kept.push(line);
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.execPath, ['scripts/build.mjs', '--production']);
  writeFileSync(join(root, 'dist', 'marketplace.md'), marketplacePage(readFileSync(join(root, 'README.md'), 'utf8')));
  run(join(root, 'node_modules', '.bin', 'vsce'), [
    'package',
    '--no-dependencies',
    '--readme-path',
    'dist/marketplace.md',
    '--changelog-path',
    'CHANGELOG.md',
    '--out',
    out,
  ]);
}
