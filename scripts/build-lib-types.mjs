// The library's declarations: src/lib/index.ts declares every public type itself, so its
// emitted .d.ts stands alone. Emitted with the TypeScript API (only that file is kept) and
// written as dist/lib/index.d.cts (require) and dist/lib/index.d.mts (import), the same text.
// Fails when the declarations would reference a module the tarball does not ship.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export function buildLibTypes() {
  const entry = path.resolve('src/lib/index.ts');
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    declaration: true,
    emitDeclarationOnly: true,
    stripInternal: true,
    noEmit: false,
    outDir: path.resolve('out/lib-types'),
  };
  const program = ts.createProgram([entry], options);
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  let dts;
  program.emit(
    program.getSourceFile(entry),
    (file, text) => {
      if (path.basename(file) === 'index.d.ts') dts = text;
    },
    undefined,
    true,
  );
  if (errors.length)
    throw new Error(
      ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' }),
    );
  if (dts === undefined) throw new Error('no declarations were emitted for src/lib/index.ts');
  const imports = dts.split('\n').filter((l) => /\bimport\b|\brequire\(|\/\/\/ <reference/.test(l));
  if (imports.length) throw new Error(`dist/lib declarations must stand alone, but reference other modules:\n${imports.join('\n')}`);
  mkdirSync('dist/lib', { recursive: true });
  for (const ext of ['d.cts', 'd.mts']) writeFileSync(`dist/lib/index.${ext}`, dts);
}
