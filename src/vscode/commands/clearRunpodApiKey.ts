/** `Training Versions: Clear RunPod API Key`: removes the key from SecretStorage. */
import * as vscode from 'vscode';
import { deleteRunpodApiKey } from '../runpodKeyStore';
import type { CommandDeps } from './deps';

/** Removes the stored key; false when none was stored. */
export async function clearRunpodApiKey(deps: Pick<CommandDeps, 'log' | 'secrets'>): Promise<boolean> {
  const had = await deleteRunpodApiKey(deps.secrets);
  const msg = had ? 'RunPod API key removed from secret storage.' : 'No RunPod API key was stored.';
  deps.log.info(msg);
  void vscode.window.showInformationMessage(`Training Versions: ${msg}`);
  return had;
}
