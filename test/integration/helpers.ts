/** Small helpers for integration tests in the real extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainingVersionsApi } from '../../src/extension';

export const EXTENSION_ID = 'training-versions.training-versions';

export async function api(): Promise<TrainingVersionsApi> {
  const ext = vscode.extensions.getExtension<TrainingVersionsApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed in the host`);
  const a = await ext.activate();
  await a.index.whenReady();
  return a;
}

export function folderUri(i = 0): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[i];
  assert.ok(f, `workspace folder ${i} is open`);
  return f.uri;
}

export function fileIn(style: string, i = 0): vscode.Uri {
  return vscode.Uri.joinPath(folderUri(i), style, 'training_versions.json');
}

/** Polls `fn` until it returns a truthy value (the host works asynchronously). */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'training-versions');
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code);
}

export async function readDisk(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function writeDisk(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
