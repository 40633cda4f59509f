/**
 * File I/O without vscode: finding training_versions.json files, reading them,
 * and replacing them atomically with a backup.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  promises as fs,
  openSync,
  read,
  readdirSync,
  readFile as readFileCallback,
  readFileSync,
  statSync,
} from 'node:fs';
import * as path from 'node:path';
import { comparePaths } from '../core/order';

export const VERSIONS_FILE = 'training_versions.json';
const SKIP_DIRS = new Set(['node_modules', '.git']);

/** A path the user gave that could not be used. */
export class PathError extends Error {}

/**
 * Expands files and folders into training_versions.json files (folders are
 * searched recursively, skipping node_modules and .git; a training_versions.json
 * that is a link to a file is found, links to folders are not followed). Sorted, de-duplicated.
 */
export async function findVersionFiles(paths: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const p of paths) {
    let st;
    try {
      st = await fs.stat(p);
    } catch (e) {
      throw pathError(p, e);
    }
    if (st.isFile()) found.add(p);
    else if (st.isDirectory()) await walk(p, found);
    else throw new PathError(`Cannot read ${p}: not a file or folder.`);
  }
  return [...found].sort(comparePaths);
}

/**
 * `findVersionFiles`, blocking: for a one-shot command (the CLI), which has nothing
 * else to do meanwhile; a blocking readdir of each folder costs less than the
 * round trips of bounded concurrent ones (`npm run bench`, section 2). Never for the editor.
 */
export function findVersionFilesSync(paths: string[]): string[] {
  const found = new Set<string>();
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw pathError(p, e);
    }
    if (st.isFile()) found.add(p);
    else if (st.isDirectory()) walkSync(p, found);
    else throw new PathError(`Cannot read ${p}: not a file or folder.`);
  }
  return [...found].sort(comparePaths);
}

function pathError(p: string, e: unknown): PathError {
  const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message;
  return new PathError(`Cannot read ${p}: ${why}. Pass a training_versions.json file or a folder that contains some.`);
}

function walkSync(root: string, out: Set<string>): void {
  // Depth-first; the caller sorts what is found.
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new PathError(`Cannot read the folder ${dir}: ${(e as Error).message}`);
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) stack.push(path.join(dir, e.name));
      } else if (e.name === VERSIONS_FILE) {
        const p = path.join(dir, e.name);
        if (e.isFile() || (e.isSymbolicLink() && isFileThroughLinkSync(p))) out.add(p);
      }
    }
  }
}

function isFileThroughLinkSync(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Folders read at once by the search: enough to keep the disk and libuv's pool busy. */
const WALK_CONCURRENCY = 16;

async function walk(root: string, out: Set<string>): Promise<void> {
  // Breadth-first, a bounded number of folders read at once (one awaited at a time
  // leaves the process idle); the caller sorts what is found.
  let level = [root];
  while (level.length > 0) {
    const next: string[][] = await mapConcurrent(level, WALK_CONCURRENCY, async (dir) => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (e) {
        throw new PathError(`Cannot read the folder ${dir}: ${(e as Error).message}`);
      }
      const sub: string[] = [];
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) sub.push(path.join(dir, e.name));
        } else if (e.name === VERSIONS_FILE) {
          const p = path.join(dir, e.name);
          if (e.isFile() || (e.isSymbolicLink() && (await isFileThroughLink(p)))) out.add(p);
        }
      }
      return sub;
    });
    level = next.flat();
  }
}

/**
 * `items.map(fn)` with at most `limit` calls in flight; results in input order.
 * Rejects with the first error (the calls already started still finish).
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Files the editor's initial scan reads at once. */
export const SCAN_CONCURRENCY = 16;

/**
 * The editor's initial scan over `items`: `fn` on each, a few in flight
 * (`SCAN_CONCURRENCY`), and a yield to the event loop after each item, so that
 * other work (the extension host's) runs between files. Results in input order.
 */
export function scanEach<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  return mapConcurrent(items, SCAN_CONCURRENCY, async (item, i) => {
    const r = await fn(item, i);
    await new Promise<void>((resolve) => setImmediate(resolve));
    return r;
  });
}

