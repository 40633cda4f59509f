/** Output formats of `training-versions check`: text, json (SPEC.md §7) and SARIF 2.1.0. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { documentPositions, type ParsedDocument } from '../core/document';
import type { Finding, FindingCode, Severity } from '../core/findings';
import { FINDING_DOCS } from '../core/catalogue';

export interface FileReport {
  /** The path as found (relative to the working folder when given so). */
  path: string;
  /** The parsed file the findings point into (its text, its BOM, where its elements are). */
  doc: ParsedDocument;
  findings: Finding[];
}

export interface PositionedFinding {
  code: FindingCode;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  versionId: string | null;
  related: { message: string; line: number; column: number; endLine: number; endColumn: number }[];
}

/** A file's findings with their positions already worked out (the text is no longer needed). */
export interface PositionedReport {
  path: string;
  findings: PositionedFinding[];
}

/** 1-based positions; the BOM is not counted (editors hide it). One pass over the text for all findings. */
export function positionFindings(report: FileReport): PositionedFinding[] {
  const offsets: number[] = [];
  for (const f of report.findings) {
    offsets.push(f.offset, f.offset + f.length);
    for (const r of f.related) offsets.push(r.offset, r.offset + r.length);
  }
  const ps = documentPositions(report.doc, offsets);
  const bom = report.doc.bom;
  let k = 0;
  const next = () => {
    const offset = offsets[k];
    const p = ps[k++];
    const shift = bom && p.line === 0 && offset > 0 ? 1 : 0;
    return { line: p.line + 1, column: p.character - shift + 1 };
  };
  const range = () => {
    const s = next();
    const e = next();
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
  return report.findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    message: f.message,
    ...range(),
    versionId: f.versionId,
    related: f.related.map((r) => ({ message: r.message, ...range() })),
  }));
}

/** The positioned findings of a report, positioning them when it still holds its document. */
function positioned(r: FileReport | PositionedReport): PositionedFinding[] {
  return 'doc' in r ? positionFindings(r) : r.findings;
}

/** Drops a report's document once its findings are positioned (what a workspace-wide check keeps per file). */
export function toPositioned(report: FileReport): PositionedReport {
  return { path: report.path, findings: positionFindings(report) };
}

/** A finding as `check --format json` prints it and the library returns it (SPEC.md §7, §8). */
export function jsonFinding(f: PositionedFinding) {
  return {
    code: f.code,
    severity: f.severity,
    message: f.message,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    versionId: f.versionId,
  };
}

export function formatJson(reports: (FileReport | PositionedReport)[]): string {
  return JSON.stringify(
    {
      files: reports.map((r) => ({
        path: r.path,
        findings: positioned(r).map(jsonFinding),
      })),
    },
    null,
    2,
  );
}

export function formatText(reports: (FileReport | PositionedReport)[], color: boolean): string {
  const c = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sev = (s: Severity) => (s === 'error' ? c('31', 'error') : s === 'warning' ? c('33', 'warning') : c('36', 'info'));
  const lines: string[] = [];
  const counts = { error: 0, warning: 0, information: 0 };
  for (const r of reports) {
    const fs = positioned(r);
    if (fs.length === 0) continue;
    lines.push(c('4', r.path));
    for (const f of fs) {
      counts[f.severity]++;
      lines.push(`  ${f.line}:${f.column}  ${sev(f.severity)}  ${f.message}  ${c('2', f.code)}`);
    }
    lines.push('');
  }
  const total = counts.error + counts.warning + counts.information;
  lines.push(
    total === 0
      ? `No problems in ${reports.length} file${reports.length === 1 ? '' : 's'}.`
      : `${reports.length} file${reports.length === 1 ? '' : 's'} checked: ${counts.error} ` +
          `error${counts.error === 1 ? '' : 's'}, ${counts.warning} ` +
          `warning${counts.warning === 1 ? '' : 's'}, ${counts.information} information.`,
  );
  return lines.join('\n');
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note' };
const REPO_URL = 'https://github.com/training-versions/training-versions';
/** §7: artifact URIs are relative to this base id, the folder the command ran in. */
export const SRCROOT = '%SRCROOT%';

/**
 * Where a report's file is, for SARIF: relative to `%SRCROOT%` (the working folder) and
 * percent-encoded segment by segment (spaces, `é`, `#`, `%`); a file outside the working
 * folder gets its absolute `file:` URI (encoded too), as no base can name it.
 */
export function sarifArtifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (rel !== '' && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel)) {
    return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(abs).href };
}

export function formatSarif(reports: (FileReport | PositionedReport)[], version: string, cwd: string = process.cwd()): string {
  const rules = (Object.keys(FINDING_DOCS) as FindingCode[]).map((code) => ({
    id: code,
    name: code.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: FINDING_DOCS[code].title + '.' },
    fullDescription: { text: FINDING_DOCS[code].explanation },
    helpUri: `${REPO_URL}#${code}`,
    help: { text: FINDING_DOCS[code].fix },
    defaultConfiguration: { level: SARIF_LEVEL[FINDING_DOCS[code].severity] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = reports.flatMap((r) => {
    const artifactLocation = sarifArtifactLocation(r.path, cwd);
    return positioned(r).map((f) => ({
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation,
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        },
      ],
      ...(f.related.length > 0
        ? {
            relatedLocations: f.related.map((rel, i) => ({
              id: i + 1,
              message: { text: rel.message },
              physicalLocation: {
                artifactLocation,
                region: { startLine: rel.line, startColumn: rel.column, endLine: rel.endLine, endColumn: rel.endColumn },
              },
            })),
          }
        : {}),
      ...(f.versionId !== null ? { properties: { versionId: f.versionId } } : {}),
    }));
  });
  const srcroot = pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href;
  return JSON.stringify(
    {
      $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'training-versions', version, informationUri: `${REPO_URL}#the-findings`, rules } },
          originalUriBaseIds: { [SRCROOT]: { uri: srcroot } },
          columnKind: 'utf16CodeUnits',
          results,
        },
      ],
    },
    null,
    2,
  );
}
