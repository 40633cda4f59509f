/**
 * The clean-up (SPEC.md §2 merges and accelerated URLs, §9 writing), once, for the
 * CLI and the editor: find the files, read them, plan every fix of each file, ask
 * for the decision, and write what was decided. What differs per surface is
 * injected (`CleanupFlowDeps`): finding files, reading them (the editor reads an
 * open document's unsaved text), the decision (the CLI's `--apply`, the editor's
 * Apply / Review / Cancel) and the writer (the CLI's atomic write with a backup,
 * the editor's one WorkspaceEdit). Results are data (`{ kind, file, … }`); each
 * surface words them. A file that does not parse never reaches the writer.
 */
import { type CleanupPlan, type CleanupRefusal, planFileCleanup } from '../core/cleanup';
import type { Analysis } from '../core/findings';
import { cleanupWrite, type PlannedWrite } from '../core/writePlan';
import { mapConcurrent } from '../services/files';

/** One file as read: its name (as the surface shows it), its text and its analysis. */
export interface CleanupSource {
  path: string;
  text: string;
  analysis: Analysis;
}

/** A file whose clean-up changes its text: what the decision is asked about and the writer writes. */
export interface PlannedCleanup<F> {
  file: F;
  path: string;
  text: string;
  plan: CleanupPlan;
  /** The plan as a planned write (the decision's summary, the review, the editor's edits). */
  write: PlannedWrite;
}

/**
 * - `skipped`: the file does not parse or is not usable: never planned, never written.
 * - `clean`: nothing to merge or upgrade.
 * - `planned`: a change that was not written (a dry run, or the decision said no).
 * - `written`: the change was written (with the backup the writer made, if any).
 * - `conflict`: the file changed while the clean-up was planned: left alone.
 * - `failed`: the writer refused (`detail` is the writer's account).
 */
export type CleanupFileResult<F> =
  | { kind: 'skipped'; file: F; path: string; refusal?: CleanupRefusal }
  | { kind: 'clean'; file: F; path: string }
  | ({ kind: 'planned' } & PlannedCleanup<F>)
  | ({ kind: 'written'; backup?: string } & PlannedCleanup<F>)
  | ({ kind: 'conflict'; detail?: string } & PlannedCleanup<F>)
  | ({ kind: 'failed'; detail: string } & PlannedCleanup<F>);

/** What the writer reports per planned file (a file it does not mention stays `planned`). */
export type CleanupWriteReport<F> =
  | { kind: 'written'; file: F; backup?: string }
  | { kind: 'conflict'; file: F; detail?: string }
  | { kind: 'failed'; file: F; detail: string };

/** The decision: `apply` says whether to write; the rest is the surface's own (e.g. the editor's outcome). */
export interface CleanupDecision {
  apply: boolean;
}

export interface CleanupFlowDeps<F, D extends CleanupDecision> {
  /** The files to clean up, in the order the results come back. */
  files: () => Promise<readonly F[]>;
  /** Reads one file (a surface that has read them already hands back what it read). */
  read: (file: F) => Promise<CleanupSource> | CleanupSource;
  /** Told every file's plan before the decision is asked (e.g. to log what was skipped). */
  onPlanned?: (files: readonly CleanupFileResult<F>[]) => void;
  /** Asked once, only when some file changes. */
  decide: (planned: readonly PlannedCleanup<F>[]) => Promise<D>;
  /** Called only when the decision applies, with only the planned files. */
  write: (planned: readonly PlannedCleanup<F>[], decision: D) => Promise<readonly CleanupWriteReport<F>[]>;
  /** Files read at once (default 8). */
  readConcurrency?: number;
}

export interface CleanupFlowResult<F, D> {
  /** Every file, in the order `files` gave them. */
  files: CleanupFileResult<F>[];
  /** The decision (undefined when nothing was to be cleaned up: nothing was asked). */
  decision?: D;
}

/** Plans one file as read: skipped, clean, or planned (with its planned write). Pure. */
export function planCleanupFile<F>(file: F, source: CleanupSource): CleanupFileResult<F> {
  const { path, text, analysis } = source;
  const planned = planFileCleanup(analysis);
  if (planned.kind === 'skipped') return { kind: 'skipped', file, path, ...(planned.refusal ? { refusal: planned.refusal } : {}) };
  if (planned.kind === 'clean') return { kind: 'clean', file, path };
  const write = cleanupWrite(path, text, planned.plan, analysis.groups);
  if (!write) return { kind: 'clean', file, path };
  return { kind: 'planned', file, path, text, plan: planned.plan, write };
}

/** Runs the clean-up; rejects only when finding or reading files rejects (the writer's refusals are data). */
export async function runCleanupFlow<F, D extends CleanupDecision>(deps: CleanupFlowDeps<F, D>): Promise<CleanupFlowResult<F, D>> {
  const files = await deps.files();
  const results = await mapConcurrent(files, deps.readConcurrency ?? 8, async (f) => planCleanupFile(f, await deps.read(f)));
  deps.onPlanned?.(results);
  const planned = results.filter((r): r is Extract<CleanupFileResult<F>, { kind: 'planned' }> => r.kind === 'planned');
  if (planned.length === 0) return { files: results };
  const decision = await deps.decide(planned);
  if (!decision.apply) return { files: results, decision };
  const reports = await deps.write(planned, decision);
  const byFile = new Map<F, CleanupWriteReport<F>>();
  for (const r of reports) byFile.set(r.file, r);
  const out = results.map((r): CleanupFileResult<F> => {
    // Only a planned file can be written: a report of any other file is ignored.
    if (r.kind !== 'planned') return r;
    const w = byFile.get(r.file);
    if (!w) return r;
    const { kind: _planned, ...p } = r;
    if (w.kind === 'written') return { ...p, kind: 'written', ...(w.backup !== undefined ? { backup: w.backup } : {}) };
    if (w.kind === 'conflict') return { ...p, kind: 'conflict', ...(w.detail !== undefined ? { detail: w.detail } : {}) };
    return { ...p, kind: 'failed', detail: w.detail };
  });
  return { files: out, decision };
}
