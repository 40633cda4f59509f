/** The clean-up flow (src/flows/cleanup.ts) with both surfaces' seams injected: finding, reading, the decision, the writer. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../src/core/findings';
import {
  type CleanupDecision,
  type CleanupSource,
  type CleanupWriteReport,
  type PlannedCleanup,
  runCleanupFlow,
} from '../../src/flows/cleanup';
import { ConcurrentChangeError, writeAtomic } from '../../src/services/files';

const DUPES = JSON.stringify(
  {
    versions: [
      { id: 'abc-1', version: 'V1', status: 'COMPLETED' },
      { id: 'abc-1', version: 'V1', status: 'COMPLETED' },
    ],
  },
  null,
  2,
);
const CLEAN = JSON.stringify({ versions: [{ id: 'abc-2', version: 'V2', status: 'COMPLETED' }] }, null, 2);
const BROKEN = '{ "versions": [';

const source = (path: string, text: string): CleanupSource => ({ path, text, analysis: analyze(text, { now: Date.now(), styleId: '1' }) });

/** In-memory files, and a record of every seam call. */
function fakes(
  texts: Record<string, string>,
  decision: CleanupDecision,
  writer?: (p: readonly PlannedCleanup<string>[]) => CleanupWriteReport<string>[],
) {
  const calls: string[] = [];
  const decided: string[][] = [];
  const written: string[][] = [];
  return {
    calls,
    decided,
    written,
    deps: {
      files: async () => {
        calls.push('files');
        return Object.keys(texts);
      },
      read: (f: string) => {
        calls.push(`read ${f}`);
        return source(f, texts[f]);
      },
      onPlanned: () => calls.push('planned'),
      decide: async (planned: readonly PlannedCleanup<string>[]) => {
        calls.push('decide');
        decided.push(planned.map((p) => p.file));
        return decision;
      },
      write: async (planned: readonly PlannedCleanup<string>[]) => {
        calls.push('write');
        written.push(planned.map((p) => p.file));
        return writer ? writer(planned) : planned.map((p): CleanupWriteReport<string> => ({ kind: 'written', file: p.file }));
      },
    },
  };
}

