/** The CLI's blocking file search finds exactly what the asynchronous one does (src/services/files.ts). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { findVersionFiles, findVersionFilesSync, PathError } from '../../src/services/files';

describe('findVersionFilesSync', () => {
  test('same files, same order as findVersionFiles: nested folders, skipped node_modules/.git, links to files only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tv-find-'));
    try {
      const file = (...p: string[]) => {
        mkdirSync(join(dir, ...p.slice(0, -1)), { recursive: true });
        writeFileSync(join(dir, ...p), '{"versions":[]}');
      };
      file('10_b', 'training_versions.json');
      file('2_a', 'training_versions.json');
      file('2_a', 'deep', '3_c', 'training_versions.json');
      file('2_a', 'other.json');
      file('node_modules', 'x', 'training_versions.json');
      file('.git', 'training_versions.json');
      mkdirSync(join(dir, 'links'));
      symlinkSync(join(dir, '10_b', 'training_versions.json'), join(dir, 'links', 'training_versions.json'));
      symlinkSync(join(dir, '2_a'), join(dir, 'linked_folder'));
      mkdirSync(join(dir, 'dangling'));
      symlinkSync(join(dir, 'nowhere.json'), join(dir, 'dangling', 'training_versions.json'));
      const single = join(dir, '2_a', 'other.json');

      const found = findVersionFilesSync([dir, single]);
      assert.deepEqual(found, await findVersionFiles([dir, single]));
      assert.deepEqual(found, [
        join(dir, '2_a', 'deep', '3_c', 'training_versions.json'),
        join(dir, '2_a', 'other.json'),
        join(dir, '2_a', 'training_versions.json'),
        join(dir, '10_b', 'training_versions.json'),
        join(dir, 'links', 'training_versions.json'),
      ]);
      assert.throws(
        () => findVersionFilesSync([join(dir, 'missing')]),
        (e: unknown) => e instanceof PathError && /no such file or folder/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
