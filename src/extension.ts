/** Activation: wiring only. Everything registered goes into context.subscriptions. */
import * as vscode from 'vscode';
import { TrainingVersionsCodeActions } from './vscode/codeActions';
import { registerCommands } from './vscode/commands';
import type { CommandDeps } from './vscode/commands/deps';
import { registerDiagnostics } from './vscode/diagnostics';
import { VersionHoverProvider } from './vscode/hover';
import { VERSIONS_GLOB, WorkspaceIndex } from './vscode/workspaceIndex';

/** What the extension exports: used by integration tests. */
export interface TrainingVersionsApi {
  index: WorkspaceIndex;
  activationMs: number;
}

export async function activate(context: vscode.ExtensionContext): Promise<TrainingVersionsApi> {
  const t0 = Date.now();
  const log = vscode.window.createOutputChannel('Training Versions', { log: true });
  const index = new WorkspaceIndex(log);
  context.subscriptions.push(log, index);
  const deps: CommandDeps = { context, index, log };

  registerDiagnostics(context, index);
  const selector: vscode.DocumentSelector = [{ language: 'json', pattern: VERSIONS_GLOB }, { language: 'jsonc', pattern: VERSIONS_GLOB }];
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(selector, new TrainingVersionsCodeActions(index), TrainingVersionsCodeActions.metadata),
    vscode.languages.registerHoverProvider(selector, new VersionHoverProvider(index)),
  );
  registerCommands(deps);

  void index.whenReady();
  const activationMs = Date.now() - t0;
  log.info(`Activated in ${activationMs} ms.`);
  return { index, activationMs };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
