/**
 * `Training Versions: Check RunPod Status`: every pending / starting / training
 * version of the workspace, of one style (`{ styleFolder }`), of one file
 * (`{ uri }` or a URI), or one version (`{ uri, versionId }` from the tree or
 * the stale-job quick fix). A cancellable progress notification; the
 * results applied as one undoable WorkspaceEdit (SPEC.md §4); a summary with
 * what to do next (set the key, sync expired styles from S3, read the log).
 */
import * as vscode from 'vscode';
import { redactSecret } from '../../core/redact';
import type { JobOutcome, StatusSummary } from '../../core/runpodPlan';
import { describeHealth, describeJob } from '../../flows/statusText';
import { type CheckProblem, type CheckScope, type RunpodCheckOutcome, prepareStatusCheck, runEditorStatusCheck } from '../runpodCheck';
import { EDITOR_WORDS, type RunpodAction, checkReport } from '../runpodReport';
import type { CommandDeps } from './deps';

/** What a manual status check uses. */
type CheckDeps = Pick<
  CommandDeps,
  'index' | 'log' | 'secrets' | 'runpodClientFactory' | 'runpodCache' | 'runpodEvents' | 'writes' | 'styles'
>;
import { notify, openSettings } from '../notify';

/** The command's argument (all optional; URIs as `vscode.Uri` or strings). */
export interface CheckStatusArgs {
  /** One file. */
  uri?: vscode.Uri | string;
  /** One style: every training_versions.json under this folder. */
  styleFolder?: vscode.Uri | string;
  /** With `uri`: one version, by id or base id, whatever its status. */
  versionId?: string;
}

export interface CheckStatusResult {
  /** True when RunPod was asked. */
  ran: boolean;
  problem?: CheckProblem | 'untrusted' | 'failed';
  /** The message shown (redacted). */
  message: string;
  summary?: StatusSummary;
  jobs: {
    file: string;
    id: string;
    baseId: string;
    outcome: JobOutcome;
    running: boolean;
    askedAs?: 'id' | 'base-id';
    runpodStatus?: string;
    message: string;
  }[];
  /** The endpoint's queue and workers, one line per endpoint asked. */
  health: string[];
  /** URIs (as strings) of the files written. */
  written: string[];
  /** Style folders (URIs as strings) with jobs RunPod no longer holds. */
  expiredStyles: string[];
  stopped?: 'unauthorized' | 'rate-limited' | 'cancelled';
}

export async function checkStatus(deps: CheckDeps, scope: CheckScope): Promise<CheckStatusResult> {
  const empty = { ran: false, jobs: [], health: [], written: [], expiredStyles: [] };
  if (!vscode.workspace.isTrusted) {
    const message =
      'Checking RunPod status needs a trusted workspace: it sends your API key to RunPod for the ' +
      'endpoint this workspace names. Trust the workspace, then check again.';
    deps.log.warn(message);
    notify('error', message, ['Manage Workspace Trust'], () => vscode.commands.executeCommand('workbench.trust.manage'));
    return { ...empty, problem: 'untrusted', message };
  }
  const prepared = await prepareStatusCheck(deps, scope);
  if (!prepared.ok) {
    const { problem, message } = prepared;
    deps.log.info(message);
    if (problem === 'no-endpoint' || problem === 'invalid-config') {
      const setting = prepared.setting ?? 'trainingVersions.runpod';
      notify('error', message, ['Open Settings'], () => openSettings(setting));
    } else if (problem === 'no-key') {
      notify('warning', message, ['Set API Key'], async () => {
        if (await vscode.commands.executeCommand<boolean>('trainingVersions.setRunpodApiKey'))
          await vscode.commands.executeCommand('trainingVersions.checkStatus', scope);
      });
    } else {
      notify('information', message, [], () => undefined);
    }
    return { ...empty, problem, message };
  }

  deps.runpodEvents.fireWillCheck();
  let outcome: RunpodCheckOutcome | undefined;
  try {
    outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Training Versions: checking RunPod status', cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        try {
          return await runEditorStatusCheck(deps, prepared, {
            signal: ac.signal,
            progress: (done, total) =>
              progress.report({ increment: 100 / Math.max(1, total), message: `${done} of ${total} job${total === 1 ? '' : 's'}` }),
          });
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    const message = redactSecret(`The RunPod status check failed: ${(e as Error).message ?? String(e)}`, prepared.apiKey);
    deps.log.error(message);
    notify('error', message, ['Show Log'], () => deps.log.show());
    return { ...empty, problem: 'failed', message };
  } finally {
    deps.runpodEvents.fireDidCheck(outcome);
  }

  const { result } = outcome;
  const report = checkReport({
    summary: result.summary,
    stopped: result.stopped,
    notes: result.notes,
    health: result.health,
    requests: result.requests,
    filesWritten: outcome.written.length,
    conflicts: outcome.conflicts.length,
  });
  const message = redactSecret(report.message, prepared.apiKey);
  const expiredStyles = outcome.expiredStyles;
  const handle = (choice: string) => act(deps, choice as RunpodAction, expiredStyles);
  // RunPod's answers are written directly (SPEC.md §9): what changed, then Undo when something was written.
  if (result.written?.applied) deps.writes.notifyWritten(report.severity, message, result.written, { actions: report.actions, handle });
  else notify(report.severity, message, report.actions, handle);
  return {
    ran: true,
    message,
    summary: result.summary,
    jobs: outcome.files.flatMap(({ uri, plan }) =>
      plan.jobs.map((j) => ({
        file: uri.toString(),
        id: j.id,
        baseId: j.baseId,
        outcome: j.outcome,
        running: j.running,
        askedAs: j.askedAs,
        runpodStatus: j.runpodStatus,
        message: redactSecret(describeJob(j, EDITOR_WORDS), prepared.apiKey),
      })),
    ),
    health: result.health.map((h) => redactSecret(describeHealth(h, EDITOR_WORDS), prepared.apiKey)),
    written: outcome.written.map((u) => u.toString()),
    expiredStyles: expiredStyles.map((u) => u.toString()),
    stopped: result.stopped?.reason,
  };
}

async function act(deps: Pick<CommandDeps, 'log'>, choice: RunpodAction, expiredStyles: readonly vscode.Uri[]): Promise<void> {
  if (choice === 'Set API Key') {
    await vscode.commands.executeCommand('trainingVersions.setRunpodApiKey');
  } else if (choice === 'Open Settings') {
    await openSettings('trainingVersions.runpod.endpointId');
  } else if (choice === 'Show Log') {
    deps.log.show();
  } else if (choice === 'Sync from S3') {
    // One style at a time: each sync shows its own plan before writing.
    for (const styleFolder of expiredStyles) {
      try {
        await vscode.commands.executeCommand('trainingVersions.syncS3', { styleFolder });
      } catch (e) {
        const message = `Sync from S3 failed for ${vscode.workspace.asRelativePath(styleFolder)}: ${(e as Error).message ?? String(e)}`;
        deps.log.error(message);
        void vscode.window.showErrorMessage(`Training Versions: ${message}`);
        return;
      }
    }
  }
}
