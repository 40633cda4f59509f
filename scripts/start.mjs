// `npm start`: a real VS Code (the open-source VS Code server, in your browser) with the
// extension loaded, on a copy of examples/ so that trying fixes never changes the repo.
// The copy lives in .tmp/demo-workspace; delete it to start over.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoWorkspace } from './demo-workspace.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const step = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step('bash', ['scripts/vscode-host/install.sh']);
step(process.execPath, ['scripts/build.mjs']);
const ws = demoWorkspace();
console.log(`Workspace: ${ws} (a copy of examples/; delete it to start over)`);
const child = spawn(process.execPath, [join(root, 'scripts', 'vscode-host', 'serve.mjs'), ws, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
