/**
 * `training-versions sync --bucket B [--prefix P] [--region R] [--endpoint URL]
 * [--path-style] [--read-metadata] [--apply] [PATH...]` (SPEC.md §5, §7).
 * Prints the plan; writes only with --apply (backup, then atomic replace).
 */
import { parseArgs } from 'node:util';
import { type FieldChange, type FileSyncPlan, SYNC_RULE_TITLES, type SyncMatchRule, type SyncPlan } from '../core/s3Sync';
import { writeAtomic } from '../services/files';
import { createS3Lister, type S3Lister, type S3Settings, S3SyncError, type SyncProgress, syncWorkspace } from '../services/s3';
import { type CliIO, loadFiles, UsageError } from './common';

export const SYNC_USAGE =
  'training-versions sync --bucket B [--prefix P] [--region R] [--endpoint URL] [--path-style] [--profile NAME] [--read-metadata] [--apply] [--no-backup] [--no-prefer-accelerated] [PATH...]';

/** Seams for tests and embedders: another lister, a progress hook, a cancellation signal, a clock. */
export interface SyncDeps {
  createLister?: (settings: S3Settings) => Promise<S3Lister>;
  onProgress?: (p: SyncProgress) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export async function runSync(args: string[], io: CliIO, deps: SyncDeps = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      bucket: { type: 'string' },
      prefix: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      'path-style': { type: 'boolean' },
      profile: { type: 'string' },
      'read-metadata': { type: 'boolean' },
      apply: { type: 'boolean' },
      'no-backup': { type: 'boolean' },
      'no-prefer-accelerated': { type: 'boolean' },
    },
  });
  const bucket = values.bucket?.trim();
  if (!bucket) throw new UsageError('--bucket is required: the S3 bucket that holds the model files.');
  if (/[/\s]/.test(bucket) || bucket.startsWith('s3:')) throw new UsageError(`--bucket takes a bucket name, not "${bucket}"; put the key prefix in --prefix.`);
  const endpoint = values.endpoint?.trim() || undefined;
  if (endpoint !== undefined) {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(endpoint).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--endpoint must be an http(s) URL such as https://minio.example.com or http://127.0.0.1:9000, not "${endpoint}".`);
  }
  const settings: S3Settings = {
    bucket,
    prefix: values.prefix ?? '',
    region: values.region?.trim() || undefined,
    endpoint,
    forcePathStyle: !!values['path-style'],
    profile: values.profile?.trim() || undefined,
    readMetadata: !!values['read-metadata'],
    env: io.env,
  };
  const apply = !!values.apply;
  const preferAcceleratedUrls = !values['no-prefer-accelerated'];
  const files = await loadFiles(positionals, { preferAcceleratedUrls });

  const where = `s3://${bucket}/${settings.prefix}`;
  let lister: S3Lister | undefined;
  let result;
  try {
    lister = await (deps.createLister ?? createS3Lister)(settings);
    io.err(`Listing ${where}${endpoint ? ` on ${endpoint}` : ''}…`);
    result = await syncWorkspace(
      files.map((f) => ({ path: f.path, text: f.text, analysis: f.analysis })),
      lister,
      { ...settings, preferAcceleratedUrls, now: deps.now?.() },
      (p) => {
        if (p.phase === 'list' && p.pages > 1) io.err(`  page ${p.pages}: ${p.objects} objects so far`);
        if (p.phase === 'metadata' && (p.done === p.total || p.done % 500 === 0)) io.err(`  metadata: ${p.done}/${p.total}`);
        deps.onProgress?.(p);
      },
      deps.signal,
    );
  } catch (e) {
    if (e instanceof S3SyncError) {
      io.err(`training-versions sync: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    lister?.destroy();
  }

  const { plan } = result;
  const lines: string[] = [];
  lines.push(`Listed ${where}: ${plural(result.objects, 'object')} in ${plural(result.pages, 'page')}, ${plural(plan.counts.models, 'model file')}.`);
  const written = new Map<string, { backup?: string; error?: string }>();
  if (apply) {
    for (const f of plan.files) {
      if (!f.changed) continue;
      try {
        const { backup } = await writeAtomic(f.path, f.newText, { backup: !values['no-backup'], expected: files.find((x) => x.path === f.path)?.text });
        written.set(f.path, { backup });
      } catch (e) {
        written.set(f.path, { error: (e as Error).message });
      }
    }
  }
  lines.push(...formatPlan(plan, settings.prefix ?? '', apply ? written : undefined));
  io.out(lines.join('\n'));
  const failed = [...written.values()].some((w) => w.error !== undefined);
  const invalid = plan.skipped.some((s) => s.kind === 'invalid');
  return failed || invalid ? 1 : 0;
}

/** Rules whose evidence is worth a line of its own. */
const EXPLAIN: ReadonlySet<SyncMatchRule> = new Set(['job-id', 'version-name', 'linked']);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function show(x: unknown): string {
  return x === undefined ? '(none)' : JSON.stringify(x);
}

function formatChange(c: FieldChange): string {
  return `${c.field}: ${show(c.from)} → ${show(c.to)}`;
}

/** The plan, file by file, then a summary; with `written`, what was written. */
export function formatPlan(plan: SyncPlan, prefix: string, written?: Map<string, { backup?: string; error?: string }>): string[] {
  const lines: string[] = [];
  // Keys are shown below the listed prefix, which the first line names.
  const rel = (key: string) => (prefix && key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : key);
  const fileLines = (f: FileSyncPlan) => {
    lines.push('', `${f.path} (style ${f.styleId}):`);
    for (const u of f.updates) {
      const head = `  update ${u.label} ← ${rel(u.key)} (${SYNC_RULE_TITLES[u.rule]})`;
      // A re-sync only refreshes lastSynced: one line per entry keeps big plans readable.
      if (u.changes.length === 1 && u.changes[0].field === 'lastSynced' && !EXPLAIN.has(u.rule)) {
        lines.push(`${head}: lastSynced → ${show(u.changes[0].to)}`);
        continue;
      }
      lines.push(head);
      if (EXPLAIN.has(u.rule)) lines.push(`      because ${u.reason}`);
      for (const c of u.changes) lines.push(`      ${formatChange(c)}`);
    }
    for (const a of f.additions) {
      lines.push(`  add "${String(a.entry.id)}" ← ${rel(a.key)}`);
      lines.push(`      loraUrl: ${show(a.entry.loraUrl)}, timestamp: ${show(a.entry.timestamp)}`);
    }
    for (const n of f.notAdded) lines.push(`  not added: ${rel(n.key)} — ${n.reason}`);
    const w = written?.get(f.path);
    if (w?.error !== undefined) lines.push(`  NOT written: ${w.error}`);
    else if (w) lines.push(`  written${w.backup ? `; backup at ${w.backup}` : ''}`);
  };
  for (const f of plan.files) if (f.updates.length || f.additions.length || f.notAdded.length) fileLines(f);
  for (const s of plan.skipped.filter((x) => x.kind === 'invalid')) lines.push('', `${s.path}: skipped, left untouched — ${s.reason}`);
  const noStyle = plan.skipped.filter((x) => x.kind === 'no-style-id');
  if (noStyle.length) {
    lines.push('', 'Not a style folder (no leading style id), not synced:');
    for (const s of noStyle) lines.push(`  ${s.path}`);
  }
  if (plan.unplaced.length) {
    lines.push('', 'Model files with no style folder here (not written anywhere):');
    for (const u of plan.unplaced) lines.push(`  ${rel(u.key)} — ${u.reason}`);
  }
  const c = plan.counts;
  const invalid = plan.skipped.filter((x) => x.kind === 'invalid').length;
  lines.push(
    '',
    `Summary: ${plural(c.models, 'model file')}: ${c.matched} matched an entry, ${c.added} new entr${c.added === 1 ? 'y' : 'ies'}, ${c.unplaced} without a style folder${c.notAdded ? `, ${c.notAdded} not added (would duplicate)` : ''}; ${plural(c.ignored, 'other object')} ignored. ${plural(c.changedFiles, 'file')} ${written ? 'changed' : 'would change'}${invalid ? `, ${plural(invalid, 'file')} skipped (does not parse)` : ''}.`,
  );
  if (!written) {
    lines.push(c.changedFiles ? 'Nothing was written: run again with --apply to write (a .backup of each file is kept unless --no-backup).' : 'Nothing to write.');
  } else {
    const ok = [...written.values()].filter((w) => w.error === undefined).length;
    const bad = written.size - ok;
    lines.push(`Wrote ${plural(ok, 'file')}${bad ? `; ${bad} could not be written` : ''}.`);
  }
  return lines;
}
