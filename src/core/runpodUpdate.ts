/** SPEC.md §4: what one RunPod answer does to one entry (property changes, never text). */
import { parseS3Url } from './s3Url';
import type { PropertyChange } from './jsonEdit';
import { chooseLoraUrl, loraUrlOfOutput, responseTimestamp, stringifyError } from './runpodOutput';
import type { RunpodJobResult } from './runpodSchemas';
import { versionStatusOf } from './runpodStatus';
import { IN_FLIGHT, type Version, type VersionStatus, isEmptyValue, str } from './versions';

export interface StatusUpdateOptions {
  /** The time of the check (ms since epoch): completedAt / failedAt when RunPod gives none. */
  now: number;
  /** Upgrade a regular S3 URL from the output to its accelerated form (default true). */
  preferAcceleratedUrls?: boolean;
}

/** Why something RunPod said was not applied as it was (data; each surface words it). */
export type UpdateNote =
  | { kind: 'kept-completed'; runpodStatus: string }
  | { kind: 'kept-accelerated-url'; offered: string }
  | { kind: 'no-model-url' }
  | { kind: 'runs-again'; runpodStatus: string }
  | { kind: 'unknown-status'; runpodStatus: string };

/** What one RunPod result does to one entry. */
export interface StatusUpdate {
  /** The entry's status after the update. */
  status: VersionStatus | string | undefined;
  /** Property changes; only values that differ from the entry's (a second application yields none). */
  changes: PropertyChange[];
  /** True while RunPod still works on the job (the entry's status is pending/training). */
  running: boolean;
  /** RunPod sent a status it does not document: nothing changes, the check goes on. */
  unknown: boolean;
  notes: UpdateNote[];
}

/** Maps a RunPod result to the property changes of `version` (SPEC.md §4). */
export function statusUpdate(version: Version, result: RunpodJobResult, options: StatusUpdateOptions): StatusUpdate {
  const v = version.value;
  const current = str(v, 'status');
  const target = versionStatusOf(result.status);
  const notes: UpdateNote[] = [];
  const changes: PropertyChange[] = [];
  const set = (key: string, value: string) => {
    if (v[key] !== value) changes.push({ key, raw: JSON.stringify(value) });
  };
  const nowIso = new Date(options.now).toISOString();

  if (target === undefined) {
    notes.push({ kind: 'unknown-status', runpodStatus: result.status });
    return { status: current, changes, running: current !== undefined && IN_FLIGHT.includes(current), unknown: true, notes };
  }
  if (current === 'completed' && target !== 'completed') {
    // A completed entry names a model that exists; a later attempt's state does not undo it.
    notes.push({ kind: 'kept-completed', runpodStatus: result.status });
    return { status: 'completed', changes, running: false, unknown: false, notes };
  }
  set('status', target);
  if (result.status === 'COMPLETED') {
    const at = responseTimestamp(result, 'completedAt');
    if (at !== undefined) set('completedAt', at);
    else if (isEmptyValue(v.completedAt)) set('completedAt', nowIso);
    const url = loraUrlOfOutput(result.output);
    if (url !== undefined) {
      const currentUrl = str(v, 'loraUrl');
      const chosen = chooseLoraUrl(currentUrl, url, options.preferAcceleratedUrls ?? true);
      if (chosen !== undefined) set('loraUrl', chosen);
      else if (currentUrl !== undefined && currentUrl !== url && parseS3Url(currentUrl)?.accelerated && !parseS3Url(url)?.accelerated) {
        notes.push({ kind: 'kept-accelerated-url', offered: url });
      }
    } else if (isEmptyValue(v.loraUrl)) {
      notes.push({ kind: 'no-model-url' });
    }
  } else if (target === 'failed') {
    const at = responseTimestamp(result, 'failedAt');
    if (at !== undefined) set('failedAt', at);
    else if (isEmptyValue(v.failedAt) || current !== 'failed') set('failedAt', nowIso);
    const message = stringifyError(result.error);
    if (message !== undefined) set('error', message);
    else if (isEmptyValue(v.error)) set('error', `RunPod reported ${result.status}`);
  } else if (current === 'failed') {
    notes.push({ kind: 'runs-again', runpodStatus: result.status });
  }
  return { status: target, changes, running: IN_FLIGHT.includes(target), unknown: false, notes };
}
