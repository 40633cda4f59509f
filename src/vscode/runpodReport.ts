/**
 * The notification a status check ends with in the editor (SPEC.md §4): what
 * changed, what expired, what failed, the endpoint's queue and workers, and
 * what to do next. Pure (no vscode import) so plain node tests read it.
 */
import type { StatusSummary } from '../core/runpodPlan';
import type { RunpodFailure, StopReason } from '../core/runpodFailure';
import type { EndpointHealth, StatusNote } from '../flows/status';
import { type SurfaceWords, describeFailure, describeHealth, describeStatusNote, describeSummary } from '../flows/statusText';
import type { RunpodRequestStats } from '../services/runpodClient';
import { describeRequests } from '../flows/statusText';

export const EDITOR_WORDS: SurfaceWords = {
  setKey: 'run "Training Versions: Set RunPod API Key" to set a valid key',
  endpointSetting: 'trainingVersions.runpod.endpointId',
};

/** A button the editor offers with a check's report. */
export type RunpodAction = 'Set API Key' | 'Sync from S3' | 'Show Log' | 'Open Settings';

export interface CheckReport {
  severity: 'information' | 'warning' | 'error';
  message: string;
  actions: RunpodAction[];
}

export interface CheckReportInput {
  summary: StatusSummary;
  stopped?: { reason: StopReason; failure?: RunpodFailure };
  notes: readonly StatusNote[];
  health?: readonly EndpointHealth[];
  requests?: RunpodRequestStats;
  /** Files written by this check. */
  filesWritten: number;
  /** Files that changed while RunPod was asked, left alone. */
  conflicts: number;
}

export function checkReport(input: CheckReportInput): CheckReport {
  const { summary, stopped, notes } = input;
  if (stopped?.reason === 'unauthorized') {
    const code = stopped.failure?.status;
    return {
      severity: 'error',
      message: `RunPod refused the API key${code ? ` (${code})` : ''}; nothing changed. Set a key with access to the endpoint.`,
      actions: ['Set API Key'],
    };
  }
  if (stopped?.reason === 'cancelled')
    return { severity: 'information', message: 'The status check was cancelled; nothing changed.', actions: [] };
  const parts = [`RunPod status: ${describeSummary(summary)}.`];
  for (const h of input.health ?? []) parts.push(`RunPod ${describeHealth(h, EDITOR_WORDS)}.`);
  if (input.filesWritten > 0) parts.push(`Updated ${input.filesWritten} file${input.filesWritten === 1 ? '' : 's'}.`);
  if (input.conflicts > 0) {
    parts.push(
      `${input.conflicts} file${input.conflicts === 1 ? '' : 's'} changed while RunPod was asked ` +
        `and ${input.conflicts === 1 ? 'was' : 'were'} left alone: check again.`,
    );
  }
  parts.push(...notes.map(describeStatusNote));
  const pushback = input.requests && describeRequests(input.requests);
  if (pushback) parts.push(pushback);
  if (stopped?.failure) parts.push(`Stopped early: ${describeFailure(stopped.failure, EDITOR_WORDS)}`);
  else if (stopped) parts.push('Stopped early.');
  const actions: RunpodAction[] = [];
  if (summary.expired > 0) actions.push('Sync from S3');
  if (summary.notFound > 0) actions.push('Open Settings');
  const trouble = summary.errors > 0 || stopped !== undefined || input.conflicts > 0;
  if (trouble) actions.push('Show Log');
  return { severity: trouble ? 'warning' : 'information', message: parts.join(' '), actions };
}
