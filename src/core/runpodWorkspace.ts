/**
 * RunPod over a whole workspace, still without vscode: whether a typed API key
 * can be used, and which jobs polling watches. The editor's commands adapt these
 * (at activation: so nothing here needs the RunPod schemas; which file a webhook
 * payload goes to is runpodWebhook.ts's findWebhookFile).
 */
import type { Analysis } from './findings';
import { type JobLookup, selectStatusTargets } from './runpodPlan';

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
