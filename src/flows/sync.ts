/**
 * The S3 sync (SPEC.md §5), once, for the CLI and the editor: check the settings,
 * build the lister, list (all pages), read metadata when asked, plan, and (when
 * the surface hands in a writer) write. What differs per surface is injected:
 * the lister factory, the writer, progress, cancellation and the clock. Results
 * and errors are data; each surface words them (syncMessages.ts helps with both).
 */
import type { Analysis } from '../core/findings';
import { fileStem, parseModelStem } from '../core/identity';
import { type FieldChange, planSync, SYNC_RULE_TITLES, type SyncMatchRule, type SyncPlan } from '../core/s3Sync';
import { isHttpUrl, usesPathStyle } from '../core/s3Url';
import type { ResolvedS3Config } from '../services/s3Config';
import {
  cancelledError,
  classifyS3Error,
  type RetryNotice,
  type S3Failure,
  type S3Knob,
  type S3Lister,
  type S3Object,
  type S3Settings,
  S3SyncError,
} from '../services/s3';

/** A file to sync into: its text and its analysis (`analyze` with the folder's style id). */
export interface SyncFile {
  path: string;
  text: string;
  analysis: Analysis;
}

export interface SyncWorkspaceOptions extends S3Settings {
  preferAcceleratedUrls: boolean;
  /** The sync's time. */
  now: Date;
  /** HeadObject requests in flight at most (default 8). */
  headConcurrency?: number;
}

export type SyncProgress =
  | { phase: 'list'; pages: number; objects: number }
  | { phase: 'metadata'; done: number; total: number }
  | { phase: 'plan'; matched: number; added: number; files: number }
  | { phase: 'retry'; retry: RetryNotice };

/** A file whose text the sync changes. */
export interface FileChange {
  path: string;
  oldText: string;
  newText: string;
}

export interface SyncWorkspaceResult {
  plan: SyncPlan;
  /** Only the files that change (what the CLI writes and the editor previews). */
  changes: FileChange[];
  region: string;
  /** ListObjectsV2 requests made (one per page of at most 1000 keys). */
  pages: number;
  objects: number;
}

function checkAborted(signal: AbortSignal | undefined, options: S3Settings, lister: S3Lister): void {
  if (signal?.aborted) throw cancelledError(options, lister.config);
}

/**
 * Lists the bucket, reads metadata when asked, and plans the sync of `files`.
 * Writes nothing. Cancelling through `signal` rejects with an `S3SyncError` of kind `cancelled`.
 */
export async function syncWorkspace(
  files: readonly SyncFile[],
  lister: S3Lister,
  options: SyncWorkspaceOptions,
  progress?: (p: SyncProgress) => void,
  signal?: AbortSignal,
): Promise<SyncWorkspaceResult> {
  checkAborted(signal, options, lister);
  const region = lister.config?.region?.value ?? options.region ?? (await lister.region());
  checkAborted(signal, options, lister);
  let pages = 0;
  const objects = await lister.list(
    options.prefix ?? '',
    (p) => {
      pages = p.page;
      progress?.({ phase: 'list', pages: p.page, objects: p.total });
    },
    signal,
  );
  checkAborted(signal, options, lister);

  if (options.readMetadata) {
    // Only model files of a style we have a folder for can match anything.
    const styles = new Set(
      files
        .filter((f) => f.analysis.writable)
        .map((f) => f.analysis.options.styleId)
        .filter((s): s is string => s !== undefined),
    );
    const wanted = objects.filter((o) => {
      const id = styleOfKey(o.key);
      return id !== undefined && styles.has(id);
    });
    await headAll(
      wanted,
      lister,
      options.headConcurrency ?? 8,
      (done) => progress?.({ phase: 'metadata', done, total: wanted.length }),
      signal,
    );
    checkAborted(signal, options, lister);
  }

  const endpoint = lister.config ? lister.config.endpoint.url : options.endpoint;
  const plan = planSync(
    objects,
    files.map((f) => ({ path: f.path, analysis: f.analysis })),
    {
      bucket: options.bucket,
      region,
      endpoint,
      forcePathStyle: lister.forcePathStyle ?? usesPathStyle(endpoint, options.forcePathStyle),
      preferAcceleratedUrls: options.preferAcceleratedUrls,
      now: options.now,
      readMetadata: options.readMetadata,
    },
  );
  progress?.({ phase: 'plan', matched: plan.counts.matched, added: plan.counts.added, files: plan.counts.changedFiles });
  checkAborted(signal, options, lister);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const changes = plan.files
    .filter((f) => f.changed)
    .map((f) => ({ path: f.path, oldText: texts.get(f.path) ?? f.newText, newText: f.newText }));
  return { plan, changes, region, pages, objects: objects.length };
}

