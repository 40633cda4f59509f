/**
 * A RunPod webhook body (the same JSON as a `/status` answer, SPEC.md §4)
 * applied to one training_versions.json text: the entry whose id matches, else
 * whose base id matches. Pure: the CLI `webhook` command and the editor's
 * Apply Webhook Payload both call `applyWebhook` and word its result.
 */
import { describeVersion } from './duplicates';
import { type TextEdit, applyEdits } from './edits';
import { type Analysis, analyze } from './findings';
import { baseJobId } from './identity';
import { setPropertiesEdits } from './jsonEdit';
import { parseStatusBody, validateStatusBody } from './runpodSchemas';
import { type StatusUpdateOptions, type UpdateNote, statusUpdate } from './runpodUpdate';
import type { Version } from './versions';

export interface WebhookMatch {
  version: Version;
  by: 'id' | 'base-id';
  /** Other entries of the same job (duplicates a cleanup merges). */
  others: Version[];
}

/**
 * The entry a webhook for `jobId` updates (the seed's handler): an exact id
 * match first, else an entry whose base id equals the payload id, else equal base ids.
 */
export function matchWebhookEntry(versions: readonly Version[], jobId: string): WebhookMatch | undefined {
  const base = baseJobId(jobId);
  const tiers: ((v: Version) => boolean)[] = [(v) => v.id === jobId, (v) => v.baseId === jobId, (v) => v.baseId === base];
  for (let t = 0; t < tiers.length; t++) {
    const hit = versions.find(tiers[t]);
    if (hit) return { version: hit, by: t === 0 ? 'id' : 'base-id', others: versions.filter((v) => v !== hit && v.baseId === base) };
  }
  return undefined;
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

export interface WebhookOptions extends StatusUpdateOptions {
  styleId?: string;
}

export type WebhookResult =
  | {
      ok: true;
      /** The text after the update (the input text when nothing changed). */
      text: string;
      changed: boolean;
      versionId: string;
      /** The entry as people name it ("V7 (…-e1)"), as the status report labels its jobs. */
      label: string;
      index: number;
      by: 'id' | 'base-id';
      /** The status RunPod sent, and the entry's status after. */
      runpodStatus: string;
      status: string | undefined;
      fields: string[];
      edits: TextEdit[];
      notes: UpdateNote[];
      /** How many other entries are the same job. */
      others: number;
    }
  | { ok: false; reason: 'invalid-payload'; problem: string }
  | { ok: false; reason: 'no-id' }
  | { ok: false; reason: 'invalid-file'; problem: string }
  | { ok: false; reason: 'no-match'; jobId: string; baseId: string };

/** Applies a webhook body (JSON text, or already parsed) to a training_versions.json text. */
export function applyWebhook(text: string, payload: unknown, options: WebhookOptions): WebhookResult {
  const parsed = typeof payload === 'string' ? parseStatusBody(payload) : validateStatusBody(payload);
  if (!parsed.ok) return { ok: false, reason: 'invalid-payload', problem: parsed.problem };
  const result = parsed.value;
  if (result.id === undefined) return { ok: false, reason: 'no-id' };
  const analysis = analyze(text, { styleId: options.styleId, preferAcceleratedUrls: options.preferAcceleratedUrls, now: options.now });
  if (!analysis.writable) {
    const first = analysis.findings.find((f) => f.severity === 'error');
    return { ok: false, reason: 'invalid-file', problem: first ? first.message : 'it is not a training_versions.json' };
  }
  const match = matchWebhookEntry(analysis.versions, result.id);
  if (!match) return { ok: false, reason: 'no-match', jobId: result.id, baseId: baseJobId(result.id) };
  const u = statusUpdate(match.version, result, options);
  const edits = setPropertiesEdits(analysis.doc, match.version.node, u.changes);
  const newText = edits.length ? applyEdits(text, edits) : text;
  return {
    ok: true,
    text: newText,
    changed: newText !== text,
    versionId: match.version.id!,
    label: describeVersion(match.version),
    index: match.version.index,
    by: match.by,
    runpodStatus: result.status,
    status: u.status,
    fields: u.changes.map((c) => c.key),
    edits,
    notes: u.notes,
    others: match.others.length,
  };
}