describe('clean-up flow', () => {
  test('the decision says no: nothing is written, the change stays planned', async () => {
    const f = fakes({ a: DUPES, b: CLEAN }, { apply: false });
    const r = await runCleanupFlow(f.deps);
    assert.deepEqual(f.decided, [['a']]);
    assert.deepEqual(f.written, []);
    assert.deepEqual(
      r.files.map((x) => [x.file, x.kind]),
      [
        ['a', 'planned'],
        ['b', 'clean'],
      ],
    );
    assert.deepEqual(r.decision, { apply: false });
    const a = r.files[0];
    assert.ok(a.kind === 'planned');
    assert.equal(a.plan.merges.length, 1);
    assert.notEqual(a.write.newText, DUPES);
    assert.equal(a.write.oldText, DUPES);
  });

  test('nothing to clean up: the decision is never asked, nothing written', async () => {
    const f = fakes({ b: CLEAN }, { apply: true });
    const r = await runCleanupFlow(f.deps);
    assert.deepEqual(f.calls, ['files', 'read b', 'planned']);
    assert.equal(r.decision, undefined);
    assert.deepEqual(
      r.files.map((x) => x.kind),
      ['clean'],
    );
  });

  test('a file that does not parse is skipped with its finding and never reaches the decision or the writer', async () => {
    const f = fakes({ bad: BROKEN, a: DUPES }, { apply: true });
    const r = await runCleanupFlow(f.deps);
    assert.deepEqual(f.decided, [['a']]);
    assert.deepEqual(f.written, [['a']]);
    const bad = r.files[0];
    assert.equal(bad.kind, 'skipped');
    assert.ok(bad.kind === 'skipped');
    assert.equal(bad.refusal?.code, 'invalid-json');
    assert.equal(r.files[1].kind, 'written');
  });

  test('the plan is told before the decision is asked, once', async () => {
    const f = fakes({ a: DUPES }, { apply: true });
    await runCleanupFlow(f.deps);
    assert.deepEqual(f.calls, ['files', 'read a', 'planned', 'decide', 'write']);
  });

  test('the writer reports per file: a refusal and a conflict are data, a report of an unplanned file is ignored', async () => {
    const f = fakes({ a: DUPES, b: DUPES, c: DUPES, d: CLEAN }, { apply: true }, () => [
      { kind: 'written', file: 'a', backup: 'a.backup' },
      { kind: 'failed', file: 'b', detail: 'disk full' },
      { kind: 'conflict', file: 'c' },
      { kind: 'written', file: 'd' },
    ]);
    const r = await runCleanupFlow(f.deps);
    const kinds = r.files.map((x) => [x.file, x.kind, 'backup' in x ? x.backup : 'detail' in x ? x.detail : undefined]);
    assert.deepEqual(kinds, [
      ['a', 'written', 'a.backup'],
      ['b', 'failed', 'disk full'],
      ['c', 'conflict', undefined],
      ['d', 'clean', undefined],
    ]);
  });

  test('a planned file the writer does not mention stays planned (not counted as written)', async () => {
    const f = fakes({ a: DUPES, b: DUPES }, { apply: true }, () => [{ kind: 'written', file: 'b' }]);
    const r = await runCleanupFlow(f.deps);
    assert.deepEqual(
      r.files.map((x) => x.kind),
      ['planned', 'written'],
    );
  });

  test("the read seam's text is what is planned on (the editor's unsaved document), in the order the files came", async () => {
    const onDisk: Record<string, string> = { x: CLEAN, y: DUPES };
    const dirty: Record<string, string> = { x: DUPES }; // x is open with unsaved duplicates
    const r = await runCleanupFlow({
      files: async () => ['y', 'x'],
      read: async (f: string) => source(f, dirty[f] ?? onDisk[f]),
      decide: async () => ({ apply: false }),
      write: async () => assert.fail('not applied'),
    });
    assert.deepEqual(
      r.files.map((x) => [x.file, x.kind]),
      [
        ['y', 'planned'],
        ['x', 'planned'],
      ],
    );
    const x = r.files[1];
    assert.ok(x.kind === 'planned');
    assert.equal(x.text, DUPES);
  });

  test('finding files that fails rejects, nothing is asked or written', async () => {
    const f = fakes({}, { apply: true });
    await assert.rejects(runCleanupFlow({ ...f.deps, files: async () => Promise.reject(new Error('no such folder')) }), /no such folder/);
    assert.deepEqual(f.decided, []);
    assert.deepEqual(f.written, []);
  });

  test('with the real atomic writer: a file changed while planned is reported as a conflict and left as it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tv-cleanup-flow-'));
    try {
      const a = join(dir, 'a.json');
      const b = join(dir, 'b.json');
      await writeFile(a, DUPES);
      await writeFile(b, DUPES);
      const changed = DUPES.replace('"V1"', '"V1-edited"');
      const r = await runCleanupFlow<string, CleanupDecision>({
        files: async () => [a, b],
        read: async (p) => source(p, await readFile(p, 'utf8')),
        decide: async () => {
          await writeFile(b, changed); // someone edits b between planning and writing
          return { apply: true };
        },
        write: async (planned) => {
          const reports: CleanupWriteReport<string>[] = [];
          for (const p of planned) {
            try {
              const w = await writeAtomic(p.file, p.plan.newText, { backup: true, expected: p.text });
              reports.push({ kind: 'written', file: p.file, backup: w.backup });
            } catch (e) {
              reports.push(
                e instanceof ConcurrentChangeError
                  ? { kind: 'conflict', file: p.file, detail: (e as Error).message }
                  : { kind: 'failed', file: p.file, detail: (e as Error).message },
              );
            }
          }
          return reports;
        },
      });
      const [ra, rb] = r.files;
      assert.equal(ra.kind, 'written');
      assert.ok(ra.kind === 'written');
      assert.equal(ra.backup, `${a}.backup`);
      assert.equal(await readFile(a, 'utf8'), ra.plan.newText);
      assert.equal(await readFile(`${a}.backup`, 'utf8'), DUPES);
      assert.equal(rb.kind, 'conflict');
      assert.equal(await readFile(b, 'utf8'), changed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writeAtomic compared by bytes (expectedBytes)', () => {
  test('writes when the file still has the bytes it was planned on, refuses when one byte changed (same size)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tv-write-bytes-'));
    try {
      const a = join(dir, 'a.json');
      await writeFile(a, DUPES);
      const bytes = Buffer.from(DUPES);
      const w = await writeAtomic(a, CLEAN, { backup: true, expected: DUPES, expectedBytes: bytes });
      assert.equal(w.backup, `${a}.backup`);
      assert.equal(await readFile(a, 'utf8'), CLEAN);
      assert.equal(await readFile(`${a}.backup`, 'utf8'), DUPES);

      const sameSize = DUPES.replace('"V1"', '"V9"');
      assert.equal(sameSize.length, DUPES.length);
      await writeFile(a, sameSize);
      await assert.rejects(writeAtomic(a, CLEAN, { backup: true, expected: DUPES, expectedBytes: bytes }), ConcurrentChangeError);
      assert.equal(await readFile(a, 'utf8'), sameSize);
      // The backup of the earlier write is untouched: nothing was copied for the refused one.
      assert.equal(await readFile(`${a}.backup`, 'utf8'), DUPES);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('never writes text that does not parse, even when the bytes match', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tv-write-bytes-'));
    try {
      const a = join(dir, 'a.json');
      await writeFile(a, DUPES);
      await assert.rejects(writeAtomic(a, BROKEN, { backup: true, expectedBytes: Buffer.from(DUPES) }), SyntaxError);
      assert.equal(await readFile(a, 'utf8'), DUPES);
      // The temporary file written while the text was checked is gone, and no backup was made.
      assert.deepEqual(await readdir(dir), ['a.json']);
      // Text that does not parse is reported first, even when the file also changed.
      await writeFile(a, DUPES.replace('"V1"', '"V9"'));
      await assert.rejects(writeAtomic(a, BROKEN, { backup: true, expectedBytes: Buffer.from(DUPES) }), SyntaxError);
      assert.deepEqual(await readdir(dir), ['a.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
