/**
 * `training-versions webhook [--payload FILE | -] [--apply] [--no-backup] [--format text|json] [PATH...]`
 * (SPEC.md §4, §7): one RunPod webhook / status body applied to the entry it matches.
 */
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { type WebhookFlowResult, runWebhookFlow } from '../flows/webhook';
import { PathError, writeAtomic } from '../services/files';
import { type CliIO, UsageError, parseFormat } from './common';

/** Standard input as text, or undefined when it is a terminal (nothing piped). */
export type StdinReader = () => Promise<string | undefined>;

async function readProcessStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function readPayload(source: string, readStdin: StdinReader): Promise<string> {
  if (source === '-') {
    const text = await readStdin();
    if (text === undefined) throw new UsageError('no payload: pipe the JSON body RunPod sent into standard input, or pass --payload FILE.');
    if (text.trim() === '') throw new UsageError('standard input was empty: pipe the JSON body RunPod sent, or pass --payload FILE.');
    return text;
  }
  let text: string;
  try {
    text = await fs.readFile(source, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PathError(
      `Cannot read the payload file ${source}: ` +
        `${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}. Pass the file holding the JSON body RunPod sent.`,
    );
  }
  if (text.trim() === '') throw new UsageError(`the payload file ${source} is empty: it must hold the JSON body RunPod sent.`);
  return text;
}

export async function runWebhook(args: string[], io: CliIO, readStdin: StdinReader = readProcessStdin): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      payload: { type: 'string' },
      apply: { type: 'boolean' },
      'no-backup': { type: 'boolean' },
      format: { type: 'string' },
      'no-prefer-accelerated': { type: 'boolean' },
    },
  });
  const format = parseFormat(values.format, ['text', 'json'] as const, 'text');
  if (values.payload !== undefined && values.payload.trim() === '')
    throw new UsageError('--payload needs a file name, or - for standard input.');
  // `[--payload FILE | -]` (SPEC.md §7): a bare `-` is standard input too, never a path.
  const dashes = positionals.filter((p) => p === '-').length;
  if (dashes > 1 || (dashes === 1 && values.payload !== undefined && values.payload !== '-')) {
    throw new UsageError('give the payload once: --payload FILE, or - (standard input).');
  }
  const paths = positionals.filter((p) => p !== '-');
  const payload = await readPayload(values.payload ?? '-', readStdin);
  const result = await runWebhookFlow(
    {
      paths,
      payload,
      apply: !!values.apply,
      backup: !values['no-backup'],
      preferAcceleratedUrls: !values['no-prefer-accelerated'],
      now: Date.now(),
    },
    { write: writeAtomic },
  );
  io.out(format === 'json' ? JSON.stringify(toJson(result), null, 2) : formatText(result, !values['no-backup']));
  const ok = result.outcome === 'written' || result.outcome === 'planned' || result.outcome === 'unchanged';
  return ok && !result.files.some((f) => f.status === 'skipped') ? 0 : 1;
}

function toJson(r: WebhookFlowResult) {
  return {
    apply: r.apply,
    outcome: r.outcome,
    payload: r.payload ?? null,
    ...(r.detail !== undefined ? { reason: r.detail } : {}),
    match: r.match ?? null,
    ...(r.backup ? { backup: r.backup } : {}),
    files: r.files,
  };
}

function formatText(r: WebhookFlowResult, backup: boolean): string {
  const lines: string[] = [];
  for (const f of r.files) if (f.status === 'skipped') lines.push(`${f.path}: skipped, left untouched — ${f.reason}`);
  switch (r.outcome) {
    case 'invalid-payload':
      lines.push(
        `Not a RunPod webhook payload: ${r.detail}. Pass the JSON body RunPod sent ({ "id", "status", "output", … }); nothing changed.`,
      );
      break;
    case 'no-match': {
      const n = r.files.length;
      lines.push(
        `No version matches job ${r.payload!.id} (neither its id nor its base id ` +
          `${r.payload!.baseId}) in ${n} training_versions.json file${n === 1 ? '' : 's'}; nothing ` +
          `changed. Pass the files or folders of the style the job belongs to.`,
      );
      break;
    }
    case 'invalid-file':
      lines.push(`${r.match?.path ?? 'The matching file'}: ${r.detail}`);
      break;
    default: {
      const m = r.match!;
      lines.push(`${m.path}: ${m.message}`);
      if (r.outcome === 'planned')
        lines.push(`Nothing was written: run again with --apply to write the update${backup ? ' (a .backup of the file is kept)' : ''}.`);
      if (r.outcome === 'written') lines.push(`  written${r.backup ? `; backup at ${r.backup}` : ''}`);
      if (r.outcome === 'failed') lines.push(`  NOT written: ${r.detail}`);
    }
  }
  return lines.join('\n');
}
