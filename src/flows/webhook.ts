/**
 * Applying one RunPod webhook / status body to the files given (SPEC.md §4, §7),
 * once for every surface: find the files, read them, pick the entry the payload
 * matches (an exact id in any file wins over a base id), plan the update with the
 * pure core function, and write it through the writer the surface hands in.
 * Returns data; the CLI (and any other surface) words it.
 */
import { type Analysis, analyze, refusedAsNonUtf8 } from '../core/findings';
import { baseJobId, styleIdOfFolder } from '../core/identity';
import { parseStatusBody } from '../core/runpodSchemas';
import { applyWebhook, findWebhookFile } from '../core/runpodWebhook';
import { describeWebhookApplied, describeWebhookRefusal } from './statusText';
import { findVersionFiles, readText, styleFolderOf, type WriteOptions } from '../services/files';

/** Replaces a file (atomically, with an optional backup); rejects when it cannot. */
export type WebhookWriter = (path: string, text: string, options: WriteOptions) => Promise<{ backup?: string }>;

export interface WebhookFlowDeps {
  write: WebhookWriter;
  /** Default: `findVersionFiles` (folders searched for training_versions.json). */
  findFiles?: (paths: string[]) => Promise<string[]>;
  /** Default: `readText`. */
  read?: (path: string) => Promise<{ text: string; utf8: boolean }>;
}

export interface WebhookFlowOptions {
  /** Files or folders; default `.`. */
  paths: string[];
  /** The body as received (a BOM is ignored). */
  payload: string;
  apply: boolean;
  backup: boolean;
  preferAcceleratedUrls: boolean;
  /** The time of the update (ms since epoch): the edge reads the clock once and passes it. */
  now: number;
}

/**
 * - `invalid-payload`: not a RunPod body (or no `id`); nothing read further.
 * - `no-match`: no entry of any usable file has the id or base id.
 * - `invalid-file`: the matched file cannot be updated.
 * - `unchanged`: the entry already reflects the payload.
 * - `planned`: a dry run with a change; `written`: applied; `failed`: the write was refused.
 */
export type WebhookOutcome = 'invalid-payload' | 'no-match' | 'invalid-file' | 'unchanged' | 'planned' | 'written' | 'failed';

export interface WebhookFileReport {
  path: string;
  status: 'searched' | 'matched' | 'skipped';
  /** Why a file was skipped (its first error finding). */
  reason?: string;
}

export interface WebhookMatchReport {
  path: string;
  versionId: string;
  by: 'id' | 'base-id';
  /** The entry's status after the update. */
  status: string;
  /** Keys the update sets (empty when unchanged). */
  fields: string[];
  /** The core's account of the update. */
  message: string;
}

export interface WebhookFlowResult {
  apply: boolean;
  outcome: WebhookOutcome;
  /** The payload's job id and RunPod status, once it validated. */
  payload?: { id: string; baseId: string; status: string };
  /** Why the payload or the matched file was refused, or why the write failed. */
  detail?: string;
  match?: WebhookMatchReport;
  /** The text the matched file gets (planned or written). */
  newText?: string;
  backup?: string;
  files: WebhookFileReport[];
}

/** Runs the webhook flow; rejects only when a path cannot be read (`PathError`). */
export async function runWebhookFlow(options: WebhookFlowOptions, deps: WebhookFlowDeps): Promise<WebhookFlowResult> {
  const { apply } = options;
  const body = options.payload.replace(/^\uFEFF/, '');
  const parsed = parseStatusBody(body);
  if (!parsed.ok) return { apply, outcome: 'invalid-payload', detail: parsed.problem, files: [] };
  const jobId = parsed.value.id;
  if (jobId === undefined)
    return { apply, outcome: 'invalid-payload', detail: 'it has no "id", so it cannot be matched to a version', files: [] };
  const payload = { id: jobId, baseId: baseJobId(jobId), status: parsed.value.status };

  const paths = await (deps.findFiles ?? findVersionFiles)(options.paths.length ? options.paths : ['.']);
  const read = deps.read ?? readText;
  const loaded: { path: string; text: string; styleId?: string; analysis: Analysis }[] = [];
  const files: WebhookFileReport[] = [];
  for (const p of paths) {
    const { text, utf8 } = await read(p);
    const styleId = styleIdOfFolder(styleFolderOf(p));
    const analyzed = analyze(text, { styleId, preferAcceleratedUrls: options.preferAcceleratedUrls, now: options.now });
    const analysis = utf8 ? analyzed : refusedAsNonUtf8(analyzed);
    if (!analysis.writable) {
      const first = analysis.findings.find((f) => f.severity === 'error');
      files.push({ path: p, status: 'skipped', reason: first ? `${first.code}: ${first.message}` : 'not a training_versions.json' });
    } else files.push({ path: p, status: 'searched' });
    loaded.push({ path: p, text, styleId, analysis });
  }

  const hit = findWebhookFile(
    loaded.map((f) => ({ key: f, analysis: f.analysis })),
    jobId,
  );
  if (!hit) return { apply, outcome: 'no-match', payload, files };
  const file = hit.key;
  files[loaded.indexOf(file)].status = 'matched';
  const applied = applyWebhook(file.text, parsed.value.raw, {
    now: options.now,
    preferAcceleratedUrls: options.preferAcceleratedUrls,
    styleId: file.styleId,
  });
  if (!applied.ok)
    return {
      apply,
      outcome: applied.reason === 'no-match' ? 'no-match' : 'invalid-file',
      payload,
      detail: describeWebhookRefusal(applied),
      files,
    };
  const match: WebhookMatchReport = {
    path: file.path,
    versionId: applied.versionId,
    by: applied.by,
    status: applied.status ?? applied.runpodStatus,
    fields: applied.fields,
    message: `${describeWebhookApplied(applied)}.`,
  };
  if (!applied.changed) return { apply, outcome: 'unchanged', payload, match, files };
  if (!apply) return { apply, outcome: 'planned', payload, match, newText: applied.text, files };
  try {
    const { backup } = await deps.write(file.path, applied.text, { backup: options.backup, expected: file.text });
    return { apply, outcome: 'written', payload, match, newText: applied.text, backup, files };
  } catch (e) {
    return { apply, outcome: 'failed', payload, match, newText: applied.text, detail: (e as Error).message, files };
  }
}
