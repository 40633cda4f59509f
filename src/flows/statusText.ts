/**
 * The words a status check's data is told in, shared by the CLI and the editor.
 * Where the two differ (how to set the key, which setting or flag names the
 * endpoint) the surface passes its own `SurfaceWords`.
 */
import { excerpt } from '../core/redact';
import type { RunpodFailure, StopReason } from '../core/runpodFailure';
import type { JobReport, StatusSummary } from '../core/runpodPlan';
import type { UpdateNote } from '../core/runpodUpdate';
import type { WebhookResult } from '../core/runpodWebhook';
import type { EndpointHealth, StatusNote } from './status';
import type { RunpodRequestStats } from '../services/runpodClient';

export interface SurfaceWords {
  /** How to set a valid key: "export RUNPOD_API_KEY=…" or "run Training Versions: Set RunPod API Key". */
  setKey: string;
  /** Where the endpoint id is set: "--endpoint-id" or "trainingVersions.runpod.endpointId". */
  endpointSetting: string;
  /** How to allow a longer request: "--timeout-ms" (empty when the surface has no such knob). */
  timeoutSetting?: string;
}

/** Where an expired job's evidence remains. */
export const EXPIRED_HINT =
  'RunPod no longer holds this job (results are kept about 30 min after completion, job data at most the job TTL, 24 h by default). ' +
  'This is not a failure: run an S3 sync to find its model file.';

/** A job's outcome in two or three words. */
export function outcomeLabel(j: JobReport): string {
  if (j.outcome === 'updated') return j.running ? 'updated, still running' : 'updated';
  if (j.outcome === 'unchanged') return j.running ? 'still running' : 'unchanged';
  if (j.outcome === 'unknown-status') return 'unknown status';
  if (j.outcome === 'not-found') return 'not found';
  if (j.outcome === 'not-checked') return 'not checked';
  return j.outcome;
}

