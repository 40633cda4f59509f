/** `training-versions check [PATH...] [--format text|json|sarif]` */
import { parseArgs } from 'node:util';
import { isProblem } from '../core/catalogue';
import { type CliIO, parseFormat, parseNumber, visitFiles } from './common';
import { formatJson, formatSarif, formatText, toPositioned } from './report';

export async function runCheck(args: string[], io: CliIO, version: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      'stale-after-hours': { type: 'string' },
      'no-prefer-accelerated': { type: 'boolean' },
    },
  });
  const format = parseFormat(values.format, ['text', 'json', 'sarif'] as const, 'text');
  // Each file's findings are positioned as it is analysed; its text and analysis are not kept.
  const reports = await visitFiles(
    positionals,
    {
      staleAfterHours: parseNumber(values['stale-after-hours'], '--stale-after-hours', 24),
      preferAcceleratedUrls: !values['no-prefer-accelerated'],
    },
    (f) => toPositioned({ path: f.path, doc: f.analysis.doc, findings: f.analysis.findings }),
  );
  io.out(
    format === 'json' ? formatJson(reports) : format === 'sarif' ? formatSarif(reports, version, io.cwd) : formatText(reports, io.color),
  );
  const serious = reports.some((r) => r.findings.some(isProblem));
  return serious ? 1 : 0;
}
