/**
 * One poll of RunPod polling: the status check and what it says. In the lazily
 * loaded RunPod chunk (chunks.ts); the timer, the state and the decisions stay in
 * runpodPolling.ts, in the main bundle, which loads the chunk on the first poll.
 */
import * as vscode from 'vscode';
import { emptySummary } from '../core/runpodPlan';
import type { StatusCheckResult } from '../flows/status';
import { describeFailure, describeHealth, describeSummary } from '../flows/statusText';
import { type CheckProblem, type StatusCheckDeps, prepareStatusCheck, runEditorStatusCheck } from './runpodCheck';
import { EDITOR_WORDS } from './runpodReport';
import type { WriteDecisions } from './writeDecision';

/** What one poll is built from: a status check, plus the write notification. */
export interface PollCheckDeps extends StatusCheckDeps {
  readonly writes: Pick<WriteDecisions, 'notifyWritten'>;
}

/** A poll's result, or the setting or key that is missing (polling stops and says so once). */
export type PollOutcome =
  { ok: true; result: StatusCheckResult; checked: boolean; health?: string } | { ok: false; problem: CheckProblem; message: string };

const EMPTY_RESULT: StatusCheckResult = {
  files: [],
  summary: emptySummary(),
  notes: [],
  health: [],
  requests: { requests: 0, rateLimited: 0, retries: 0, waitedMs: 0 },
};

/** Asks RunPod about the jobs in flight and writes what it learned, as a manual check does. */
export async function pollStatus(deps: PollCheckDeps, signal: AbortSignal): Promise<PollOutcome> {
  const prepared = await prepareStatusCheck(deps);
  if (!prepared.ok) {
    if (prepared.problem === 'nothing-to-check') return { ok: true, result: EMPTY_RESULT, checked: false };
    return { ok: false, problem: prepared.problem, message: prepared.message };
  }
  const outcome = await runEditorStatusCheck(deps, prepared, { signal });
  const applied = outcome.result.written;
  if (applied?.applied && outcome.written.length > 0) {
    // A poll writes RunPod's answers as one undoable edit; it is never silent (SPEC.md §9).
    const names = outcome.written.map((u) => vscode.workspace.asRelativePath(u)).join(', ');
    deps.writes.notifyWritten('information', `RunPod polling updated ${names}: ${describeSummary(outcome.result.summary)}.`, applied);
  }
  const health = outcome.result.health.map((h) => `RunPod ${describeHealth(h, EDITOR_WORDS)}.`).join(' ');
  return { ok: true, result: outcome.result, checked: true, health: health || undefined };
}

/** Why polling stops after a poll that was cancelled, refused or could not check every job. */
export function describePollStop(result: StatusCheckResult): string {
  const n = result.summary.errors;
  return result.stopped?.failure
    ? describeFailure(result.stopped.failure, EDITOR_WORDS)
    : result.stopped
      ? 'the check was cancelled'
      : `${n} job${n === 1 ? '' : 's'} could not be checked (see the log)`;
}
