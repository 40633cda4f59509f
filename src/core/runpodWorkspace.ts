/**
 * RunPod over a whole workspace, still without vscode: whether a typed API key
 * can be used, which jobs polling watches, which file a webhook payload goes
 * to, and the report a check ends with. The editor's commands adapt these.
 */
import type { Analysis } from './findings';
import { type JobLookup, type StatusSummary, describeSummary, matchWebhookEntry, selectStatusTargets } from './runpod';

/**
 * Why a RunPod API key typed by the user cannot be used, or undefined when it
 * can. Whitespace around the key is ignored (pasted keys often carry it); the
 * rest must be what an HTTP header can carry.
 */
export function validateRunpodApiKey(value: string): string | undefined {
  const key = value.trim();
  if (key === '') return 'Enter the API key (RunPod console → Settings → API Keys).';
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks: paste the key alone.';
  if (!/^[\x21-\x7e]+$/.test(key)) return 'An API key holds only printable ASCII characters: paste the key alone.';
  return undefined;
}

/**
 * Base ids of the jobs a poll asks about: every in-flight target of every file
 * (as a check would select them), less the jobs the session already knows
 * finished or expired (`known`, the status cache).
 */
export function jobsToPoll(analyses: Iterable<Analysis>, known?: ReadonlyMap<string, JobLookup>): string[] {
  const ids = new Set<string>();
  for (const a of analyses) {
    for (const t of selectStatusTargets(a).targets) if (!known?.has(t.baseId)) ids.add(t.baseId);
  }
  return [...ids];
}

/** A file a webhook payload may belong to. */
export interface WebhookCandidate<K> {
  key: K;
  analysis: Analysis;
}

export interface WebhookFileMatch<K> {
  key: K;
  by: 'id' | 'base-id';
  versionId: string;
}

/**
 * The file a webhook for `jobId` updates: an entry whose id equals the job id,
 * in any file, wins over a base-id match; among equals, the first file in the
 * order given (the caller puts the active editor's file first).
 */
export function findWebhookFile<K>(files: readonly WebhookCandidate<K>[], jobId: string): WebhookFileMatch<K> | undefined {
  let byBase: WebhookFileMatch<K> | undefined;
  for (const f of files) {
    if (!f.analysis.writable) continue;
    const m = matchWebhookEntry(f.analysis.versions, jobId);
    if (!m) continue;
    const hit = { key: f.key, by: m.by, versionId: m.version.id! };
    if (m.by === 'id') return hit;
    byBase ??= hit;
  }
  return byBase;
}

/** A button the editor offers with a check's report. */
export type RunpodAction = 'Set API Key' | 'Sync from S3' | 'Show Log';

export interface CheckReport {
  severity: 'information' | 'warning' | 'error';
  message: string;
  actions: RunpodAction[];
}

export interface CheckReportInput {
  summary: StatusSummary;
  stopped?: { reason: 'unauthorized' | 'rate-limited' | 'cancelled'; message: string };
  notes: readonly string[];
  /** Files written by this check. */
  filesWritten: number;
  /** Files that changed while RunPod was asked, left alone. */
  conflicts: number;
}

/** The notification a status check ends with (SPEC.md §4): what changed, what expired, what failed, and what to do next. */
export function checkReport(input: CheckReportInput): CheckReport {
  const { summary, stopped, notes } = input;
  if (stopped?.reason === 'unauthorized') {
    const code = /\b(401|403)\b/.exec(stopped.message)?.[1];
    return {
      severity: 'error',
      message: `RunPod refused the API key${code ? ` (${code})` : ''}; nothing changed. Set a key with access to the endpoint.`,
      actions: ['Set API Key'],
    };
  }
  if (stopped?.reason === 'cancelled') return { severity: 'information', message: 'The status check was cancelled; nothing changed.', actions: [] };
  const parts = [`RunPod status: ${describeSummary(summary)}.`];
  if (input.filesWritten > 0) parts.push(`Updated ${input.filesWritten} file${input.filesWritten === 1 ? '' : 's'}.`);
  if (input.conflicts > 0) {
    parts.push(`${input.conflicts} file${input.conflicts === 1 ? '' : 's'} changed while RunPod was asked and ${input.conflicts === 1 ? 'was' : 'were'} left alone: check again.`);
  }
  parts.push(...notes);
  if (stopped) parts.push(`Stopped early: ${stopped.message}`);
  const actions: RunpodAction[] = [];
  if (summary.expired > 0) actions.push('Sync from S3');
  const trouble = summary.errors > 0 || stopped !== undefined || input.conflicts > 0;
  if (trouble) actions.push('Show Log');
  return { severity: trouble ? 'warning' : 'information', message: parts.join(' '), actions };
}
