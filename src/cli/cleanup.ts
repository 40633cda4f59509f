/** `training-versions cleanup [PATH...] [--apply] [--no-backup] [--format text|json]` */
import { parseArgs } from 'node:util';
import type { CleanupPlan } from '../core/cleanup';
import {
  type CleanupDecision,
  type CleanupFileResult,
  type CleanupWriteReport,
  type PlannedCleanup,
  runCleanupFlow,
} from '../flows/cleanup';
import { ConcurrentChangeError, writeAtomic } from '../services/files';
import { type CliIO, type LoadedFile, loadFiles, parseFormat } from './common';

interface FileResult {
  path: string;
  status: 'clean' | 'planned' | 'written' | 'skipped' | 'failed';
  reason?: string;
  backup?: string;
  plan?: CleanupPlan;
}

export async function runCleanup(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      apply: { type: 'boolean' },
      'no-backup': { type: 'boolean' },
      format: { type: 'string' },
      'no-prefer-accelerated': { type: 'boolean' },
    },
  });
  const format = parseFormat(values.format, ['text', 'json'] as const, 'text');
  const apply = !!values.apply;
  const { files: outcomes } = await runCleanupFlow<LoadedFile, CleanupDecision>({
    // Found and read at once by the CLI's loader (a few at a time): the flow reads what it loaded.
    files: () => loadFiles(positionals, { preferAcceleratedUrls: !values['no-prefer-accelerated'] }),
    read: (f) => f,
    decide: async () => ({ apply }),
    write: (planned) => writeFiles(planned, !values['no-backup']),
  });
  const results = outcomes.map(fileResult);

  if (format === 'json') io.out(JSON.stringify({ apply, files: results.map(toJson) }, null, 2));
  else io.out(formatText(results, apply));
  return results.some((r) => r.status === 'skipped' || r.status === 'failed') ? 1 : 0;
}

/** Each planned file written atomically, after its backup; a refusal is reported, never thrown. */
async function writeFiles(planned: readonly PlannedCleanup<LoadedFile>[], backup: boolean): Promise<CleanupWriteReport<LoadedFile>[]> {
  const reports: CleanupWriteReport<LoadedFile>[] = [];
  for (const p of planned) {
    try {
      const written = await writeAtomic(p.file.path, p.plan.newText, { backup, expected: p.text, expectedBytes: p.file.bytes });
      reports.push({ kind: 'written', file: p.file, ...(written.backup ? { backup: written.backup } : {}) });
    } catch (e) {
      const detail = (e as Error).message;
      reports.push(
        e instanceof ConcurrentChangeError ? { kind: 'conflict', file: p.file, detail } : { kind: 'failed', file: p.file, detail },
      );
    }
  }
  return reports;
}

/** The flow's result in the CLI's terms: a file changed while planned is one that failed to write. */
function fileResult(r: CleanupFileResult<LoadedFile>): FileResult {
  const path = r.file.path;
  switch (r.kind) {
    case 'skipped':
      return { path, status: 'skipped', reason: r.refusal ? `${r.refusal.code}: ${r.refusal.message}` : 'not usable' };
    case 'clean':
      return { path, status: 'clean' };
    case 'planned':
      return { path, status: 'planned', plan: r.plan };
    case 'written':
      return { path, status: 'written', plan: r.plan, backup: r.backup };
    case 'conflict':
      return { path, status: 'failed', reason: r.detail ?? 'it changed while the clean-up was planned', plan: r.plan };
    case 'failed':
      return { path, status: 'failed', reason: r.detail, plan: r.plan };
  }
}

function toJson(r: FileResult) {
  return {
    path: r.path,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.backup ? { backup: r.backup } : {}),
    merges: r.plan?.merges ?? [],
    urlUpgrades: r.plan?.urlUpgrades ?? [],
  };
}

function formatText(results: FileResult[], apply: boolean): string {
  const lines: string[] = [];
  // The summary counts what was written (with --apply) or would be (without): never a file that failed.
  let merged = 0,
    removed = 0,
    urls = 0,
    changedFiles = 0,
    failed = 0;
  for (const r of results) {
    if (r.status === 'clean') continue;
    if (r.status === 'skipped') {
      lines.push(`${r.path}: skipped, left untouched — ${r.reason}`);
      continue;
    }
    const plan = r.plan!;
    const counted = r.status !== 'failed';
    if (counted) changedFiles++;
    else failed++;
    lines.push(`${r.path}:`);
    for (const m of plan.merges) {
      if (counted) {
        merged++;
        removed += m.removed.length;
      }
      const what = [m.fields.length ? `takes ${m.fields.join(', ')}` : '', m.dropped.length ? `drops its own ${m.dropped.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      lines.push(`  keep ${m.kept.label}${what ? ` (${what})` : ''}`);
      for (const x of m.removed) lines.push(`    remove ${x.label} — ${x.rule}: ${x.reason}`);
    }
    for (const u of plan.urlUpgrades) {
      if (counted) urls++;
      lines.push(`  upgrade loraUrl of ${u.label} to ${u.to}`);
    }
    if (r.status === 'written') lines.push(`  written${r.backup ? `; backup at ${r.backup}` : ''}`);
    if (r.status === 'failed') lines.push(`  NOT written: ${r.reason}`);
  }
  if (changedFiles === 0 && failed === 0 && !results.some((r) => r.status === 'skipped')) {
    lines.push(`Nothing to clean up in ${results.length} file${results.length === 1 ? '' : 's'}.`);
  } else {
    const what =
      `${merged} duplicate group${merged === 1 ? '' : 's'} (${removed} ` +
      `entr${removed === 1 ? 'y' : 'ies'} removed), ${urls} URL upgrade${urls === 1 ? '' : 's'} ` +
      `in ${changedFiles} file${changedFiles === 1 ? '' : 's'}`;
    const notWritten =
      failed > 0
        ? ` ${failed} file${failed === 1 ? '' : 's'} could not be written (see above) and ${failed === 1 ? 'is' : 'are'} unchanged.`
        : '';
    lines.push(
      apply
        ? `Applied: ${what}.${notWritten}`
        : `Would merge ${what}. Nothing was written: run again with --apply to write (a .backup of each file is kept).`,
    );
  }
  return lines.join('\n');
}
