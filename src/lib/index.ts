/**
 * The `training-versions` library (SPEC.md §8): the engine of the extension and
 * the command, for the tools that write `training_versions.json` — a webhook
 * handler, an S3 sync step — so that they stop creating duplicates at the source.
 *
 * Every function is pure: text in, result out, no I/O. Bad text never throws:
 * an invalid file (an error finding) gives findings (`analyze`) or `changed: false`
 * (the others) and is returned unchanged. Only invalid *options* (a programming
 * error, such as an invalid `now` date) throw a `TypeError`.
 *
 * The surface of this file is the package's contract, versioned with semver.
 * Its types are declared here, not re-exported, so that the published
 * declarations stand alone; the functions are thin adapters over `src/core`.
 *
 * @packageDocumentation
 */

import { planFileCleanup } from '../core/cleanup';
import { analyze as analyzeText, type AnalyzeOptions as CoreAnalyzeOptions } from '../core/findings';
import { styleIdOfFolder as coreStyleIdOfFolder } from '../core/identity';
import { applyWebhook as coreApplyWebhook } from '../core/runpodWebhook';
import { describeWebhookApplied, describeWebhookRefusal } from '../flows/statusText';
import { planSync, type S3ObjectInfo as CoreObjectInfo } from '../core/s3Sync';
import { jsonFinding, positionFindings } from '../cli/report';

/** The stable code of a finding (SPEC.md §3). */
export type FindingCode = 'invalid-json' | 'invalid-schema' | 'duplicate-version' | 'minimal-entry' | 'non-accelerated-url' | 'stale-job';

/** The severity of a finding. */
export type Severity = 'error' | 'warning' | 'information';

/**
 * One finding, exactly as `training-versions check --format json` prints it.
 * Positions are 1-based; lines end at LF, CRLF or a lone CR; columns count
 * UTF-16 code units after the BOM; the end is exclusive.
 */
export interface Finding {
  /** Stable code: match on it, never on the message. */
  code: FindingCode;
  severity: Severity;
  /** What is wrong and why, for people. The wording may change in any release. */
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The `id` of the version concerned, or null when the finding is not about one entry with a string id. */
  versionId: string | null;
}

/** Options of {@link analyze} and {@link cleanup}. */
export interface AnalyzeOptions {
  /**
   * The style id of the file's folder (`1` for `1_ink_intensity`, see
   * {@link styleIdOfFolder}). Rule 3 of SPEC.md §2 (version name is the file)
   * needs it; without it that rule is skipped.
   */
  styleId?: string;
  /** A `pending`/`starting`/`training` version older than this is `stale-job`. Default 24. */
  staleAfterHours?: number;
  /** Report (and, in {@link cleanup}, upgrade) regular S3 URLs that have an accelerated form. Default true. */
  preferAcceleratedUrls?: boolean;
  /** The time staleness is judged against. Default: now. */
  now?: Date;
}

/** The result of {@link analyze}. */
export interface AnalyzeResult {
  /** Sorted by position. Empty when the file is clean. */
  findings: Finding[];
}

/** The result of {@link cleanup}, {@link syncObjects} and {@link applyWebhook}: the new text and whether it differs. */
export interface TextResult {
  /** The new text; the input itself when nothing changes. Indentation, line ends and BOM are kept. */
  text: string;
  /** True when `text` differs from the input. */
  changed: boolean;
}

/** Options of {@link applyWebhook}. */
export interface WebhookOptions {
  /** The time of the update: `completedAt`/`failedAt` when the payload gives none. Default: now. */
  now?: Date;
  /** Write a model URL from the payload's output in its accelerated form when it has one. Default true. */
  preferAcceleratedUrls?: boolean;
}

/** Why {@link applyWebhook} matched no entry. */
export type WebhookProblem = 'invalid-payload' | 'invalid-file' | 'no-match';

/** The result of {@link applyWebhook}. */
export interface WebhookResult extends TextResult {
  /** The `id` of the entry the payload matched (it may be unchanged: a repeated webhook), or null when none matched. */
  versionId: string | null;
  /** Set when no entry matched: the payload is not a RunPod body, the file is invalid (an error finding), or no id matches. */
  problem: WebhookProblem | null;
  /** What happened, for a log line. The wording may change in any release. */
  message: string;
}

/** One object of a bucket listing (e.g. from `ListObjectsV2`, plus `HeadObject` metadata when read). */
export interface S3ObjectInfo {
  bucket: string;
  key: string;
  /** The object's `LastModified`: the `timestamp` of a new entry. */
  lastModified?: string | Date;
  /** User metadata without `x-amz-meta-`; `runpod-job-id` / `runpod_job_id` match the entry of that job. */
  metadata?: Record<string, string>;
}

