/**
 * `Training Versions: Apply Webhook Payload`: a RunPod webhook (or status)
 * body from the clipboard or a file, applied to the entry whose id or base id
 * matches, searching the workspace's files with the active editor's first.
 * `{ payload, uri? }` as argument skips the questions (tests, scripts); `uri`
 * is then the file searched first.
 */
import * as vscode from 'vscode';
import { baseJobId } from '../../core/identity';
import { parseStatusBody } from '../../core/runpodSchemas';
import { applyWebhook, findWebhookFile } from '../../core/runpodWebhook';
import { describeWebhookApplied } from '../../flows/statusText';
import { applyPlannedEdits, shortName } from '../applyPlannedEdits';
import { readSettings } from '../settings';
import type { IndexedFile } from '../workspaceIndex';
import type { CommandDeps } from './deps';
import { comparePaths } from '../../core/order';

export interface ApplyWebhookArgs {
  payload: string;
  uri?: vscode.Uri;
}

export interface ApplyWebhookResult {
  ok: boolean;
  reason?: 'cancelled' | 'invalid-payload' | 'no-match' | 'invalid-file' | 'conflict';
  message: string;
  /** The file updated (URI as a string). */
  uri?: string;
  versionId?: string;
  by?: 'id' | 'base-id';
  changed: boolean;
}

/** Asks where the payload comes from; undefined when the user cancelled (or the clipboard/file is unusable, after saying so). */
async function pickPayload(): Promise<string | undefined> {
  const clip = {
    label: '$(clippy) From clipboard',
    detail: 'The JSON body RunPod sent, copied to the clipboard',
    source: 'clipboard' as const,
  };
  const file = { label: '$(file) From a file…', detail: 'A .json file holding the body', source: 'file' as const };
  const pick = await vscode.window.showQuickPick([clip, file], {
    title: 'Training Versions: Apply Webhook Payload',
    placeHolder: 'Where is the RunPod webhook payload?',
  });
  if (!pick) return undefined;
  if (pick.source === 'clipboard') {
    const text = await vscode.env.clipboard.readText();
    if (text.trim() === '') {
      void vscode.window.showWarningMessage(
        'Training Versions: the clipboard is empty. Copy the JSON body RunPod sent to your webhook, then run the command again.',
      );
      return undefined;
    }
    return text;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Apply Payload',
    filters: { JSON: ['json'], 'All files': ['*'] },
  });
  if (!picked?.[0]) return undefined;
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(picked[0]));
}

export async function applyWebhookPayloadCommand(
  deps: Pick<CommandDeps, 'index' | 'log'>,
  args: ApplyWebhookArgs | undefined,
): Promise<ApplyWebhookResult> {
  const { index, log } = deps;
  const payload = args ? args.payload : await pickPayload();
  if (payload === undefined) return { ok: false, reason: 'cancelled', message: 'No payload was given; nothing changed.', changed: false };
  const done = (r: ApplyWebhookResult): ApplyWebhookResult => {
    const fn = r.ok
      ? vscode.window.showInformationMessage
      : r.reason === 'no-match' || r.reason === 'conflict'
        ? vscode.window.showWarningMessage
        : vscode.window.showErrorMessage;
    (r.ok ? log.info : log.warn).call(log, `Webhook payload: ${r.message}`);
    void fn(`Training Versions: ${r.message}`);
    return r;
  };

  const parsed = parseStatusBody(payload);
  if (!parsed.ok) {
    return done({
      ok: false,
      reason: 'invalid-payload',
      message: `Not a RunPod webhook payload: ${parsed.problem}. Use the JSON body RunPod sent ({ "id", "status", "output", … }); nothing changed.`,
      changed: false,
    });
  }
  const jobId = parsed.value.id;
  if (jobId === undefined)
    return done({
      ok: false,
      reason: 'invalid-payload',
      message: 'Not a RunPod webhook payload: it has no "id", so it cannot be matched to a version; nothing changed.',
      changed: false,
    });

  await index.whenReady();
  // The file named (or the active editor's) first, then the rest in path order; open files from their live text.
  const first = args?.uri ?? vscode.window.activeTextEditor?.document.uri;
  const live = (f: IndexedFile) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.uri.toString() && !d.isClosed);
    return doc ? index.forDocument(doc) : f;
  };
  const files = index.all().map(live);
  files.sort((a, b) => comparePaths(a.uri.path, b.uri.path));
  if (first) {
    const i = files.findIndex((f) => f.uri.toString() === first.toString());
    if (i > 0) files.unshift(...files.splice(i, 1));
  }
  const match = findWebhookFile(
    files.map((f) => ({ key: f, analysis: f.analysis })),
    jobId,
  );
  if (!match) {
    return done({
      ok: false,
      reason: 'no-match',
      message:
        `No version matches job ${jobId} (neither its id nor its base id ${baseJobId(jobId)}) in ` +
        `${files.length} training_versions.json file${files.length === 1 ? '' : 's'}; nothing ` +
        `changed. Check that the payload belongs to this workspace.`,
      changed: false,
    });
  }
  const file = match.key;
  const settings = readSettings(file.uri);
  const applied = applyWebhook(file.text, parsed.value.raw, {
    now: Date.now(),
    preferAcceleratedUrls: settings.preferAcceleratedUrls,
    styleId: file.styleId,
  });
  const where = shortName(file.uri);
  if (!applied.ok) {
    const why =
      applied.reason === 'invalid-file'
        ? `the file cannot be updated: ${applied.problem}`
        : applied.reason === 'no-match'
          ? `no version matches job ${applied.jobId}`
          : 'the payload cannot be applied';
    return done({
      ok: false,
      reason: applied.reason === 'no-match' ? 'no-match' : 'invalid-file',
      message: `${where}: ${why}; nothing changed.`,
      changed: false,
    });
  }
  const base = { uri: file.uri.toString(), versionId: applied.versionId, by: applied.by };
  const summary = `${where}: ${describeWebhookApplied(applied)}.`;
  if (!applied.changed) return done({ ok: true, ...base, message: summary, changed: false });
  const written = await applyPlannedEdits([{ uri: file.uri, text: file.text, edits: applied.edits }]);
  if (!written.applied) {
    return done({
      ok: false,
      ...base,
      reason: 'conflict',
      message: `${where} changed while the payload was applied; nothing changed. Run the command again.`,
      changed: false,
    });
  }
  return done({ ok: true, ...base, message: summary, changed: true });
}
