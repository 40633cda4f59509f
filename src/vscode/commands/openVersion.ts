/** Clicking a version: opens its file with the entry revealed and its id selected. */
import * as vscode from 'vscode';
import type { CommandDeps } from './deps';
import { notFound, resolveVersion, type VersionRef } from './treeVersion';

export async function openVersion(deps: Pick<CommandDeps, 'index'>, ref: VersionRef | undefined): Promise<vscode.TextEditor | undefined> {
  const found = ref && (await resolveVersion(deps.index, ref));
  if (!found) {
    void vscode.window.showWarningMessage(`Training Versions: ${notFound(ref)}`);
    return undefined;
  }
  const { doc, version } = found;
  const idProp = version.node.byKey.get('id');
  const sel = idProp ? { offset: idProp.valueOffset, length: idProp.valueLength } : { offset: version.node.offset, length: 0 };
  const selection = new vscode.Selection(doc.positionAt(sel.offset), doc.positionAt(sel.offset + sel.length));
  const editor = await vscode.window.showTextDocument(doc, { selection, preview: true });
  // Show the whole entry, not just the id line.
  const entry = new vscode.Range(doc.positionAt(version.node.offset), doc.positionAt(version.node.offset + version.node.length));
  editor.revealRange(entry, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