/** Options of {@link syncObjects}. */
export interface SyncOptions {
  /** The style id of the file's folder: only objects `style_<styleId>_v<label>.safetensors` go into it. */
  styleId: string;
  /** The sync's time: `lastSynced` of every matched or new entry. Default: now. */
  now?: Date;
  /** Write accelerated URLs (AWS, bucket names without dots) and upgrade regular ones. Default true. */
  preferAcceleratedUrls?: boolean;
  /** A custom S3-compatible endpoint (MinIO, R2, …): URLs are written on it. Default: AWS S3. */
  endpoint?: string;
  /** Path-style URLs on the custom endpoint (`<endpoint>/<bucket>/<key>`). Default false. */
  forcePathStyle?: boolean;
  /**
   * The bucket's AWS region, for the regular URL `https://<bucket>.s3.<region>.amazonaws.com/<key>`
   * written when no accelerated URL is (preferAcceleratedUrls false, or a bucket name with dots).
   * Default `us-east-1`.
   */
  region?: string;
}

/** The library is an edge: it reads the clock when the caller gives no `now`. */
function toMs(now: Date | undefined, fn: string): number {
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : NaN;
  if (Number.isNaN(ms)) throw new TypeError(`${fn}: options.now must be a valid Date.`);
  return ms;
}

function coreOptions(options: AnalyzeOptions | undefined, fn: string): CoreAnalyzeOptions {
  const o = options ?? {};
  return { styleId: o.styleId, staleAfterHours: o.staleAfterHours, preferAcceleratedUrls: o.preferAcceleratedUrls, now: toMs(o.now, fn) };
}

/**
 * SPEC.md §8: "an invalid file gives findings and `changed: false`". A file with an
 * error finding (`invalid-json`, or `invalid-schema`: a wrong field type, an unknown
 * status, a key written twice) is invalid: merging, syncing or updating it would carry
 * the bad value onward (a merge copies an unknown `status` onto the entry it keeps;
 * with a key written twice, readers disagree about which entry is which).
 */
function invalidFile(analysis: ReturnType<typeof analyzeText>): { message: string } | undefined {
  return analysis.findings.find((f) => f.severity === 'error');
}

function describeType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Finds every problem of one `training_versions.json` text (SPEC.md §3): the
 * same findings, positions and messages as `training-versions check --format json`.
 *
 * @example
 * ```ts
 * const { findings } = analyze(text, { styleId: '1' });
 * if (findings.some((f) => f.severity === 'error')) throw new Error('not a valid training_versions.json');
 * ```
 */
export function analyze(text: string, options?: AnalyzeOptions): AnalyzeResult {
  const opts = coreOptions(options, 'analyze');
  if (typeof text !== 'string') {
    return {
      findings: [
        {
          code: 'invalid-json',
          severity: 'error',
          message: `Expected the text of a training_versions.json (a string), not ${describeType(text)}.`,
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
          versionId: null,
        },
      ],
    };
  }
  const analysis = analyzeText(text, opts);
  const findings: Finding[] = positionFindings({ path: '', doc: analysis.doc, findings: analysis.findings }).map(jsonFinding);
  return { findings };
}

/**
 * Applies every fix of the file at once, as `training-versions cleanup --apply`
 * does: each duplicate group merged into the entry that is kept (SPEC.md §2)
 * and, with `preferAcceleratedUrls`, every regular S3 URL upgraded. Nothing
 * else changes, byte for byte. An invalid file (an error finding) comes back unchanged.
 */
export function cleanup(text: string, options?: AnalyzeOptions): TextResult {
  const opts = coreOptions(options, 'cleanup');
  if (typeof text !== 'string') return { text, changed: false };
  const analysis = analyzeText(text, opts);
  if (invalidFile(analysis)) return { text, changed: false };
  // The same plan as the CLI's and the editor's clean-up (flows/cleanup.ts).
  const planned = planFileCleanup(analysis);
  return planned.kind === 'planned' ? { text: planned.plan.newText, changed: true } : { text, changed: false };
}

/** The payload as JSON text: a string or bytes as they are, a parsed body re-serialised. */
function payloadText(payload: unknown): string | undefined {
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return new TextDecoder('utf-8').decode(payload);
  try {
    return JSON.stringify(payload);
  } catch {
    return undefined;
  }
}

