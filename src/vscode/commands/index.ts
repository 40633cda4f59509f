/** Registers every command of the extension (one file per command). */
import * as vscode from 'vscode';
import { cleanupWorkspace, type CleanupOptions } from './cleanupWorkspace';
import type { CommandDeps } from './deps';

export function registerCommands(deps: CommandDeps): void {
  const { context, index } = deps;
  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('trainingVersions.refresh', () => index.rescan());
  reg('trainingVersions.showLog', () => deps.log.show());
  reg('trainingVersions.cleanupWorkspace', (options?: CleanupOptions) => cleanupWorkspace(deps, isOptions(options) ? options : {}));
}

/** Commands invoked from menus get a node or a URI as first argument, not options. */
function isOptions(x: unknown): x is CleanupOptions {
  return typeof x === 'object' && x !== null && !(x instanceof vscode.Uri) && ('preview' in x || 'uris' in x);
}
