/**
 * The markdown of a version's hover (editor) and tooltip (tree), as text: pure, no
 * vscode import, so the unit tests read exactly what the user reads. Values the user
 * may copy (keys, ids, file names) are code spans, never escaped inside; prose is
 * escaped. Each finding is said once.
 */
import { FINDING_CODES, FINDING_DOCS, type FindingCode } from '../core/catalogue';
import { describeVersion } from '../core/duplicates';
import type { Analysis, Finding } from '../core/findings';
import { isJobId } from '../core/identity';
import type { StyleSummary } from '../core/styleRows';
import { fieldRows } from '../core/versionText';
import { IN_FLIGHT, type Version, str } from '../core/versions';

/** What a hover needs of an indexed file. */
export interface HoverFile {
  styleFolder: string;
  styleId?: string;
  analysis: Analysis;
  /** Jobs a RunPod status check found expired: version id → when. */
  expiredJobs?: ReadonlyMap<string, number>;
}

/** Markdown-escapes prose (not for code spans). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}

/** A code span holding `s` exactly: a fence longer than any backtick run inside, no escaping. */
export function codeSpan(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(runs.reduce((n, r) => Math.max(n, r.length), 0) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || (s.startsWith(' ') && s.endsWith(' ') && s.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

const ICON = { error: '$(error)', warning: '$(warning)', information: '$(info)' } as const;

/** Options of `versionMarkdown`. */
export interface VersionMarkdownOptions {
  /**
   * The offset the editor hover is at: findings whose range holds it are left out,
   * since the editor shows their diagnostics in the same hover.
   */
  at?: number;
  /** Append every field of the entry (the tree's tooltip). */
  fields?: boolean;
}

/** Markdown describing one version: the hover and the tree's tooltip. */
export function versionMarkdown(file: HoverFile, v: Version, options: VersionMarkdownOptions = {}): string {
  const a = file.analysis;
  const out: string[] = [`**${escapeMarkdown(describeVersion(v))}**\n\n`];
  const rows: [string, string][] = [];
  rows.push(['Style', `${codeSpan(file.styleFolder)}${file.styleId !== undefined ? ` (style id ${file.styleId})` : ' (no style id)'}`]);
  const label = v.versionName ?? v.file?.label;
  if (label) rows.push(['Version', escapeMarkdown(label)]);
  const status = str(v.value, 'status');
  if (status) rows.push(['Status', escapeMarkdown(status)]);
  const expiredAt = v.id !== undefined && status !== undefined && IN_FLIGHT.includes(status) ? file.expiredJobs?.get(v.id) : undefined;
  if (expiredAt !== undefined) {
    rows.push([
      'RunPod',
      `expired (checked ${new Date(expiredAt).toISOString().slice(0, 16).replace('T', ' ')} UTC): ` +
        `RunPod no longer holds this job, so its status can no longer be asked; an S3 sync ` +
        `finds its model file`,
    ]);
  }
  if (v.id !== undefined && isJobId(v.id) && v.baseId !== undefined) {
    rows.push(['RunPod job', `${codeSpan(v.baseId)}${v.baseId !== v.id ? ` (attempt ${codeSpan(v.id.slice(v.baseId.length + 1))})` : ''}`]);
  }
  if (v.location)
    rows.push([
      'S3 object',
      `${codeSpan(`s3://${v.location.bucket}/${v.location.key}`)}${v.location.accelerated ? ' — accelerated URL' : ''}`,
    ]);
  else if (v.file) rows.push(['Model file', codeSpan(`${v.file.stem}.safetensors`)]);
  for (const [k, val] of rows) out.push(`${k}: ${val}  \n`);

  const group = a.groups.find((g) => g.members.includes(v));
  const removed = group !== undefined && group.winner !== v;
  if (group && !removed) {
    const others = group.members.filter((m) => m !== v).map((m) => escapeMarkdown(describeVersion(m)));
    out.push(`\n$(copy) Kept: a merge removes ${others.join(', ')} and fills in what this entry lacks.\n`);
  }
  const findings = a.findings.filter((f) => f.entryIndex === v.index && shown(f, removed, options.at));
  if (findings.length) {
    out.push('\n');
    for (const f of findings) out.push(`- ${ICON[f.severity]} ${escapeMarkdown(f.message)}\n`);
  }
  if (options.fields) {
    out.push('\n\n---\n\n');
    for (const [k, val] of fieldRows(v.value)) out.push(`${codeSpan(k)}: ${escapeMarkdown(val)}  \n`);
  }
  return out.join('');
}

function shown(f: Finding, removedByMerge: boolean, at: number | undefined): boolean {
  // The merge deletes this entry: its URL is not worth upgrading (the kept entry's is).
  if (removedByMerge && f.code === 'non-accelerated-url') return false;
  return at === undefined || at < f.offset || at > f.offset + f.length;
}

/** Said on a style, and its versions, while the file does not parse. */
export const OUT_OF_DATE = 'Out of date: the file does not parse now; the versions shown are those of its last text that did.';

/** What each finding code adds up to on a style's tooltip. */
const CODE_COUNTS: Record<FindingCode, (n: number) => string> = {
  'invalid-json': () => 'the file is not valid JSON',
  'invalid-schema': (n) => `${n} invalid ${n === 1 ? 'value' : 'values'}`,
  'duplicate-version': (n) => `${n} duplicate ${n === 1 ? 'entry' : 'entries'} to merge`,
  'non-accelerated-url': (n) => `${n} regular S3 ${n === 1 ? 'URL' : 'URLs'} to upgrade`,
  'stale-job': (n) => `${n} stale ${n === 1 ? 'job' : 'jobs'}`,
  'minimal-entry': (n) => `${n} minimal ${n === 1 ? 'entry' : 'entries'} (a note)`,
};

/** Markdown of a style row's tooltip: its path and every kind of finding it has, problems first. */
export function styleMarkdown(s: StyleSummary, relativePath: string): string {
  const out = [
    `**${escapeMarkdown(s.label)}**${s.styleId !== undefined ? ` — style id ${s.styleId}` : ' — no style id'}\n\n`,
    `${codeSpan(relativePath)}\n\n`,
  ];
  const lines: string[] = [];
  for (const code of FINDING_CODES) {
    const n = s.codeCounts[code];
    if (n) lines.push(`- ${ICON[FINDING_DOCS[code].severity]} ${CODE_COUNTS[code](n)}`);
  }
  out.push(lines.length ? `${lines.join('\n')}\n` : 'No findings.\n');
  if (s.outOfDate) out.push(`\n${OUT_OF_DATE}\n`);
  return out.join('');
}
