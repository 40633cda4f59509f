/** Hover on a version entry: style, version label, base job id, S3 object, duplicates. */
import * as vscode from 'vscode';
import { describeVersion } from '../core/duplicates';
import type { Analysis } from '../core/findings';
import { isJobId } from '../core/identity';
import { type Version, str } from '../core/versions';
import { converterFor } from './convert';
import type { IndexedFile, WorkspaceIndex } from './workspaceIndex';

/** The version whose entry contains `offset` (binary search over the elements). */
export function versionAt(analysis: Analysis, offset: number): Version | undefined {
  const vs = analysis.versions;
  let lo = 0, hi = vs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const n = vs[mid].node;
    if (offset < n.offset) hi = mid - 1;
    else if (offset > n.offset + n.length) lo = mid + 1;
    else return vs[mid];
  }
  return undefined;
}

/** Markdown describing one version: used by the hover and the tree's tooltip. */
export function describeVersionMarkdown(file: IndexedFile, v: Version): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportThemeIcons = true;
  const a = file.analysis;
  md.appendMarkdown(`**${escape(describeVersion(v))}**\n\n`);
  const rows: [string, string][] = [];
  rows.push(['Style', `${escape(file.styleFolder)}${file.styleId !== undefined ? ` (style id ${file.styleId})` : ' (no style id)'}`]);
  const label = v.versionName ?? v.file?.label;
  if (label) rows.push(['Version', label]);
  const status = str(v.value, 'status');
  if (status) rows.push(['Status', status]);
  if (v.id !== undefined && isJobId(v.id)) rows.push(['RunPod job', `\`${v.baseId}\`${v.baseId !== v.id ? ` (attempt \`${v.id.slice(v.baseId!.length + 1)}\`)` : ''}`]);
  if (v.location) rows.push(['S3 object', `\`s3://${v.location.bucket}/${escape(v.location.key)}\`${v.location.accelerated ? ' — accelerated URL' : ''}`]);
  else if (v.file) rows.push(['Model file', `\`${v.file.stem}.safetensors\``]);
  for (const [k, val] of rows) md.appendMarkdown(`${k}: ${val}  \n`);
  const group = a.groups.find((g) => g.members.includes(v));
  if (group) {
    const others = group.members.filter((m) => m !== v).map((m) => escape(describeVersion(m)));
    md.appendMarkdown(`\n$(copy) ${group.winner === v ? 'Kept; duplicates' : `Duplicate of ${escape(describeVersion(group.winner))}; group`}: ${others.join(', ')}\n`);
  }
  const findings = a.findings.filter((f) => f.entryIndex === v.index);
  if (findings.length) {
    md.appendMarkdown('\n');
    for (const f of findings) md.appendMarkdown(`- $(${f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info'}) ${escape(f.message)}\n`);
  }
  return md;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}

export class VersionHoverProvider implements vscode.HoverProvider {
  constructor(private readonly index: WorkspaceIndex) {}
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const file = this.index.forDocument(doc);
    const v = versionAt(file.analysis, doc.offsetAt(pos));
    if (!v) return undefined;
    return new vscode.Hover(describeVersionMarkdown(file, v), converterFor(file.analysis, file.text).range(v.node.offset, v.node.length));
  }
}
