/**
 * A command's arguments are parsed once, at registration (src/vscode/commands/index.ts,
 * with the parsers of args.ts): no command body takes an `unknown` argument, and
 * nothing else in commands/ registers a command. Read from the source with the
 * TypeScript parser (syntax only), with a control text that breaks both rules.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const COMMANDS = path.resolve(__dirname, '../../src/vscode/commands');

/** `file: function(param)` for each exported function (what index.ts can register) with a parameter typed `unknown`. */
function unknownParameters(file: string, text: string): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    const exported = ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isFunctionDeclaration(n) && exported) {
      for (const p of n.parameters) {
        if (p.type?.kind === ts.SyntaxKind.UnknownKeyword) {
          found.push(`${file}: ${n.name?.text ?? 'default'}(${p.name.getText(src)})`);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

const registers = (text: string) => /\bregisterCommand\s*\(/.test(text);

const files = fs
  .readdirSync(COMMANDS)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ name: f, text: fs.readFileSync(path.join(COMMANDS, f), 'utf8') }));

test('the control text breaks both rules, so the checks can fail', () => {
  const control =
    "export async function run(deps: Deps, arg?: unknown) { vscode.commands.registerCommand('x', () => arg); }\n" +
    'function format(x: unknown) { return String(x); }';
  assert.deepEqual(unknownParameters('control.ts', control), ['control.ts: run(arg)']);
  assert.equal(registers(control), true);
});

test('no command body takes an unknown argument: args.ts parses every shape once', () => {
  assert.ok(files.length > 10, `read ${files.length} files in ${COMMANDS}`);
  const offenders = files.filter((f) => f.name !== 'args.ts' && f.name !== 'index.ts').flatMap((f) => unknownParameters(f.name, f.text));
  assert.deepEqual(offenders, []);
});

test('commands are registered in one place, index.ts, each with its parser', () => {
  assert.deepEqual(
    files.filter((f) => f.name !== 'index.ts' && registers(f.text)).map((f) => f.name),
    [],
  );
  const index = files.find((f) => f.name === 'index.ts')!.text;
  const ids = [...index.matchAll(/reg\('([^']+)',\s*(\w+),/g)].map((m) => m[1]);
  const manifest = JSON.parse(fs.readFileSync(path.resolve(COMMANDS, '../../../package.json'), 'utf8')) as {
    contributes: { commands: { command: string }[] };
  };
  const contributed = manifest.contributes.commands.map((c) => c.command).filter((c) => !c.startsWith('trainingVersions.review.'));
  assert.deepEqual([...ids].sort(), [...contributed].sort());
});
