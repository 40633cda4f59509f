/** Small helpers for integration tests in the real extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi, TrainingVersionsApi } from '../../src/extension';

export const EXTENSION_ID = 'training-versions.training-versions';

/** The extension's API, its test part spread on top (present because the host runs tests). */
export type TestedApi = TrainingVersionsApi & TestApi;

/** The test part of the API: there in ExtensionMode.Test. */
export function internals(tv: TrainingVersionsApi): TestApi {
  assert.ok(tv.test, 'the test API is exported in ExtensionMode.Test');
  return tv.test;
}

export async function api(): Promise<TestedApi> {
  const ext = vscode.extensions.getExtension<TrainingVersionsApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed in the host`);
  const a = await ext.activate();
  const test = internals(a);
  await test.index.whenReady();
  return { ...a, ...test };
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
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
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

/** Writes a style folder's file and waits until the index has it. */
export async function writeStyle(tv: TrainingVersionsApi, style: string, text: string): Promise<vscode.Uri> {
  const uri = fileIn(style);
  // The folder first: a watcher may miss a file written into a folder it has not seen yet.
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folderUri(), style));
  await writeDisk(uri, text);
  const indexed = () => internals(tv).index.get(uri)?.text === text;
  try {
    await waitFor(`index has ${style}`, indexed, 5000);
  } catch {
    console.log(`      (the file watcher did not report ${style}/training_versions.json: refreshing the index)`);
    await vscode.commands.executeCommand('trainingVersions.refresh');
    await waitFor(`index has ${style} after a refresh`, indexed);
  }
  return uri;
}

/** Deletes style folders and waits until the index forgets them. */
export async function removeStyles(tv: TrainingVersionsApi, ...styles: string[]): Promise<void> {
  await closeAll();
  for (const s of styles) {
    const folder = vscode.Uri.joinPath(folderUri(), s);
    await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await waitFor(`index forgets ${s}`, () => !internals(tv).index.get(fileIn(s)));
  }
}
