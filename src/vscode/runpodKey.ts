/**
 * The RunPod API key, in VS Code's SecretStorage (the OS keychain) only: never
 * settings, files, logs or messages (SPEC.md §4).
 */
import type * as vscode from 'vscode';
import { redactSecret } from '../core/redact';
import type { RunpodFailure } from '../core/runpodFailure';
import { validateRunpodApiKey } from '../core/runpodWorkspace';
import { RunpodConfigError } from '../services/runpodClient';
import type { RunpodClientFactory } from './runpodClientFactory';

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

/** What RunPod said of a key, asked with one cheap authenticated call (`GET /health` of the configured endpoint). */
export type KeyCheck =
  | { kind: 'accepted'; endpointId: string }
  | { kind: 'rejected'; endpointId: string; status: number }
  | { kind: 'unchecked'; reason: 'no-endpoint' | 'unusable-config' }
  | { kind: 'unchecked'; reason: 'failure'; failure: RunpodFailure }
  | { kind: 'unchecked'; reason: 'unknown-endpoint'; endpointId: string };

/** Asks RunPod whether `key` is accepted for `endpointId`; never throws, never quotes the key. */
export async function checkRunpodKey(
  factory: RunpodClientFactory,
  config: { apiUrl: string; endpointId: string },
  key: string,
  log: (line: string) => void,
): Promise<KeyCheck> {
  if (!config.endpointId) return { kind: 'unchecked', reason: 'no-endpoint' };
  let client;
  try {
    client = factory({
      apiUrl: config.apiUrl,
      endpointId: config.endpointId,
      apiKey: key.trim(),
      log: (l) => log(redactSecret(l, key.trim())),
    });
  } catch (e) {
    if (e instanceof RunpodConfigError) return { kind: 'unchecked', reason: 'unusable-config' };
    throw e;
  }
  const a = await client.health();
  if (a.kind === 'ok') return { kind: 'accepted', endpointId: config.endpointId };
  if (a.kind === 'not-found') return { kind: 'unchecked', reason: 'unknown-endpoint', endpointId: config.endpointId };
  if (a.kind === 'failure' && a.failure.kind === 'unauthorized')
    return { kind: 'rejected', endpointId: config.endpointId, status: a.failure.status ?? 401 };
  if (a.kind === 'failure') return { kind: 'unchecked', reason: 'failure', failure: a.failure };
  return { kind: 'unchecked', reason: 'unusable-config' };
}