/** The style id of a model file's key (`…/style_59_vV4.safetensors` → `59`). */
export function styleOfKey(key: string): string | undefined {
  const stem = fileStem(key.slice(key.lastIndexOf('/') + 1));
  return stem === undefined ? undefined : parseModelStem(stem)?.styleId;
}

/** HeadObject on each object, at most `limit` in flight; sets `metadata`. Objects deleted meanwhile get none. */
async function headAll(
  objects: S3Object[],
  lister: S3Lister,
  limit: number,
  onDone: (done: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0,
    done = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < objects.length) {
      const o = objects[next++];
      if (signal?.aborted) return;
      try {
        o.metadata = await lister.head(o.key, signal);
      } catch (e) {
        if (e instanceof S3SyncError && e.kind === 'not-found') o.metadata = {};
        else {
          failure ??= e;
          return;
        }
      }
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, objects.length)) }, worker));
  if (failure !== undefined) throw failure;
}

// ------------------------------------------------------------------ checks before the network

/** A setting that stops the sync before anything reaches the network. */
export interface SettingProblem {
  kind: 'no-bucket' | 'invalid-bucket' | 'invalid-endpoint';
  /** Every knob the message names: the first is the one to fix. */
  knobs: S3Knob[];
  value?: string;
}

/** The bucket and endpoint checks of both surfaces. */
export function checkS3Settings(s: Pick<S3Settings, 'bucket' | 'endpoint'>): SettingProblem | undefined {
  const bucket = s.bucket?.trim() ?? '';
  if (!bucket) return { kind: 'no-bucket', knobs: ['bucket', 'prefix'] };
  if (/[/\s]/.test(bucket) || bucket.startsWith('s3:')) return { kind: 'invalid-bucket', knobs: ['bucket', 'prefix'], value: bucket };
  const endpoint = s.endpoint?.trim();
  if (endpoint && !isHttpUrl(endpoint)) return { kind: 'invalid-endpoint', knobs: ['endpoint'], value: endpoint };
  return undefined;
}

// ------------------------------------------------------------------ the flow

export type ListerFactory = (settings: S3Settings) => Promise<S3Lister>;

export interface SyncRequest {
  files: readonly SyncFile[];
  s3: S3Settings;
  preferAcceleratedUrls: boolean;
  /** A one-style sync: only this style's model files are looked at. */
  onlyStyle?: string;
}

export interface SyncFlowDeps {
  createLister: ListerFactory;
  now: () => Date;
  onProgress?: (p: SyncProgress) => void;
  /** Told once the lister is built: where S3 is, whose credentials, and why. */
  onResolved?: (config: ResolvedS3Config | undefined, pathStyle: boolean | undefined) => void;
  signal?: AbortSignal;
}

export type SyncRun = { ok: true; result: SyncWorkspaceResult; config?: ResolvedS3Config; now: Date } | { ok: false; failure: S3Failure };

/** A lister that keeps only the model files of one style (a one-style sync lists the same prefix, then looks at its own objects). */
function onlyStyleLister(lister: S3Lister, styleId: string): S3Lister {
  return {
    config: lister.config,
    forcePathStyle: lister.forcePathStyle,
    region: () => lister.region(),
    list: async (prefix, onPage, signal) => (await lister.list(prefix, onPage, signal)).filter((o) => styleOfKey(o.key) === styleId),
    head: (key, signal) => lister.head(key, signal),
    destroy: () => lister.destroy(),
  };
}

