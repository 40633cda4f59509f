// The workspace `npm start` and the F5 "Run Extension" launch open: a copy of examples/
// in .tmp/demo-workspace, so that trying fixes never changes the repository. Delete the
// folder to start over.
//   node scripts/demo-workspace.mjs      (prints its path)
import { cpSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function demoWorkspace() {
  const ws = join(root, '.tmp', 'demo-workspace');
  if (!existsSync(ws)) cpSync(join(root, 'examples'), ws, { recursive: true });
  return ws;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(demoWorkspace());
