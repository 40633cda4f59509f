/**
 * `Cancel RunPod Job…` on a version row in flight: after the user confirms,
 * `POST /cancel/<id>` (the stored id; its base id only after a 404), then a
 * status check of that version records what RunPod says now (SPEC.md §4:
 * only on the user's explicit, confirmed request). Argument: a version row or
 * `{ uri, versionId }`; `confirmed: true` skips the question (scripts, tests).
 */
import * as vscode from 'vscode';
import { baseJobId } from '../../core/identity';
import { redactSecret } from '../../core/redact';
import { IN_FLIGHT, str } from '../../core/versions';
import { describeFailure } from '../../flows/statusText';
import { RunpodConfigError } from '../../services/runpodClient';
import { notify, openSettings } from '../notify';
import { EDITOR_WORDS } from '../runpodReport';
import { readRunpodApiKey } from '../runpodKeyStore';
import { readSettings } from '../settings';
import type { CommandDeps } from './deps';
import { notFound, resolveVersion, type VersionRef } from './treeVersion';

export interface CancelJobResult {
  cancelled: boolean;
  problem?: 'untrusted' | 'not-found' | 'not-in-flight' | 'no-endpoint' | 'no-key' | 'declined' | 'unknown-job' | 'failed';
  /** The id RunPod answered for, and the status it gave. */
  jobId?: string;
  runpodStatus?: string;
  message: string;
}

export async function cancelJob(
  deps: Pick<CommandDeps, 'index' | 'log' | 'secrets' | 'runpodClientFactory'>,
  { ref, confirmed }: { ref: VersionRef | undefined; confirmed: boolean },
): Promise<CancelJobResult> {
  const done = (
    r: CancelJobResult,
    severity: 'information' | 'warning' | 'error' = r.cancelled ? 'information' : 'warning',
    actions: string[] = [],
    act: (c: string) => unknown = () => undefined,
  ): CancelJobResult => {
    deps.log[severity === 'information' ? 'info' : 'warn'](`Cancel RunPod job: ${r.message}`);
    notify(severity, r.message, actions, act);
    return r;
  };
  if (!vscode.workspace.isTrusted)
    return done({ cancelled: false, problem: 'untrusted', message: 'Cancelling a RunPod job needs a trusted workspace.' }, 'error');
  const found = ref && (await resolveVersion(deps.index, ref));
  if (!found || !found.version.id) return done({ cancelled: false, problem: 'not-found', message: notFound(ref) });
  const id = found.version.id;
  const status = str(found.version.value, 'status');
  if (status === undefined || !IN_FLIGHT.includes(status)) {
    return done({
      cancelled: false,
      problem: 'not-in-flight',
      message: `"${id}" is ${status ?? 'without a status'}: only a pending, starting or training job can be cancelled.`,
    });
  }
  const settings = readSettings(found.file.uri);
  if (!settings.runpod.endpointId) {
    return done(
      {
        cancelled: false,
        problem: 'no-endpoint',
        message: 'Set trainingVersions.runpod.endpointId to the endpoint the job runs on: it is not set.',
      },
      'error',
      ['Open Settings'],
      () => openSettings('trainingVersions.runpod.endpointId'),
    );
  }
  const apiKey = await readRunpodApiKey(deps.secrets);
  if (!apiKey)
    return done(
      { cancelled: false, problem: 'no-key', message: 'No RunPod API key is set: run "Training Versions: Set RunPod API Key".' },
      'warning',
      ['Set API Key'],
      () => vscode.commands.executeCommand('trainingVersions.setRunpodApiKey'),
    );

  if (!confirmed) {
    const answer = await vscode.window.showWarningMessage(
      `Cancel RunPod job ${id} on endpoint ${settings.runpod.endpointId}?`,
      { modal: true, detail: 'RunPod stops the job; its training is lost. The entry records what RunPod says afterwards.' },
      'Cancel Job',
    );
    if (answer !== 'Cancel Job') return { cancelled: false, problem: 'declined', message: 'Not cancelled.' };
  }

  let client;
  try {
    client = deps.runpodClientFactory({
      apiUrl: settings.runpod.apiUrl,
      endpointId: settings.runpod.endpointId,
      apiKey,
      log: (l) => deps.log.debug(redactSecret(l, apiKey)),
    });
  } catch (e) {
    if (!(e instanceof RunpodConfigError)) throw e;
    return done({ cancelled: false, problem: 'failed', message: redactSecret(e.message, apiKey) }, 'error');
  }
  let asked = id;
  let answer = await client.cancel(id);
  if (answer.kind === 'not-found' && baseJobId(id) !== id) answer = await client.cancel((asked = baseJobId(id)));
  if (answer.kind === 'not-found')
    return done({
      cancelled: false,
      problem: 'unknown-job',
      message: `RunPod does not know job ${id} (404): it may have expired or run on another endpoint; nothing was cancelled.`,
    });
  if (answer.kind === 'cancelled') return { cancelled: false, problem: 'failed', message: 'Not cancelled.' };
  if (answer.kind === 'failure')
    return done(
      { cancelled: false, problem: 'failed', message: redactSecret(describeFailure(answer.failure, EDITOR_WORDS), apiKey) },
      'error',
    );
  const runpodStatus = answer.value.status;
  const message = `RunPod job ${asked}${asked !== id ? ` (the base id of ${id})` : ''}: ${runpodStatus}.`;
  deps.log.info(`Cancel RunPod job: ${message}`);
  // Record what RunPod says now, through the one status flow.
  await vscode.commands.executeCommand('trainingVersions.checkStatus', { uri: found.file.uri, versionId: id });
  return { cancelled: runpodStatus === 'CANCELLED', jobId: answer.value.id ?? asked, runpodStatus, message };
}
