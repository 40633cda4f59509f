/**
 * Registers every command of the extension (one file per command). The S3 sync and the
 * RunPod commands are registered here too, but their bodies are in lazily loaded chunks
 * (chunks.ts): required on their first run.
 */
import * as vscode from 'vscode';
import { runpodChunk, syncChunk } from '../chunks';
import { cleanupWorkspace } from './cleanupWorkspace';
import { clearRunpodApiKey } from './clearRunpodApiKey';
import type { CommandDeps } from './deps';
import {
  cancelTargetOf,
  checkScopeOf,
  cleanupOptionsOf,
  fixTargetOf,
  styleFileOf,
  styleFolderOf,
  syncOptionsOf,
  versionRefOf,
  webhookArgsOf,
} from './args';
import { fixStyle, mergeDuplicates } from './mergeDuplicates';
import { openVersion } from './openVersion';
import { checkStyleStatus, fixAllInStyle, openStyleFile, upgradeUrl } from './styleRowCommands';
import { checkVersionStatus, copyLoraUrl, openLoraUrl, revealInExplorer, setOnlyProblems, syncStyle } from './treeItemCommands';

/**
 * Registers every command. A command's arguments are parsed here, once, by the
 * parser of `args.ts` that fits what its menus, links and scripts pass; the command
 * body receives the parsed value.
 */
export function registerCommands(deps: CommandDeps): void {
  const { context, index } = deps;
  const reg = <T>(id: string, parse: (...args: unknown[]) => T, run: (input: T) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => run(parse(...args))));
  const none = () => undefined;
  reg('trainingVersions.refresh', none, () => index.rescan());
  reg('trainingVersions.showLog', none, () => deps.log.show());
  reg('trainingVersions.cleanupWorkspace', cleanupOptionsOf, (options) => cleanupWorkspace(deps, options));
  reg('trainingVersions.setRunpodApiKey', none, () => runpodChunk().setRunpodApiKey(deps));
  reg('trainingVersions.clearRunpodApiKey', none, () => clearRunpodApiKey(deps));
  reg('trainingVersions.checkStatus', checkScopeOf, (scope) => runpodChunk().checkStatus(deps, scope));
  reg('trainingVersions.syncS3', syncOptionsOf, (options) => syncChunk().syncS3(deps, options));
  reg('trainingVersions.applyWebhookPayload', webhookArgsOf, (args) => runpodChunk().applyWebhookPayloadCommand(deps, args));
  // Rows and title bar of the styles tree (node commands are hidden from the palette).
  reg('trainingVersions.tree.openVersion', versionRefOf, (ref) => openVersion(deps, ref));
  reg('trainingVersions.tree.mergeDuplicates', versionRefOf, (ref) => mergeDuplicates(deps, ref));
  reg('trainingVersions.tree.fixStyle', fixTargetOf, (uri) => fixStyle(deps, uri));
  reg('trainingVersions.tree.copyLoraUrl', versionRefOf, (ref) => copyLoraUrl(deps, ref));
  reg('trainingVersions.tree.openLoraUrl', versionRefOf, (ref) => openLoraUrl(deps, ref));
  reg('trainingVersions.tree.checkStatus', versionRefOf, checkVersionStatus);
  reg('trainingVersions.tree.cancelJob', cancelTargetOf, (target) => runpodChunk().cancelJob(deps, target));
  reg('trainingVersions.tree.syncStyle', styleFolderOf, syncStyle);
  reg('trainingVersions.tree.revealInExplorer', styleFileOf, revealInExplorer);
  reg('trainingVersions.tree.openFile', styleFileOf, openStyleFile);
  reg('trainingVersions.tree.fixAllInStyle', fileAndOptions, ({ uri, options }) => fixAllInStyle(uri, options));
  reg('trainingVersions.tree.checkStyleStatus', styleFileOf, checkStyleStatus);
  reg('trainingVersions.tree.upgradeUrl', versionRefOf, (ref) => upgradeUrl(deps, ref));
  reg('trainingVersions.tree.showOnlyProblems', none, () => setOnlyProblems(deps.styles, true));
  reg('trainingVersions.tree.showAll', none, () => setOnlyProblems(deps.styles, false));
}

/** "Fix All in This Style": the row (or URI), then clean-up options for scripts and tests (`{ preview: false }`). */
function fileAndOptions(arg?: unknown, options?: unknown) {
  const { uris: _only, ...rest } = cleanupOptionsOf(options);
  return { uri: styleFileOf(arg), options: rest };
}