/** Builds the lister, lists and plans; always releases the lister. Writes nothing: the surface writes or previews `result.changes`. */
export async function syncFromS3(req: SyncRequest, deps: SyncFlowDeps): Promise<SyncRun> {
  const now = deps.now();
  let lister: S3Lister | undefined;
  try {
    lister = await deps.createLister({ ...req.s3, onRetry: (retry) => deps.onProgress?.({ phase: 'retry', retry }) });
    deps.onResolved?.(lister.config, lister.forcePathStyle);
    const result = await syncWorkspace(
      req.files,
      req.onlyStyle ? onlyStyleLister(lister, req.onlyStyle) : lister,
      { ...req.s3, preferAcceleratedUrls: req.preferAcceleratedUrls, now },
      deps.onProgress,
      deps.signal,
    );
    // Cancelled after the last request: still nothing is written.
    if (deps.signal?.aborted) return { ok: false, failure: cancelledError(req.s3, lister.config).failure };
    return { ok: true, result, config: lister.config, now };
  } catch (e) {
    // Anything else (a lister of a test, a bug) is still an S3 failure of kind `other`, with its text redacted.
    return { ok: false, failure: (e instanceof S3SyncError ? e : classifyS3Error(e, req.s3, lister?.config, 'list')).failure };
  } finally {
    lister?.destroy();
  }
}

// ------------------------------------------------------------------ plan rendering data

/** One matched entry, as both surfaces show it. */
export interface UpdateRow {
  label: string;
  /** The key below the listed prefix. */
  key: string;
  rule: SyncMatchRule;
  ruleTitle: string;
  /** The evidence, for the rules worth a line of their own. */
  because?: string;
  changes: FieldChange[];
  /** Only `lastSynced` moves (a re-sync). */
  refreshOnly: boolean;
}

export interface FileRows {
  path: string;
  styleId: string;
  updates: UpdateRow[];
  additions: { id: string; key: string; loraUrl: unknown; timestamp: unknown }[];
  notAdded: { key: string; reason: string }[];
}

/** The model files of one style that have no style folder: one row per style, a few examples. */
export interface UnplacedGroup {
  styleId: string;
  count: number;
  /** Up to `examples` keys below the prefix. */
  examples: string[];
  reason: string;
}

export interface PlanView {
  files: FileRows[];
  invalid: { path: string; reason: string }[];
  notStyleFolders: string[];
  unplaced: UnplacedGroup[];
  counts: SyncPlan['counts'];
  invalidCount: number;
}

/** Rules whose evidence is worth a line of its own. */
const EXPLAIN: ReadonlySet<SyncMatchRule> = new Set(['job-id', 'version-name', 'linked']);

/** What a plan shows, in the order both surfaces show it; keys relative to `prefix`; unplaced files grouped by style. */
export function planView(plan: SyncPlan, prefix: string, examples = 3): PlanView {
  const rel = (key: string) => (prefix && key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : key);
  const files: FileRows[] = [];
  for (const f of plan.files) {
    if (!f.updates.length && !f.additions.length && !f.notAdded.length) continue;
    files.push({
      path: f.path,
      styleId: f.styleId,
      updates: f.updates.map((u) => ({
        label: u.label,
        key: rel(u.key),
        rule: u.rule,
        ruleTitle: SYNC_RULE_TITLES[u.rule],
        because: EXPLAIN.has(u.rule) ? u.reason : undefined,
        changes: u.changes,
        refreshOnly: u.changes.every((c) => c.field === 'lastSynced'),
      })),
      additions: f.additions.map((a) => ({
        id: String(a.entry.id),
        key: rel(a.key),
        loraUrl: a.entry.loraUrl,
        timestamp: a.entry.timestamp,
      })),
      notAdded: f.notAdded.map((n) => ({ key: rel(n.key), reason: n.reason })),
    });
  }
  const groups = new Map<string, UnplacedGroup>();
  for (const u of plan.unplaced) {
    let g = groups.get(u.styleId);
    if (!g) groups.set(u.styleId, (g = { styleId: u.styleId, count: 0, examples: [], reason: u.reason }));
    g.count++;
    if (g.examples.length < examples) g.examples.push(rel(u.key));
  }
  const invalid = plan.skipped.filter((s) => s.kind === 'invalid').map((s) => ({ path: s.path, reason: s.reason }));
  return {
    files,
    invalid,
    notStyleFolders: plan.skipped.filter((s) => s.kind === 'no-style-id').map((s) => s.path),
    unplaced: [...groups.values()].sort((a, b) => Number(a.styleId) - Number(b.styleId) || a.styleId.localeCompare(b.styleId)),
    counts: plan.counts,
    invalidCount: invalid.length,
  };
}
