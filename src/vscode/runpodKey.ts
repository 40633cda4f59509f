/**
 * Whether RunPod accepts a key (Set RunPod API Key): in the lazily loaded RunPod
 * chunk. Where the key is kept is runpodKeyStore.ts, loaded at activation.
 */
import { redactSecret } from '../core/redact';
import type { RunpodFailure } from '../core/runpodFailure';
import { RunpodConfigError } from '../services/runpodClient';
import type { RunpodClientFactory } from './runpodClientFactory';

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
