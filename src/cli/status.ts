/** `training-versions status --endpoint-id ID [--api-url URL] [--apply] [PATH...]` (SPEC.md §4, §7) */
import { parseArgs } from 'node:util';
import { type JobReport, describeSummary, redactSecret } from '../core/runpod';
import { writeAtomic } from '../services/files';
import { RunpodClient, RunpodConfigError, type StatusCheckResult, checkStatuses } from '../services/runpod';
import { type CliIO, UsageError, loadFiles, parseNumber } from './common';

export const STATUS_USAGE =
  'training-versions status --endpoint-id ID [--api-url URL] [--id VERSION_ID] [--apply] [--no-backup] [--timeout-ms N] [--no-prefer-accelerated] [--verbose] [PATH...]  (API key: environment RUNPOD_API_KEY)';

interface WriteResult {
  path: string;
  backup?: string;
  error?: string;
}

export async function runStatus(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'endpoint-id': { type: 'string' },
      'api-url': { type: 'string' },
      id: { type: 'string' },
      apply: { type: 'boolean' },
      'no-backup': { type: 'boolean' },
      'timeout-ms': { type: 'string' },
      'no-prefer-accelerated': { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
  });
  const endpointId = values['endpoint-id']?.trim();
  if (!endpointId) throw new UsageError('--endpoint-id is required: the id of the RunPod serverless endpoint the jobs ran on.');
  const timeoutMs = parseNumber(values['timeout-ms'], '--timeout-ms', 15_000);
  if (timeoutMs === 0) throw new UsageError('--timeout-ms must be more than 0.');
  const apiKey = io.env.RUNPOD_API_KEY?.trim();
  if (!apiKey) {
    throw new UsageError('RUNPOD_API_KEY is not set. Export your RunPod API key first, e.g. `export RUNPOD_API_KEY=...` (RunPod console → Settings → API Keys); it is read from the environment only, never from arguments.');
  }
  const apply = !!values.apply;
  const preferAcceleratedUrls = !values['no-prefer-accelerated'];
  let client: RunpodClient;
  try {
    client = new RunpodClient({
      apiUrl: values['api-url'],
      endpointId,
      apiKey,
      timeoutMs,
      log: values.verbose ? (line) => io.err(line) : undefined,
    });
  } catch (e) {
    if (e instanceof RunpodConfigError) throw new UsageError(e.message);
    throw e;
  }

  const files = await loadFiles(positionals, { preferAcceleratedUrls });
  const result = await checkStatuses(
    files.map((f) => ({ path: f.path, text: f.text, analysis: f.analysis })),
    client,
    { only: values.id, preferAcceleratedUrls },
  );

  const writes: WriteResult[] = [];
  // A refused key changes nothing, not even what an earlier answer of the same run said.
  const mayWrite = apply && result.stopped?.reason !== 'unauthorized';
  if (mayWrite) {
    for (const f of result.files) {
      if (!f.changed) continue;
      try {
        const { backup } = await writeAtomic(f.path, f.newText, { backup: !values['no-backup'], expected: f.text });
        writes.push({ path: f.path, backup });
      } catch (e) {
        writes.push({ path: f.path, error: (e as Error).message });
      }
    }
  }
  // Every line goes through the redaction, whatever produced it.
  io.out(redactSecret(formatText(result, apply, mayWrite, writes, files.length), apiKey));

  const failed = result.summary.errors > 0 || result.stopped !== undefined || writes.some((w) => w.error) || result.files.some((f) => f.unusable);
  return failed ? 1 : 0;
}

function outcomeLabel(j: JobReport): string {
  if (j.outcome === 'updated') return j.running ? 'updated, still running' : 'updated';
  if (j.outcome === 'unchanged') return j.running ? 'still running' : 'unchanged';
  return j.outcome;
}

function formatText(result: StatusCheckResult, apply: boolean, wrote: boolean, writes: WriteResult[], fileCount: number): string {
  const lines: string[] = [];
  const written = new Map(writes.map((w) => [w.path, w]));
  for (const f of result.files) {
    if (f.unusable) {
      lines.push(`${f.path}: skipped, left untouched — ${f.unusable}`);
      continue;
    }
    if (f.jobs.length === 0) continue;
    lines.push(`${f.path}:`);
    for (const j of f.jobs) lines.push(`  ${j.label}: ${outcomeLabel(j)} — ${j.message}`);
    const w = written.get(f.path);
    if (w?.error) lines.push(`  NOT written: ${w.error}`);
    else if (w) lines.push(`  written${w.backup ? `; backup at ${w.backup}` : ''}`);
  }
  const s = result.summary;
  if (s.checked === 0 && s.skipped === 0 && result.notes.length === 0) {
    lines.push(`No pending, starting or training versions to check in ${fileCount} file${fileCount === 1 ? '' : 's'}.`);
  }
  for (const n of result.notes) lines.push(n);
  if (result.stopped) lines.push(`Stopped early: ${result.stopped.message}`);
  lines.push(`Summary: ${describeSummary(s)}.`);
  if (s.filesChanged > 0) {
    if (!apply) lines.push(`Nothing was written: run again with --apply to update ${s.filesChanged} file${s.filesChanged === 1 ? '' : 's'} (a .backup of each is kept).`);
    else if (!wrote) lines.push('Nothing was written: RunPod refused the API key.');
  }
  return lines.join('\n');
}
