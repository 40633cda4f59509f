/** Registers every command of the extension (one file per command). */
import * as vscode from 'vscode';
import { applyWebhookPayload } from './applyWebhookPayload';
import { checkStatus } from './checkStatus';
import { cleanupWorkspace, type CleanupOptions } from './cleanupWorkspace';
import { clearRunpodApiKey } from './clearRunpodApiKey';
import type { CommandDeps } from './deps';
import { setRunpodApiKey } from './setRunpodApiKey';

export function registerCommands(deps: CommandDeps): void {
  const { context, index } = deps;
  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('trainingVersions.refresh', () => index.rescan());
  reg('trainingVersions.showLog', () => deps.log.show());
  reg('trainingVersions.cleanupWorkspace', (options?: CleanupOptions) => cleanupWorkspace(deps, isOptions(options) ? options : {}));
  reg('trainingVersions.setRunpodApiKey', () => setRunpodApiKey(deps));
  reg('trainingVersions.clearRunpodApiKey', () => clearRunpodApiKey(deps));
  reg('trainingVersions.checkStatus', (arg?: unknown) => checkStatus(deps, arg));
  reg('trainingVersions.applyWebhookPayload', (arg?: unknown) => applyWebhookPayload(deps, arg));
}

/** Commands invoked from menus get a node or a URI as first argument, not options. */
function isOptions(x: unknown): x is CleanupOptions {
  return typeof x === 'object' && x !== null && !(x instanceof vscode.Uri) && ('preview' in x || 'uris' in x);
}
