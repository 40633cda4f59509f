/**
 * Quick fixes (merge a duplicate group, upgrade a URL), "fix all in this file",
 * and `source.fixAll.trainingVersions` for editor.codeActionsOnSave.
 */
import * as vscode from 'vscode';
import { describeVersion } from '../core/duplicates';
import { FINDING_DOCS, type FindingCode, isFixable } from '../core/catalogue';
import type { TextEdit } from '../core/edits';
import { type Analysis, type Finding, fixAllEdits, fixFor } from '../core/findings';
import { converterFor } from './convert';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { isRealFile, type WorkspaceIndex } from './workspaceIndex';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('trainingVersions');

export function workspaceEditFor(uri: vscode.Uri, analysis: Analysis, text: string, edits: TextEdit[]): vscode.WorkspaceEdit {
  const conv = converterFor(analysis, text);
  const we = new vscode.WorkspaceEdit();
  we.set(
    uri,
    edits.map((e) => conv.edit(e)),
  );
  return we;
}

/**
 * The edits of one fix (merge a group, upgrade a URL): what the quick fix carries
 * and what the tree's commands apply, so both write the same text (SPEC.md §9).
 */
export function fixEditsFor(analysis: Analysis, finding: Finding): TextEdit[] | undefined {
  return fixFor(analysis, finding);
}

/** Every fix of one file: the fix-all source action, the "fix all in this file" quick fix and the tree's "Fix All in This Style". */
export function fixAllEditsFor(analysis: Analysis): TextEdit[] {
  return fixAllEdits(analysis);
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (typeof c === 'string') return c;
  if (typeof c === 'object' && c !== null) return String(c.value);
  return undefined;
}

/** The finding behind a diagnostic: same code and same range, never the message. */
function findingFor(analysis: Analysis, text: string, d: vscode.Diagnostic): Finding | undefined {
  const code = codeOf(d);
  const conv = converterFor(analysis, text);
  return analysis.findings.find((f) => f.code === code && conv.range(f.offset, f.length).isEqual(d.range));
}

export function mergeTitle(analysis: Analysis, f: Finding): string {
  const g = analysis.groups[f.group!];
  const others = g.members.slice(1).map(describeVersion).join(', ');
  return `${FINDING_DOCS['duplicate-version'].fixTitle}: keep ${describeVersion(g.winner)}, remove ${others}`;
}

export class TrainingVersionsCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly index: WorkspaceIndex) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    // A review or diff document is read-only and not ours to fix (SPEC.md §9).
    if (!isRealFile(doc.uri)) return [];
    const file = this.index.forDocument(doc);
    const { analysis, text } = file;
    if (!analysis.writable) return [];

    if (context.only?.contains(FIX_ALL_KIND)) {
      // A fix-all is given only when asked for (editor.codeActionsOnSave, the Source Action menu).
      const edits = fixAllEditsFor(analysis);
      if (edits.length === 0) return [];
      const a = new vscode.CodeAction('Fix all Training Versions problems', FIX_ALL_KIND);
      a.edit = workspaceEditFor(doc.uri, analysis, text, edits);
      return [a];
    }
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];

    const actions: vscode.CodeAction[] = [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    for (const d of ours) {
      const f = findingFor(analysis, text, d);
      if (!f) continue;
      if (isFixable(f.code)) {
        const edits = fixEditsFor(analysis, f);
        if (!edits || edits.length === 0) continue;
        const title = f.code === 'duplicate-version' ? mergeTitle(analysis, f) : FINDING_DOCS[f.code].fixTitle!;
        const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        a.edit = workspaceEditFor(doc.uri, analysis, text, edits);
        a.diagnostics = [d];
        a.isPreferred = true;
        actions.push(a);
      } else if (f.code === 'stale-job' || f.code === 'minimal-entry') {
        const style = vscode.Uri.joinPath(doc.uri, '..');
        if (f.code === 'stale-job') {
          const check = new vscode.CodeAction('Check RunPod status of this job', vscode.CodeActionKind.QuickFix);
          check.command = {
            title: check.title,
            command: 'trainingVersions.checkStatus',
            arguments: [{ uri: doc.uri, versionId: f.versionId }],
          };
          check.diagnostics = [d];
          actions.push(check);
        }
        const sync = new vscode.CodeAction('Sync this style from S3', vscode.CodeActionKind.QuickFix);
        sync.command = { title: sync.title, command: 'trainingVersions.syncS3', arguments: [{ styleFolder: style }] };
        sync.diagnostics = [d];
        actions.push(sync);
      }
    }
    const fixable = analysis.findings.filter((f) => isFixable(f.code));
    if (fixable.length > 1 && actions.length > 0) {
      const all = new vscode.CodeAction(
        `Fix all ${fixable.length} Training Versions problems in this file`,
        vscode.CodeActionKind.QuickFix,
      );
      all.edit = workspaceEditFor(doc.uri, analysis, text, fixAllEditsFor(analysis));
      all.diagnostics = ours.filter((d) => {
        const c = codeOf(d);
        return c !== undefined && c in FINDING_DOCS && isFixable(c as FindingCode);
      });
      actions.push(all);
    }
    return actions;
  }
}