function minutes(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

/** One line for a failed request. */
export function describeFailure(f: RunpodFailure, words: SurfaceWords): string {
  const what = f.jobId ? `job ${f.jobId}` : `endpoint ${f.endpointId}`;
  switch (f.kind) {
    case 'unauthorized':
      return `RunPod refused the API key (${f.status ?? 401}): ${words.setKey} with access to endpoint ${f.endpointId}.`;
    case 'rate-limited':
      return f.retryAfterMs !== undefined
        ? `${what}: RunPod rate-limited the request and asked to wait ${Math.ceil(f.retryAfterMs / 1000)} s; try again later.`
        : `${what}: RunPod rate-limited the request ${f.attempts} time${f.attempts === 1 ? '' : 's'}; wait a moment and try again.`;
    case 'timeout':
      return `${what}: RunPod did not answer within ${f.timeoutMs} ms; try again later${words.timeoutSetting ? ` (or raise ${words.timeoutSetting})` : ''}.`;
    case 'network-error':
      return `${what}: cannot reach ${f.host}: ${f.detail ?? 'network error'}.`;
    case 'malformed':
      return `${what}: unexpected answer from RunPod: ${f.detail ?? 'not the documented shape'}; nothing changed.`;
    case 'http-error':
      return `${what}: RunPod answered ${f.status}${f.attempts > 1 ? ` ${f.attempts} times` : ''} (${f.detail ?? 'no body'}); try again later.`;
  }
}

/** Why something RunPod said was not applied as it was. */
export function describeUpdateNote(n: UpdateNote): string {
  switch (n.kind) {
    case 'kept-completed':
      return `RunPod reports ${n.runpodStatus}, but the entry is already completed; kept as completed`;
    case 'kept-accelerated-url':
      return `kept the accelerated loraUrl rather than RunPod's regular ${n.offered}`;
    case 'no-model-url':
      return 'RunPod gave no model URL (output.loraUrl, output.lora_url or output.url); an S3 sync can fill loraUrl';
    case 'runs-again':
      return `RunPod runs the job again (${n.runpodStatus}); the earlier error and failedAt are left in place`;
    case 'unknown-status':
      return `RunPod sent the status "${excerpt(n.runpodStatus, 40)}", which it does not document; nothing changed and the entry is asked again next time`;
  }
}

/** What applying a webhook body did to its entry (CLI `webhook`, the library, the editor command). */
export function describeWebhookApplied(a: Extract<WebhookResult, { ok: true }>): string {
  const what = a.changed
    ? `${a.label} is now ${a.status} (sets ${a.fields.join(', ')})`
    : `${a.label} already reflects ${a.runpodStatus}; nothing changed`;
  const extra = a.notes.map(describeUpdateNote);
  if (a.others) extra.push(`${a.others} other entr${a.others === 1 ? 'y is' : 'ies are'} the same job: run a cleanup to merge them`);
  return [what, ...extra].join('; ');
}

/** Why a webhook body was not applied. */
export function describeWebhookRefusal(r: Extract<WebhookResult, { ok: false }>): string {
  switch (r.reason) {
    case 'invalid-payload':
      return `Not a RunPod webhook payload: ${r.problem}. Use the JSON body RunPod sent ({ "id", "status", "output", … })`;
    case 'no-id':
      return 'Not a RunPod webhook payload: it has no "id", so it cannot be matched to a version';
    case 'invalid-file':
      return `The file cannot be updated: ${r.problem}`;
    case 'no-match':
      return `No version matches job ${r.jobId} (neither its id nor its base id ${r.baseId}); nothing changed`;
  }
}

/** Which id answered, when it is worth saying. */
function answeredBy(j: JobReport): string {
  if (j.askedAs === 'base-id') return `, answered for the base id ${j.baseId} after a 404 for ${j.id}`;
  return '';
}

/** The sentence of one entry's report. */
export function describeJob(j: JobReport, words: SurfaceWords): string {
  const kept = `Status kept${j.from ? ` "${j.from}"` : ''}.`;
  switch (j.outcome) {
    case 'skipped':
      return `"${j.id}" is an S3 file stem, not a RunPod job id; an S3 sync keeps this entry current.`;
    case 'not-checked':
      return `not checked: ${
        j.stopReason === 'unauthorized'
          ? 'stopped after RunPod refused the API key'
          : j.stopReason === 'rate-limited'
            ? 'stopped after RunPod kept rate-limiting'
            : 'the check was cancelled'
      }.`;
    case 'error':
      return j.failure ? describeFailure(j.failure, words) : 'RunPod could not be asked.';
    case 'expired':
      return `${EXPIRED_HINT} ${kept}`;
    case 'not-found': {
      const asked = (j.asked ?? [j.id]).join(' and ');
      return (
        `RunPod does not know this job (404 for ${asked}), yet the entry is only ${minutes(j.ageMs ?? 0)} old: ` +
        `likely ${words.endpointSetting} is not the endpoint it was submitted to (a wrong endpoint ` +
        `id, or a job sent to another endpoint). This is not a failure. ${kept}`
      );
    }
    case 'unknown-status':
      return [`RunPod: ${j.runpodStatus}${answeredBy(j)}`, ...j.notes.map(describeUpdateNote)].join('; ');
    case 'updated':
    case 'unchanged': {
      const sets = j.changes.map((c) => `${c.key} ${excerpt(c.raw, 100)}`).join(', ');
      const what =
        j.changes.length === 0
          ? `no change (RunPod: ${j.runpodStatus}${answeredBy(j)})`
          : `${j.from ?? '(no status)'} → ${j.to} (RunPod: ${j.runpodStatus}${answeredBy(j)}); sets ${sets}`;
      return [what, ...j.notes.map(describeUpdateNote)].join('; ');
    }
  }
}

/** One line: "2 updated, 1 still running, 1 expired, 0 errors". */
export function describeSummary(s: StatusSummary): string {
  const parts = [`${s.updated} updated`, `${s.running} still running`, `${s.expired} expired`];
  if (s.notFound) parts.push(`${s.notFound} not found`);
  if (s.unknown) parts.push(`${s.unknown} with an unknown status`);
  parts.push(`${s.errors} error${s.errors === 1 ? '' : 's'}`);
  if (s.notChecked) parts.push(`${s.notChecked} not checked`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  let line = parts.join(', ');
  if (s.byBaseId) line += ` (${s.byBaseId} answered only for the base id)`;
  if (s.expired) line += '. Expired jobs keep their status: run an S3 sync to find their model files';
  if (s.notFound) line += `. Jobs RunPod does not know keep their status: check the endpoint id`;
  return line;
}

/** "endpoint ep-1: 3 in queue, 1 in progress; workers: 0 idle, 1 running, 2 initializing". */
export function describeHealth(h: EndpointHealth, words: SurfaceWords): string {
  const a = h.answer;
  if (a.kind === 'ok') {
    const { jobs, workers } = a.value;
    const extra = (['initializing', 'ready', 'throttled', 'unhealthy'] as const)
      .filter((k) => (workers[k] ?? 0) > 0)
      .map((k) => `${workers[k]} ${k}`);
    return (
      `endpoint ${h.endpointId}: ${jobs.inQueue} in queue, ${jobs.inProgress} in progress; ` +
      `workers: ${[`${workers.idle} idle`, `${workers.running} running`, ...extra].join(', ')}` +
      (jobs.inQueue > 0 && workers.running + workers.idle === 0 ? ' (no worker is up: queued jobs wait, entries stay pending)' : '')
    );
  }
  if (a.kind === 'not-found') return `endpoint ${h.endpointId}: /health answered 404 — is ${words.endpointSetting} right?`;
  if (a.kind === 'cancelled') return `endpoint ${h.endpointId}: /health not asked (cancelled)`;
  return `endpoint ${h.endpointId}: /health — ${describeFailure(a.failure, words)}`;
}

export function describeStatusNote(n: StatusNote): string {
  if (n.kind === 'no-such-version')
    return `No version with the id "${n.only}" (or that base id) in ${n.files} file${n.files === 1 ? '' : 's'}.`;
  return 'RunPod knew none of these jobs. If some are recent, check that the endpoint id is the one they ran on.';
}

export function describeStop(stopped: { reason: StopReason; failure?: RunpodFailure }, words: SurfaceWords): string {
  if (stopped.failure) return describeFailure(stopped.failure, words);
  return stopped.reason === 'cancelled' ? 'The status check was cancelled.' : stopped.reason;
}

/** Said when RunPod pushed back: "RunPod rate-limited 3 requests; retried after 4.2 s of waiting in all". */
export function describeRequests(r: RunpodRequestStats): string | undefined {
  if (r.rateLimited === 0 && r.retries === 0) return undefined;
  return (
    `RunPod pushed back (${r.rateLimited} answer${r.rateLimited === 1 ? '' : 's'} 429); ` +
    `${r.retries} retr${r.retries === 1 ? 'y' : 'ies'} after ${(r.waitedMs / 1000).toFixed(1)} ` +
    `s of waiting in all.`
  );
}
