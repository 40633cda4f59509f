/** Publishes the findings of every indexed file as diagnostics (source `training-versions`). */
import * as vscode from 'vscode';
import { FINDING_DOCS } from '../core/catalogue';
import { OffsetConverter, converterFor } from './convert';
import { findingDocsTarget } from './findingDocs';
import { type IndexedFile, type WorkspaceIndex, isRealFile } from './workspaceIndex';

export const DIAGNOSTIC_SOURCE = 'training-versions';

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
} as const;

export function toDiagnostics(file: IndexedFile): vscode.Diagnostic[] {
  // An open document's converter is shared with its code actions; a closed file's line index is not kept.
  const conv = file.documentVersion !== undefined ? converterFor(file.analysis, file.text) : new OffsetConverter(file.text);
  return file.digest.findings.map((f) => {
    // Code actions find the finding again by code and range, never by message.
    const d = new vscode.Diagnostic(conv.range(f.offset, f.length), f.message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.code, target: findingDocsTarget(FINDING_DOCS[f.code].docs) };
    if (f.related.length)
      d.relatedInformation = f.related.map(
        (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(file.uri, conv.range(r.offset, r.length)), r.message),
      );
    return d;
  });
}

export function registerDiagnostics(context: vscode.ExtensionContext, index: WorkspaceIndex): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  const publish = (uris: vscode.Uri[]) => {
    for (const uri of uris) {
      if (!isRealFile(uri)) continue; // previews and diffs are never diagnosed (SPEC.md §9)
      const f = index.get(uri);
      if (f) collection.set(uri, toDiagnostics(f));
      else collection.delete(uri);
    }
  };
  context.subscriptions.push(collection, index.onDidChange(publish));
  publish(index.all().map((f) => f.uri));
  return collection;
}
