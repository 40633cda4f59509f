/** Shared plumbing of the CLI commands: usage errors, file loading, output. */
import { analyze, type Analysis, type AnalyzeOptions, refusedAsNonUtf8 } from '../core/findings';
import { styleIdOfFolder } from '../core/identity';
import { findVersionFiles, readText, styleFolderOf } from '../services/files';

/** Bad usage: printed with a hint, exit code 2. */
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
}

/** Finds and analyses every training_versions.json under `paths`. */
export async function loadFiles(paths: string[], options: Omit<AnalyzeOptions, 'styleId'>): Promise<LoadedFile[]> {
  const files = await findVersionFiles(paths.length ? paths : ['.']);
  const out: LoadedFile[] = [];
  for (const p of files) {
    const { text, utf8 } = await readText(p);
    const analyzed = analyze(text, { now: Date.now(), ...options, styleId: styleIdOfFolder(styleFolderOf(p)) });
    const analysis = utf8 ? analyzed : refusedAsNonUtf8(analyzed);
    out.push({ path: p, text, analysis });
  }
  return out;
}

export function parseFormat<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--format must be one of ${allowed.join(', ')}, not "${value}".`);
  return value as T;
}

export function parseNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a non-negative number, not "${value}".`);
  return n;
}
