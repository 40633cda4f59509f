/** Shared plumbing of the CLI commands: usage errors, file loading, output. */
import { analyze, type Analysis, type AnalyzeOptions, refusedAsNonUtf8 } from '../core/findings';
import { styleIdOfFolder } from '../core/identity';
import { findVersionFilesSync, readTextSync, styleFolderOf } from '../services/files';

/** Bad usage: printed with a hint, exit code 2. */
/** Analysis options of the files a command reads; `now` defaults to the clock, read once per command. */
export type FileAnalyzeOptions = Omit<AnalyzeOptions, 'styleId' | 'now'> & { now?: number };

export class UsageError extends Error {}

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  color: boolean;
}

export interface LoadedFile {
  path: string;
  text: string;
  analysis: Analysis;
  /** The bytes `text` was decoded from (a writer compares the file on disk with them). */
  bytes?: Buffer;
}

/** Finds and analyses every training_versions.json under `paths`. */
export async function loadFiles(paths: string[], options: FileAnalyzeOptions): Promise<LoadedFile[]> {
  return visitFiles(paths, options, (f) => f);
}

/**
 * Finds every training_versions.json under `paths`, reads and analyses them one after
 * the other and hands each to `visit`; returns what `visit` returns, in file order.
 * What `visit` does not keep (the text, the analysis) is garbage at once: a check of
 * thousands of files keeps only their findings. The reads block: a command has
 * nothing else to do meanwhile, and a blocking read of a small file costs half of
 * an asynchronous one (`npm run bench`, section 2).
 */
export async function visitFiles<R>(paths: string[], options: FileAnalyzeOptions, visit: (file: LoadedFile) => R): Promise<R[]> {
  const files = findVersionFilesSync(paths.length ? paths : ['.']);
  const now = options.now ?? Date.now(); // one "now" for every file
  const out: R[] = new Array(files.length);
  for (let i = 0; i < files.length; i++) {
    const p = files[i];
    const { text, utf8, bytes } = readTextSync(p);
    const analyzed = analyze(text, { ...options, now, styleId: styleIdOfFolder(styleFolderOf(p)) });
    const analysis = utf8 ? analyzed : refusedAsNonUtf8(analyzed);
    out[i] = visit({ path: p, text, analysis, bytes });
  }
  return out;
}

export function parseFormat<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--format must be one of ${allowed.join(', ')}, not "${value}".`);
  return value as T;
}

/**
 * §7: an option given an empty value (`--x ""`, `--x=`, or only spaces) is bad usage,
 * for every command: checked once, in `main`, before a command parses its flags.
 */
export function rejectEmptyValues(args: string[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0 && a.slice(eq + 1).trim() === '')
      throw new UsageError(`${a.slice(0, eq)} was given an empty value: give it a value, or leave the option out.`);
    if (a.trim() === '') {
      const prev = i > 0 ? args[i - 1] : undefined;
      throw new UsageError(
        prev !== undefined && prev.startsWith('-') && !prev.includes('=')
          ? `${prev} was given an empty value: give it a value, or leave the option out.`
          : 'An empty argument: give a file or folder, or leave it out.',
      );
    }
  }
}

/** A plain decimal number (`24`, `1.5`): what every numeric option takes. */
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!DECIMAL.test(value)) throw new UsageError(`${name} must be a non-negative number such as 24 or 1.5, not "${value}".`);
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${name} must be a non-negative number such as 24 or 1.5, not "${value}".`);
  return n;
}

/**
 * `check` and `cleanup` read a file once and exit: most of their time is code that V8 has not
 * optimised yet, and inlining makes each optimisation of a large function take longer while the
 * loop keeps running unoptimised meanwhile. Without it, `check` on a 13 MB file is about 10 % faster
 * and `cleanup` about 15 % (`npm run bench`, whole process). Set for this process only, as it starts
 * (never for the library or the webhook server, which run long). The bench's stage processes
 * use it too, to measure what `check` runs.
 */
export function v8FlagsFor(command: string | undefined): string[] {
  return command === 'check' || command === 'cleanup' ? ['--no-turbo-inlining'] : [];
}
