/**
 * `Training Versions: Set RunPod API Key`: a password input box; the key goes
 * to SecretStorage only, and is never logged or shown.
 */
import * as vscode from 'vscode';
import { validateRunpodApiKey } from '../../core/runpodWorkspace';
import { storeRunpodApiKey } from '../runpodKey';
import type { CommandDeps } from './deps';

/** Asks for the key and stores it; false when the user cancelled. */
export async function setRunpodApiKey(deps: CommandDeps): Promise<boolean> {
  const value = await vscode.window.showInputBox({
    title: 'Training Versions: RunPod API Key',
    prompt: 'Paste a RunPod API key with access to the endpoint (RunPod console → Settings → API Keys). It is kept in VS Code\'s secret storage, never in settings or files.',
    placeHolder: 'rpa_…',
    password: true,
    ignoreFocusOut: true,
    validateInput: validateRunpodApiKey,
  });
  if (value === undefined) {
    deps.log.info('Setting the RunPod API key was cancelled; the stored key (if any) is unchanged.');
    return false;
  }
  await storeRunpodApiKey(deps.secrets, value);
  deps.log.info('RunPod API key stored in secret storage.');
  void vscode.window.showInformationMessage('Training Versions: RunPod API key stored in VS Code\'s secret storage.');
  return true;
}
