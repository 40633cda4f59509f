/** Hover on a version entry: style, version label, base job id, S3 object, duplicates, findings (src/vscode/hoverText.ts). */
import * as vscode from 'vscode';
import type { Analysis } from '../core/findings';
import type { Version } from '../core/versions';
import { converterFor } from './convert';
import type { ExpiredJobs } from './expiredJobs';
import { type HoverFile, type VersionMarkdownOptions, versionMarkdown } from './hoverText';
import type { WorkspaceIndex } from './workspaceIndex';

/** The version whose entry contains `offset` (binary search over the elements). */
export function versionAt(analysis: Analysis, offset: number): Version | undefined {
  const vs = analysis.versions;
  let lo = 0,
    hi = vs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const n = vs[mid].node;
    if (offset < n.offset) hi = mid - 1;
    else if (offset > n.offset + n.length) lo = mid + 1;
    else return vs[mid];
  }
  return undefined;
}

/** The hover's or tooltip's markdown of one version (theme icons on). */
export function versionMarkdownString(file: HoverFile, v: Version, options: VersionMarkdownOptions = {}): vscode.MarkdownString {
  const md = new vscode.MarkdownString(versionMarkdown(file, v, options), true);
  md.supportThemeIcons = true;
  return md;
}

export class VersionHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly index: WorkspaceIndex,
    private readonly expired?: ExpiredJobs,
  ) {}
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const file = this.index.forDocument(doc);
    const at = doc.offsetAt(pos);
    const v = versionAt(file.analysis, at);
    if (!v) return undefined;
    return new vscode.Hover(
      versionMarkdownString({ ...file, expiredJobs: this.expired?.of(file.uri) }, v, { at }),
      converterFor(file.analysis, file.text).range(v.node.offset, v.node.length),
    );
  }
}