/** True when `p` (a symbolic link) leads to a file; a dangling link leads nowhere. */
async function isFileThroughLink(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The style folder's name of a training_versions.json path. */
export function styleFolderOf(file: string): string {
  const folder = path.basename(path.dirname(file));
  return folder && folder !== '.' && folder !== '..' ? folder : path.basename(path.dirname(path.resolve(file)));
}

/** A file's text, and whether its bytes were valid UTF-8 (if not, the text holds U+FFFD and must never be written back). */
export async function readText(file: string): Promise<{ text: string; utf8: boolean }> {
  // The callback form: one request to the thread pool, where the promise form's
  // FileHandle takes an open, a stat, reads and a close, each a round trip.
  const bytes = await new Promise<Buffer>((resolve, reject) => readFileCallback(file, (e, b) => (e ? reject(e) : resolve(b))));
  return { text: bytes.toString('utf8'), utf8: isUtf8(bytes) };
}

/** A file's bytes in one read of its size (fs.readFile reads in 512 KB round trips through the thread pool). */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    // One byte more than the size: a file that grew since the stat is read to its end.
    let buf = Buffer.allocUnsafe(size + 1);
    let len = 0;
    for (;;) {
      if (len === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      const { bytesRead } = await handle.read(buf, len, buf.length - len, len);
      if (bytesRead === 0) return buf.subarray(0, len);
      len += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * `readWhole`, with its one read already in the thread pool when this returns (the
 * file is opened and its size asked at once): the caller can work meanwhile.
 */
function readWholeStarted(file: string): Promise<Buffer> {
  const fd = openSync(file, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  const buf = Buffer.allocUnsafe(size + 1);
  return new Promise((resolve, reject) =>
    read(fd, buf, 0, buf.length, 0, (err, n) => {
      closeSync(fd);
      if (err) reject(err);
      else if (n === size) resolve(buf.subarray(0, n));
      // A file that grew or shrank since its size was asked, or a short read: read again, to its end.
      else readWhole(file).then(resolve, reject);
    }),
  );
}

/**
 * `readText`, blocking: for a one-shot command that reads thousands of small files
 * one after the other (measured: about half the time of bounded concurrent reads, whose
 * per-file round trips through the thread pool cost more than the read itself). Never
 * for the editor, whose extension host must not block.
 */
export function readTextSync(file: string): { text: string; utf8: boolean; bytes: Buffer } {
  const bytes = readFileSync(file);
  return { text: bytes.toString('utf8'), utf8: isUtf8(bytes), bytes };
}

export interface WriteOptions {
  /** Copy the current file to `<file>.backup` first. */
  backup: boolean;
  /** The text the change was planned on: refuse to write if the file changed since. */
  expected?: string;
  /**
   * The bytes that text was read from, when the caller still has them: the file is then
   * compared byte for byte instead of decoded and compared as text (equal bytes are equal
   * text; a file that is not UTF-8 is never written, so nothing else can differ).
   */
  expectedBytes?: Uint8Array;
}

/** The file changed between planning and writing. */
export class ConcurrentChangeError extends Error {}

/**
 * Replaces `file` with `text` atomically (temporary file in the same folder,
 * then rename), after an optional backup. Refuses text that is not JSON.
 * When `file` is a symbolic link, its target is replaced and the link stays (§1).
 *
 * The work overlaps the I/O: the text is encoded while the thread pool re-reads the
 * file, and checked to parse while the pool writes the temporary file. The file itself
 * is replaced (and backed up) only once both are done and the text parses.
 */
export async function writeAtomic(file: string, text: string, options: WriteOptions): Promise<{ backup?: string }> {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const current = options.expected !== undefined || options.expectedBytes !== undefined ? readWholeStarted(file) : undefined;
  const bytes = Buffer.from(text, 'utf8');
  if (current) {
    const now = await current;
    const changed = options.expectedBytes !== undefined ? !now.equals(options.expectedBytes) : now.toString('utf8') !== options.expected;
    if (changed) {
      JSON.parse(json); // text that does not parse is the first thing to report
      throw new ConcurrentChangeError(`${file} changed on disk while the change was planned; nothing was written. Run the command again.`);
    }
  }
  // Through links to the file itself: renaming onto the link would replace the link.
  const target = await fs.realpath(file).catch(() => file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(target)).mode & 0o777;
  } catch {
    mode = undefined;
  }
  const handle = await fs.open(tmp, 'w', mode ?? 0o644);
  let parsed = false;
  try {
    // One buffer, written in as few calls as the system takes (FileHandle.writeFile
    // writes a large text in 512 KB round trips through the thread pool).
    const writing = handle.write(bytes, 0, bytes.length);
    try {
      JSON.parse(json); // never write a file that does not parse
      parsed = true;
    } finally {
      let done = (await writing).bytesWritten;
      while (parsed && done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    }
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  let backup: string | undefined;
  try {
    if (options.backup) {
      backup = `${file}.backup`;
      await fs.copyFile(file, backup);
    }
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  return { backup };
}