/**
 * Applies one RunPod webhook body (the same JSON as a `/status` response:
 * `{ id, status, output, error, … }`) to the entry whose `id` equals
 * `payload.id`, else whose base id does (SPEC.md §4): status, `completedAt` /
 * `failedAt`, `error`, and a `loraUrl` from the output. `payload` may be the
 * parsed body, its JSON text or its bytes. Applying the same body twice changes
 * nothing the second time.
 *
 * @example
 * ```ts
 * const r = applyWebhook(text, req.body);
 * if (r.problem === 'no-match') return res.status(404).json({ error: r.message });
 * if (r.changed) await writeFileAtomically(file, r.text);
 * ```
 */
export function applyWebhook(text: string, payload: unknown, options?: WebhookOptions): WebhookResult {
  const now = toMs(options?.now, 'applyWebhook') ?? Date.now();
  if (typeof text !== 'string')
    return {
      text,
      changed: false,
      versionId: null,
      problem: 'invalid-file',
      message: `Expected the text of a training_versions.json (a string), not ${describeType(text)}.`,
    };
  const invalid = invalidFile(analyzeText(text, { now: Date.now() }));
  if (invalid)
    return { text, changed: false, versionId: null, problem: 'invalid-file', message: `The file cannot be updated: ${invalid.message}` };
  const body = payloadText(payload);
  if (body === undefined)
    return {
      text,
      changed: false,
      versionId: null,
      problem: 'invalid-payload',
      message: 'Not a RunPod webhook payload: it cannot be written as JSON.',
    };
  const r = coreApplyWebhook(text, body.replace(/^\uFEFF/, ''), { now, preferAcceleratedUrls: options?.preferAcceleratedUrls });
  if (!r.ok)
    return {
      text,
      changed: false,
      versionId: null,
      problem: r.reason === 'no-id' ? 'invalid-payload' : r.reason,
      message: `${describeWebhookRefusal(r)}.`,
    };
  return { text: r.text, changed: r.changed, versionId: r.versionId, problem: null, message: `${describeWebhookApplied(r)}.` };
}

function isObjectInfo(o: unknown): o is S3ObjectInfo {
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof (o as S3ObjectInfo).bucket === 'string' &&
    (o as S3ObjectInfo).bucket !== '' &&
    typeof (o as S3ObjectInfo).key === 'string'
  );
}

/**
 * Syncs one style's file with a bucket listing, as `training-versions sync`
 * does (SPEC.md §5): each model object `style_<styleId>_v<label>.safetensors`
 * updates the entry it matches (job id in the metadata, same object, id is the
 * stem, version name is the label) — `loraUrl` if missing or upgradable, never
 * downgraded, `status: "completed"`, `lastSynced` — or becomes a new minimal
 * entry. It never creates a duplicate; running it twice changes only `lastSynced`.
 * Objects of other styles and other files are ignored, so the whole listing may
 * be passed to every style's file.
 */
export function syncObjects(text: string, objects: readonly S3ObjectInfo[], options: SyncOptions): TextResult {
  if (typeof options?.styleId !== 'string' || options.styleId === '')
    throw new TypeError('syncObjects: options.styleId is required (the leading digits of the style folder, see styleIdOfFolder).');
  const now = toMs(options.now, 'syncObjects') ?? Date.now();
  if (typeof text !== 'string') return { text, changed: false };
  const byBucket = new Map<string, CoreObjectInfo[]>();
  for (const o of Array.isArray(objects) ? objects : []) {
    if (!isObjectInfo(o)) continue;
    const list = byBucket.get(o.bucket) ?? [];
    list.push({ key: o.key, lastModified: o.lastModified, metadata: o.metadata });
    byBucket.set(o.bucket, list);
  }
  if (invalidFile(analyzeText(text, { styleId: options.styleId, now: Date.now() }))) return { text, changed: false };
  let current = text;
  for (const [bucket, list] of byBucket) {
    const analysis = analyzeText(current, {
      styleId: options.styleId,
      preferAcceleratedUrls: options.preferAcceleratedUrls,
      now: Date.now(),
    });
    const plan = planSync(list, [{ path: 'training_versions.json', analysis }], {
      bucket,
      region: options.region || 'us-east-1',
      endpoint: options.endpoint || undefined,
      forcePathStyle: options.forcePathStyle,
      preferAcceleratedUrls: options.preferAcceleratedUrls ?? true,
      now,
      readMetadata: true,
    });
    const file = plan.files[0];
    if (!file) break; // the text does not parse: unchanged
    current = file.newText;
  }
  return { text: current, changed: current !== text };
}

/**
 * The style id of a style folder's name: its leading digits without leading
 * zeros (`1_ink_intensity` → `"1"`), or undefined when it has none.
 */
export function styleIdOfFolder(folderName: string): string | undefined {
  return typeof folderName === 'string' ? coreStyleIdOfFolder(folderName) : undefined;
}
