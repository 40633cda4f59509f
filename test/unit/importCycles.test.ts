/** No import cycle anywhere in src/ (type-only imports count too), with a control graph that has one. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const SRC = path.resolve(__dirname, '../../src');

/** Every relative import / export-from / dynamic import of a .ts file under `root`, keyed by path relative to root. */
function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) graph.set(path.relative(root, full), importsOf(root, full));
    }
  };
  walk(root);
  return graph;
}

function importsOf(root: string, file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = new Set<string>();
  const re =
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), spec);
    const target = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    if (target) specs.add(path.relative(root, target));
  }
  return [...specs];
}

/** The first cycle found, as a path a -> b -> ... -> a, or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 'open');
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of [...graph.keys()].sort()) {
    if (!state.has(n)) {
      const found = visit(n);
      if (found) return found;
    }
  }
  return undefined;
}

test('control: a fixture graph with a type-only cycle is reported with its path', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tv-cycle-'));
  try {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './sub/b';\nexport const a = b;\n");
    fs.writeFileSync(path.join(dir, 'sub', 'b.ts'), "import type { C } from '../c';\nexport const b = 1;\nexport type B = C;\n");
    fs.writeFileSync(path.join(dir, 'c.ts'), "export type { A } from './a';\nexport type C = number;\n");
    fs.writeFileSync(path.join(dir, 'd.ts'), "import * as fs from 'node:fs';\nexport const d = fs;\n");
    assert.deepEqual(findCycle(importGraph(dir)), ['a.ts', path.join('sub', 'b.ts'), 'c.ts', 'a.ts']);
    fs.writeFileSync(path.join(dir, 'c.ts'), 'export type C = number;\n');
    assert.equal(findCycle(importGraph(dir)), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('src/ has no import cycle (import type included)', () => {
  const graph = importGraph(SRC);
  assert.ok(graph.size > 50, `expected the sources under ${SRC}, found ${graph.size} files`);
  assert.ok(graph.get(path.join('vscode', 'commands', 'index.ts'))?.length, 'the walker finds the imports of commands/index.ts');
  const cycle = findCycle(graph);
  assert.equal(cycle, undefined, `import cycle: ${cycle?.join(' -> ')}`);
});
