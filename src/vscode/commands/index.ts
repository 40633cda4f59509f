/**
 * Registers every command of the extension (one file per command). The S3 sync and the
 * RunPod commands are registered here too, but their bodies are in lazily loaded chunks
 * (chunks.ts): required on their first run.
 */
import * as vscode from 'vscode';
import { runpodChunk, syncChunk } from '../chunks';
import { cleanupWorkspace, type CleanupOptions } from './cleanupWorkspace';
import { clearRunpodApiKey } from './clearRunpodApiKey';
import type { CommandDeps } from './deps';
import { fixStyle, mergeDuplicates } from './mergeDuplicates';
import { openVersion } from './openVersion';
import { checkStyleStatus, fixAllInStyle, openStyleFile, upgradeUrl } from './styleRowCommands';
import { checkVersionStatus, copyLoraUrl, openLoraUrl, revealInExplorer, setOnlyProblems, syncStyle } from './treeItemCommands';

export function registerCommands(deps: CommandDeps): void {
  const { context, index } = deps;
  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('trainingVersions.refresh', () => index.rescan());
  reg('trainingVersions.showLog', () => deps.log.show());
  reg('trainingVersions.cleanupWorkspace', (options?: CleanupOptions) => cleanupWorkspace(deps, isOptions(options) ? options : {}));
  reg('trainingVersions.setRunpodApiKey', () => runpodChunk().setRunpodApiKey(deps));
  reg('trainingVersions.clearRunpodApiKey', () => clearRunpodApiKey(deps));
  reg('trainingVersions.checkStatus', (arg?: unknown) => runpodChunk().checkStatus(deps, arg));
  reg('trainingVersions.syncS3', (arg?: unknown) => syncChunk().syncS3(deps, arg));
  reg('trainingVersions.applyWebhookPayload', (arg?: unknown) => runpodChunk().applyWebhookPayloadCommand(deps, arg));
  // Rows and title bar of the styles tree (node commands are hidden from the palette).
  reg('trainingVersions.tree.openVersion', (arg?: unknown) => openVersion(deps, arg));
  reg('trainingVersions.tree.mergeDuplicates', (arg?: unknown) => mergeDuplicates(deps, arg));
  reg('trainingVersions.tree.fixStyle', (arg?: unknown) => fixStyle(deps, arg));
  reg('trainingVersions.tree.copyLoraUrl', (arg?: unknown) => copyLoraUrl(deps, arg));
  reg('trainingVersions.tree.openLoraUrl', (arg?: unknown) => openLoraUrl(deps, arg));
  reg('trainingVersions.tree.checkStatus', (arg?: unknown) => checkVersionStatus(arg));
  reg('trainingVersions.tree.cancelJob', (arg?: unknown) => runpodChunk().cancelJob(deps, arg));
  reg('trainingVersions.tree.syncStyle', (arg?: unknown) => syncStyle(arg));
  reg('trainingVersions.tree.revealInExplorer', (arg?: unknown) => revealInExplorer(arg));
  reg('trainingVersions.tree.openFile', (arg?: unknown) => openStyleFile(arg));
  reg('trainingVersions.tree.fixAllInStyle', (arg?: unknown, options?: { preview?: boolean }) => fixAllInStyle(arg, options));
  reg('trainingVersions.tree.checkStyleStatus', (arg?: unknown) => checkStyleStatus(arg));
  reg('trainingVersions.tree.upgradeUrl', (arg?: unknown) => upgradeUrl(deps, arg));
  reg('trainingVersions.tree.showOnlyProblems', () => setOnlyProblems(deps.styles, true));
  reg('trainingVersions.tree.showAll', () => setOnlyProblems(deps.styles, false));
}

/** Commands invoked from menus get a node or a URI as first argument, not options. */
function isOptions(x: unknown): x is CleanupOptions {
  return typeof x === 'object' && x !== null && !(x instanceof vscode.Uri) && ('preview' in x || 'uris' in x || 'answer' in x);
}
