/**
 * The RunPod API key, in VS Code's SecretStorage (the OS keychain) only: never
 * settings, files, logs or messages (SPEC.md §4). Loaded at activation (the
 * extension API and polling use it); asking RunPod about a key is runpodKey.ts.
 */
import type * as vscode from 'vscode';
import { validateRunpodApiKey } from '../core/runpodWorkspace';

/** The SecretStorage key under which the API key is stored. */
export const RUNPOD_API_KEY_SECRET = 'trainingVersions.runpod.apiKey';

/** The stored key, or undefined when none is stored. */
export async function readRunpodApiKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  const key = (await secrets.get(RUNPOD_API_KEY_SECRET))?.trim();
  return key ? key : undefined;
}

/** Stores a key after validating it; throws (without quoting the key) when it cannot be used. */
export async function storeRunpodApiKey(secrets: vscode.SecretStorage, value: string): Promise<void> {
  const problem = validateRunpodApiKey(value);
  if (problem) throw new Error(`The RunPod API key was not stored: ${problem}`);
  await secrets.store(RUNPOD_API_KEY_SECRET, value.trim());
}

/** Removes the stored key; false when none was stored. */
export async function deleteRunpodApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const had = (await secrets.get(RUNPOD_API_KEY_SECRET)) !== undefined;
  await secrets.delete(RUNPOD_API_KEY_SECRET);
  return had;
}
