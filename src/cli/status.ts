/** `training-versions status --endpoint-id ID [--api-url URL] [--apply] [PATH...]` (SPEC.md §4, §7): the status flow, told on stdout. */
import { parseArgs } from 'node:util';
import type { FileStatusPlan } from '../core/runpodPlan';
import { redactSecret } from '../core/redact';
import { writeAtomic } from '../services/files';
import { RunpodClient, RunpodConfigError } from '../services/runpodClient';
import { type StatusCheckResult, runStatusCheck } from '../flows/status';
import {
  type SurfaceWords,
  describeHealth,
  describeJob,
  describeRequests,
  describeStatusNote,
  describeStop,
  describeSummary,
  outcomeLabel,
} from '../flows/statusText';
import { type CliIO, UsageError, loadFiles, parseNumber } from './common';

const CLI_WORDS: SurfaceWords = {
  setKey: 'export a valid key in RUNPOD_API_KEY',
  endpointSetting: '--endpoint-id',
  timeoutSetting: '--timeout-ms',
};

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
      'no-health': { type: 'boolean' },
      verbose: { type: 'boolean' },
      format: { type: 'string' },
    },
  });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format takes text or json, not "${format}".`);
  const endpointId = values['endpoint-id']?.trim();
  if (!endpointId) throw new UsageError('--endpoint-id is required: the id of the RunPod serverless endpoint the jobs ran on.');
  const timeoutMs = parseNumber(values['timeout-ms'], '--timeout-ms', 15_000);
  if (timeoutMs === 0) throw new UsageError('--timeout-ms must be more than 0.');
  const apiKey = io.env.RUNPOD_API_KEY?.trim();
  if (!apiKey) {
    throw new UsageError(
      'RUNPOD_API_KEY is not set. Export your RunPod API key first, e.g. `export ' +
        'RUNPOD_API_KEY=...` (RunPod console → Settings → API Keys); it is read from the ' +
        'environment only, never from arguments.',
    );
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
    if (!(e instanceof RunpodConfigError)) throw e;
    if (e.problem === 'api-url') throw new UsageError(`${e.message} Pass --api-url https://…`);
    throw new UsageError(`${e.message} Export the key alone in RUNPOD_API_KEY.`);
  }

  const files = await loadFiles(positionals, { preferAcceleratedUrls });
  const backup = !values['no-backup'];
  const result = await runStatusCheck<WriteResult[]>(
    [{ client, files: files.map((f) => ({ path: f.path, text: f.text, analysis: f.analysis })), preferAcceleratedUrls }],
    { only: values.id, now: Date.now, health: !values['no-health'], write: apply ? (changed) => writeAll(changed, backup) : undefined },
  );
  const writes = result.written ?? [];
  // Every line goes through the redaction, whatever produced it.
  io.out(redactSecret(format === 'json' ? formatJson(result, apply, writes) : formatText(result, apply, writes, files.length), apiKey));

  const failed =
    result.summary.errors > 0 || result.stopped !== undefined || writes.some((w) => w.error) || result.files.some((f) => f.unusable);
  return failed ? 1 : 0;
}

async function writeAll(changed: FileStatusPlan[], backup: boolean): Promise<WriteResult[]> {
  const writes: WriteResult[] = [];
  for (const f of changed) {
    try {
      const r = await writeAtomic(f.path, f.newText, { backup, expected: f.text });
      writes.push({ path: f.path, backup: r.backup });
    } catch (e) {
      writes.push({ path: f.path, error: (e as Error).message });
    }
  }
  return writes;
}

/** `--format json`: the plan and the outcome as one document (SPEC.md §7), each entry with its sentence. */
function formatJson(result: StatusCheckResult<WriteResult[]>, apply: boolean, writes: WriteResult[]): string {
  const written = new Map(writes.map((w) => [w.path, w]));
  const doc = {
    apply,
    health: result.health.map((h) => ({ ...h, message: describeHealth(h, CLI_WORDS) })),
    files: result.files.map((f) => ({
      path: f.path,
      changed: f.changed,
      unusable: f.unusable,
      written: apply && written.has(f.path) && !written.get(f.path)!.error,
      backup: written.get(f.path)?.backup,
      writeError: written.get(f.path)?.error,
      jobs: f.jobs.map((j) => ({
        id: j.id,
        baseId: j.baseId,
        label: j.label,
        outcome: j.outcome,
        askedAs: j.askedAs,
        runpodStatus: j.runpodStatus,
        from: j.from,
        to: j.to,
        fields: j.changes.map((c) => c.key),
        message: `${outcomeLabel(j)} — ${describeJob(j, CLI_WORDS)}`,
      })),
    })),
    summary: result.summary,
    notes: result.notes.map(describeStatusNote),
    requests: result.requests,
    stopped: result.stopped ? { reason: result.stopped.reason, message: describeStop(result.stopped, CLI_WORDS) } : undefined,
  };
  return JSON.stringify(doc, null, 2);
}

function formatText(result: StatusCheckResult<WriteResult[]>, apply: boolean, writes: WriteResult[], fileCount: number): string {
  const lines: string[] = [];
  const written = new Map(writes.map((w) => [w.path, w]));
  for (const h of result.health) lines.push(`RunPod ${describeHealth(h, CLI_WORDS)}`);
  for (const f of result.files) {
    if (f.unusable) {
      lines.push(`${f.path}: skipped, left untouched — ${f.unusable.code}: ${f.unusable.message}`);
      continue;
    }
    if (f.jobs.length === 0) continue;
    lines.push(`${f.path}:`);
    for (const j of f.jobs) lines.push(`  ${j.label}: ${outcomeLabel(j)} — ${describeJob(j, CLI_WORDS)}`);
    const w = written.get(f.path);
    if (w?.error) lines.push(`  NOT written: ${w.error}`);
    else if (w) lines.push(`  written${w.backup ? `; backup at ${w.backup}` : ''}`);
  }
  const s = result.summary;
  if (s.checked === 0 && s.skipped === 0 && result.notes.length === 0) {
    lines.push(`No pending, starting or training versions to check in ${fileCount} file${fileCount === 1 ? '' : 's'}.`);
  }
  for (const n of result.notes) lines.push(describeStatusNote(n));
  const pushback = describeRequests(result.requests);
  if (pushback) lines.push(pushback);
  if (result.stopped) lines.push(`Stopped early: ${describeStop(result.stopped, CLI_WORDS)}`);
  lines.push(`Summary: ${describeSummary(s)}.`);
  if (s.filesChanged > 0) {
    if (!apply)
      lines.push(
        `Nothing was written: run again with --apply to update ${s.filesChanged} file${s.filesChanged === 1 ? '' : 's'} (a .backup of each is kept).`,
      );
    else if (result.written === undefined) lines.push('Nothing was written: RunPod refused the API key.');
  }
  return lines.join('\n');
}
