/**
 * `training-versions sync --bucket B [--prefix P] [--region R] [--endpoint URL]
 * [--path-style] [--read-metadata] [--apply] [--format text|json] [PATH...]` (SPEC.md §5, §7).
 * Prints the plan (with --format json, the plan and outcome as one JSON document);
 * writes only with --apply (backup, then atomic replace).
 */
import { parseArgs } from 'node:util';
import { type FieldChange, type SyncPlan } from '../core/s3Sync';
import type { S3Failure } from '../services/s3';
import { checkS3Settings, type ListerFactory, planView, syncFromS3, type SyncProgress } from '../flows/sync';
import {
  CLI_WORDING,
  describeEndpoint,
  describeNotice,
  describeRetry,
  describeS3Failure,
  describeSettingProblem,
} from '../flows/syncMessages';
import { writeAtomic } from '../services/files';
import { createS3Lister, type S3Settings } from '../services/s3';
import { type CliIO, loadFiles, parseFormat, parseNumber, UsageError } from './common';

/** Seams for tests and embedders: another lister, a progress hook, a cancellation signal, a clock. */
export interface SyncDeps {
  createLister?: ListerFactory;
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
      'timeout-ms': { type: 'string' },
      apply: { type: 'boolean' },
      'no-backup': { type: 'boolean' },
      'no-prefer-accelerated': { type: 'boolean' },
      format: { type: 'string' },
    },
  });
  const format = parseFormat(values.format, ['text', 'json'] as const, 'text');
  const bucket = values.bucket?.trim() ?? '';
  if (!bucket) throw new UsageError('--bucket is required: the S3 bucket that holds the model files.');
  const endpoint = values.endpoint?.trim() || undefined;
  const problem = checkS3Settings({ bucket, endpoint });
  if (problem) throw new UsageError(describeSettingProblem(problem, CLI_WORDING));
  const timeoutMs = parseNumber(values['timeout-ms'], '--timeout-ms', 30_000);
  if (timeoutMs === 0) throw new UsageError('--timeout-ms must be more than 0.');
  const settings: S3Settings = {
    bucket,
    prefix: values.prefix ?? '',
    region: values.region?.trim() || undefined,
    endpoint,
    forcePathStyle: !!values['path-style'],
    profile: values.profile?.trim() || undefined,
    readMetadata: !!values['read-metadata'],
    timeoutMs,
    env: io.env,
  };
  const apply = !!values.apply;
  const preferAcceleratedUrls = !values['no-prefer-accelerated'];
  const files = await loadFiles(positionals, { preferAcceleratedUrls });

  const where = `s3://${bucket}/${settings.prefix}`;
  const run = await syncFromS3(
    { files: files.map((f) => ({ path: f.path, text: f.text, analysis: f.analysis })), s3: settings, preferAcceleratedUrls },
    {
      createLister: deps.createLister ?? createS3Lister,
      now: deps.now ?? (() => new Date()),
      signal: deps.signal,
      onResolved: (config, pathStyle) => {
        io.err(`Listing ${where}${config ? ` ${describeEndpoint(config, CLI_WORDING, pathStyle)}` : endpoint ? ` on ${endpoint}` : ''}…`);
        for (const n of config?.notices ?? []) io.err(`Note: ${describeNotice(n, CLI_WORDING)}`);
      },
      onProgress: (p) => {
        // From the first page on: a long listing is never silent.
        if (p.phase === 'list') io.err(`  page ${p.pages}: ${p.objects} objects so far`);
        if (p.phase === 'metadata' && (p.done === p.total || p.done % 500 === 0)) io.err(`  metadata: ${p.done}/${p.total}`);
        if (p.phase === 'retry') io.err(`  ${describeRetry(p.retry)}`);
        deps.onProgress?.(p);
      },
    },
  );
  if (!run.ok) {
    const message = describeS3Failure(run.failure, CLI_WORDING);
    io.err(`training-versions sync: ${message}`);
    if (format === 'json') io.out(JSON.stringify(failureJson(apply, bucket, settings.prefix ?? '', run.failure, message), null, 2));
    return 1;
  }
  const result = run.result;

  const { plan } = result;
  const lines: string[] = [];
  lines.push(
    `Listed ${where}: ${plural(result.objects, 'object')} in ${plural(result.pages, 'page')}, ${plural(plan.counts.models, 'model file')}.`,
  );
  const written = new Map<string, { backup?: string; error?: string }>();
  if (apply) {
    for (const f of plan.files) {
      if (!f.changed) continue;
      try {
        const { backup } = await writeAtomic(f.path, f.newText, {
          backup: !values['no-backup'],
          expected: files.find((x) => x.path === f.path)?.text,
        });
        written.set(f.path, { backup });
      } catch (e) {
        written.set(f.path, { error: (e as Error).message });
      }
    }
  }
  if (format === 'json') {
    io.out(
      JSON.stringify(
        planJson(
          plan,
          {
            apply,
            bucket,
            prefix: settings.prefix ?? '',
            objects: result.objects,
            pages: result.pages,
            endpoint: run.config?.endpoint.url ?? endpoint ?? null,
            endpointSource: run.config?.endpoint.source ?? null,
            region: result.region,
          },
          written,
        ),
        null,
        2,
      ),
    );
  } else {
    lines.push(...formatPlan(plan, settings.prefix ?? '', apply ? written : undefined));
    io.out(lines.join('\n'));
  }
  const failed = [...written.values()].some((w) => w.error !== undefined);
  const invalid = plan.skipped.some((s) => s.kind === 'invalid');
  return failed || invalid ? 1 : 0;
}

