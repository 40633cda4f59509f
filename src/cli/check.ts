/** `training-versions check [PATH...] [--format text|json|sarif]` */
import { parseArgs } from 'node:util';
import { isProblem } from '../core/catalogue';
import { type CliIO, loadFiles, parseFormat, parseNumber } from './common';
import { type FileReport, formatJson, formatSarif, formatText } from './report';

export const CHECK_USAGE = 'training-versions check [PATH...] [--format text|json|sarif] [--stale-after-hours N] [--no-prefer-accelerated]';

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
  const files = await loadFiles(positionals, {
    staleAfterHours: parseNumber(values['stale-after-hours'], '--stale-after-hours', 24),
    preferAcceleratedUrls: !values['no-prefer-accelerated'],
  });
  const reports: FileReport[] = files.map((f) => ({ path: f.path, text: f.text, bom: f.analysis.doc.bom, findings: f.analysis.findings }));
  io.out(format === 'json' ? formatJson(reports) : format === 'sarif' ? formatSarif(reports, version) : formatText(reports, io.color));
  const serious = reports.some((r) => r.findings.some(isProblem));
  return serious ? 1 : 0;
}
