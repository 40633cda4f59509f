/**
 * RunPod over a whole workspace, still without vscode: whether a typed API key
 * can be used, which jobs polling watches, and which file a webhook payload
 * goes to. The editor's commands adapt these.
 */
import type { Analysis } from './findings';
import { type JobLookup, selectStatusTargets } from './runpodPlan';
import { matchWebhookEntry } from './runpodWebhook';

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
 * Ids (as stored) of the jobs a poll asks about: every in-flight target of
 * every file (as a check would select them), less the jobs the session
 * already knows finished or expired (`known`, the status cache). A file is its
 * analysis, or an index's digest of it (its `statusTargets`, selected the same way).
 */
export function jobsToPoll(
  analyses: Iterable<Analysis | { statusTargets: readonly string[] }>,
  known?: ReadonlyMap<string, JobLookup>,
): string[] {
  const ids = new Set<string>();
  for (const a of analyses) {
    if ('statusTargets' in a) {
      for (const id of a.statusTargets) if (!known?.has(id)) ids.add(id);
    } else for (const t of selectStatusTargets(a).targets) if (!known?.has(t.id)) ids.add(t.id);
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