/** `--format json` of a listing that failed: nothing was written. */
function failureJson(apply: boolean, bucket: string, prefix: string, f: S3Failure, message: string) {
  return {
    apply,
    outcome: 'failed',
    bucket,
    prefix,
    error: {
      kind: f.kind,
      message,
      host: f.host,
      endpoint: f.endpoint ?? null,
      op: f.op,
      key: f.key ?? null,
      code: f.code ?? null,
      status: f.status ?? null,
    },
    files: [],
    written: 0,
  };
}

/**
 * `--format json`: the plan and its outcome as one JSON document. Each file's `status` is
 * `planned` (dry run), `written`, `failed` (with `error`) or `unchanged`; `written` counts
 * only the files written.
 */
export function planJson(
  plan: SyncPlan,
  run: {
    apply: boolean;
    bucket: string;
    prefix: string;
    objects: number;
    pages: number;
    endpoint: string | null;
    endpointSource: string | null;
    region: string;
  },
  written: Map<string, { backup?: string; error?: string }>,
) {
  const view = planView(plan, run.prefix);
  const rows = new Map(view.files.map((f) => [f.path, f]));
  const files = plan.files.map((f) => {
    const w = written.get(f.path);
    const row = rows.get(f.path);
    const status = !f.changed ? 'unchanged' : !run.apply ? 'planned' : w?.error !== undefined ? 'failed' : 'written';
    return {
      path: f.path,
      styleId: f.styleId,
      status,
      ...(w?.backup ? { backup: w.backup } : {}),
      ...(w?.error !== undefined ? { error: w.error } : {}),
      updates: (row?.updates ?? []).map((u) => ({
        label: u.label,
        key: u.key,
        rule: u.rule,
        ruleTitle: u.ruleTitle,
        ...(u.because !== undefined ? { because: u.because } : {}),
        changes: u.changes.map((c) => ({ field: c.field, from: c.from ?? null, to: c.to })),
      })),
      additions: f.additions.map((a) => ({ key: a.key, entry: a.entry })),
      notAdded: row?.notAdded ?? [],
    };
  });
  return {
    apply: run.apply,
    outcome: run.apply ? 'applied' : 'planned',
    bucket: run.bucket,
    prefix: run.prefix,
    endpoint: run.endpoint,
    endpointSource: run.endpointSource,
    region: run.region,
    listed: { objects: run.objects, pages: run.pages, models: plan.counts.models, ignored: plan.counts.ignored },
    files,
    skipped: plan.skipped.map((s) => ({ path: s.path, kind: s.kind, reason: s.reason })),
    unplaced: view.unplaced,
    counts: plan.counts,
    written: [...written.values()].filter((w) => w.error === undefined).length,
  };
}

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
  const view = planView(plan, prefix);
  const lines: string[] = [];
  for (const f of view.files) {
    lines.push('', `${f.path} (style ${f.styleId}):`);
    for (const u of f.updates) {
      const head = `  update ${u.label} ← ${u.key} (${u.ruleTitle})`;
      // A re-sync only refreshes lastSynced: one line per entry keeps big plans readable.
      if (u.refreshOnly && u.changes.length === 1 && u.because === undefined) {
        lines.push(`${head}: lastSynced → ${show(u.changes[0].to)}`);
        continue;
      }
      lines.push(head);
      if (u.because !== undefined) lines.push(`      because ${u.because}`);
      for (const c of u.changes) lines.push(`      ${formatChange(c)}`);
    }
    for (const a of f.additions) {
      lines.push(`  add "${a.id}" ← ${a.key}`);
      lines.push(`      loraUrl: ${show(a.loraUrl)}, timestamp: ${show(a.timestamp)}`);
    }
    for (const n of f.notAdded) lines.push(`  not added: ${n.key} — ${n.reason}`);
    const w = written?.get(f.path);
    if (w?.error !== undefined) lines.push(`  NOT written: ${w.error}`);
    else if (w) lines.push(`  written${w.backup ? `; backup at ${w.backup}` : ''}`);
  }
  for (const s of view.invalid) lines.push('', `${s.path}: skipped, left untouched — ${s.reason}`);
  if (view.notStyleFolders.length) {
    lines.push('', 'Not a style folder (no leading style id), not synced:');
    for (const s of view.notStyleFolders) lines.push(`  ${s}`);
  }
  if (view.unplaced.length) {
    lines.push('', 'Model files with no style folder here (not written anywhere):');
    // One line per style, however many files it has.
    for (const g of view.unplaced) {
      lines.push(
        g.count === 1
          ? `  ${g.examples[0]} — ${g.reason}`
          : `  style ${g.styleId}: ${g.count} files (${g.examples.join(', ')}${g.count > g.examples.length ? ', …' : ''}) — ${g.reason}`,
      );
    }
  }
  const c = view.counts;
  const invalid = view.invalidCount;
  // §7: the summary counts only what was written.
  const changedFiles = written ? [...written.values()].filter((w) => w.error === undefined).length : c.changedFiles;
  lines.push(
    '',
    `Summary: ${plural(c.models, 'model file')}: ${c.matched} matched an entry, ${c.added} new ` +
      `entr${c.added === 1 ? 'y' : 'ies'}, ${c.unplaced} without a style ` +
      `folder${c.notAdded ? `, ${c.notAdded} not added (would duplicate)` : ''}; ` +
      `${plural(c.ignored, 'other object')} ignored. ${plural(changedFiles, 'file')} ` +
      `${written ? 'changed' : 'would change'}${invalid ? `, ${plural(invalid, 'file')} skipped (does not parse)` : ''}.`,
  );
  if (!written) {
    lines.push(
      c.changedFiles
        ? 'Nothing was written: run again with --apply to write (a .backup of each file is kept unless --no-backup).'
        : 'Nothing to write.',
    );
  } else {
    const ok = [...written.values()].filter((w) => w.error === undefined).length;
    const bad = written.size - ok;
    lines.push(`Wrote ${plural(ok, 'file')}${bad ? `; ${bad} could not be written` : ''}.`);
  }
  return lines;
}
