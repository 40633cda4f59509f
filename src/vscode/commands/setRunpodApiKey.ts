/**
 * `Training Versions: Set RunPod API Key`: a password input box; the key is
 * checked with one cheap authenticated call (GET /health of the configured
 * endpoint) and, unless RunPod rejects it, goes to SecretStorage only. It is
 * never logged or shown.
 */
import * as vscode from 'vscode';
import { validateRunpodApiKey } from '../../core/runpodWorkspace';
import { describeFailure } from '../../flows/statusText';
import { notify, openSettings } from '../notify';
import { EDITOR_WORDS } from '../runpodReport';
import { checkRunpodKey } from '../runpodKey';
import { storeRunpodApiKey } from '../runpodKeyStore';
import { readSettings } from '../settings';
import type { CommandDeps } from './deps';

/** Asks for the key and stores it; false when the user cancelled. */
export async function setRunpodApiKey(deps: Pick<CommandDeps, 'log' | 'secrets' | 'runpodClientFactory'>): Promise<boolean> {
  const value = await vscode.window.showInputBox({
    title: 'Training Versions: RunPod API Key',
    prompt:
      'Paste a RunPod API key with access to the endpoint (RunPod console → Settings → API Keys). ' +
      "It is kept in VS Code's secret storage, never in settings or files.",
    placeHolder: 'rpa_…',
    password: true,
    ignoreFocusOut: true,
    validateInput: validateRunpodApiKey,
  });
  if (value === undefined) {
    deps.log.info('Setting the RunPod API key was cancelled; the stored key (if any) is unchanged.');
    return false;
  }
  const settings = readSettings().runpod;
  const check = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Training Versions: checking the RunPod API key' },
    () => checkRunpodKey(deps.runpodClientFactory, settings, value, (l) => deps.log.debug(l)),
  );
  if (check.kind === 'rejected') {
    const message =
      `RunPod rejected this API key (${check.status}) for endpoint ${check.endpointId}; it was ` +
      `not stored. Copy a key with access to that endpoint (RunPod console → Settings → API ` +
      `Keys) and try again.`;
    deps.log.warn(message);
    notify('error', message, ['Try Again'], () => vscode.commands.executeCommand('trainingVersions.setRunpodApiKey'));
    return false;
  }
  await storeRunpodApiKey(deps.secrets, value);
  deps.log.info('RunPod API key stored in secret storage.');
  if (check.kind === 'accepted') {
    notify(
      'information',
      `RunPod API key stored in VS Code's secret storage; RunPod accepted it for endpoint ${check.endpointId}.`,
      [],
      () => undefined,
    );
  } else if (check.reason === 'no-endpoint') {
    notify(
      'information',
      "RunPod API key stored in VS Code's secret storage. Set trainingVersions.runpod.endpointId so that it can be checked.",
      ['Open Settings'],
      () => openSettings('trainingVersions.runpod.endpointId'),
    );
  } else {
    const why =
      check.reason === 'failure'
        ? describeFailure(check.failure, EDITOR_WORDS)
        : check.reason === 'unknown-endpoint'
          ? `RunPod does not know endpoint ${check.endpointId} (404)`
          : 'the RunPod settings are not usable';
    deps.log.warn(`The RunPod API key could not be checked: ${why}`);
    notify('warning', `RunPod API key stored in VS Code's secret storage, but it could not be checked: ${why}`, ['Show Log'], () =>
      deps.log.show(),
    );
  }
  return true;
}
