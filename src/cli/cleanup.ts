/** `training-versions cleanup [PATH...] [--apply] [--no-backup] [--format text|json]` */
import { parseArgs } from 'node:util';
import { planCleanup, type CleanupPlan } from '../core/cleanup';
import { writeAtomic } from '../services/files';
import { type CliIO, loadFiles, parseFormat } from './common';

export const CLEANUP_USAGE = 'training-versions cleanup [PATH...] [--apply] [--no-backup] [--format text|json] [--no-prefer-accelerated]';

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
  const files = await loadFiles(positionals, { preferAcceleratedUrls: !values['no-prefer-accelerated'] });
  const results: FileResult[] = [];
  for (const f of files) {
    if (!f.analysis.writable) {
      const first = f.analysis.findings.find((x) => x.severity === 'error');
      results.push({ path: f.path, status: 'skipped', reason: first ? `${first.code}: ${first.message}` : 'not usable' });
      continue;
    }
    const plan = planCleanup(f.analysis);
    if (!plan.changed) {
      results.push({ path: f.path, status: 'clean' });
      continue;
    }
    if (!apply) {
      results.push({ path: f.path, status: 'planned', plan });
      continue;
    }
    try {
      const { backup } = await writeAtomic(f.path, plan.newText, { backup: !values['no-backup'], expected: f.text });
      results.push({ path: f.path, status: 'written', plan, backup });
    } catch (e) {
      results.push({ path: f.path, status: 'failed', reason: (e as Error).message, plan });
    }
  }

  if (format === 'json') io.out(JSON.stringify({ apply, files: results.map(toJson) }, null, 2));
  else io.out(formatText(results, apply));
  return results.some((r) => r.status === 'skipped' || r.status === 'failed') ? 1 : 0;
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
    const what = `${merged} duplicate group${merged === 1 ? '' : 's'} (${removed} entr${removed === 1 ? 'y' : 'ies'} removed), ${urls} URL upgrade${urls === 1 ? '' : 's'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}`;
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
