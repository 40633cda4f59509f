/**
 * One RunPod status check in the editor, shared by the command and polling:
 * which files and jobs (from the workspace index), which client (settings and
 * the key in SecretStorage), then the status flow (flows/status.ts) with the
 * editor's writer (one WorkspaceEdit). No notifications here: the callers
 * decide what to show. Every log line is redacted.
 */
import * as vscode from 'vscode';
import { redactSecret } from '../core/redact';
import { type FileStatusPlan, selectStatusTargets } from '../core/runpodPlan';
import { type StatusCache, type StatusCheckResult, runStatusCheck } from '../flows/status';
import { describeHealth, describeJob, describeRequests, describeStatusNote, describeSummary, outcomeLabel } from '../flows/statusText';
import { type RunpodConfigProblem, RunpodConfigError } from '../services/runpodClient';
import type { RunpodClientFactory, RunpodStatusClient } from './runpodClientFactory';
import { type AppliedEdits, applyPlannedEdits, shortName } from './applyPlannedEdits';
import { EDITOR_WORDS } from './runpodReport';
import { readRunpodApiKey } from './runpodKeyStore';
import { readSettings } from './settings';
import type { StylesView } from './stylesView';
import type { IndexedFile, WorkspaceIndex } from './workspaceIndex';

export {
  type RunpodClientConfig,
  type RunpodClientFactory,
  type RunpodStatusClient,
  defaultRunpodClientFactory,
} from './runpodClientFactory';
import { comparePaths } from '../core/order';

/**
 * What a check asks about: the whole workspace, one style folder, one file,
 * or one version of one file. The command's argument is parsed into this once.
 */
export interface CheckScope {
  uri?: vscode.Uri;
  /** Every training_versions.json under this folder (a style row of the tree). */
  styleFolder?: vscode.Uri;
  versionId?: string;
}

export type CheckProblem = 'not-found' | 'nothing-to-check' | 'no-endpoint' | 'no-key' | 'invalid-config';

/** Files that share an endpoint (the endpoint id is per resource: folders of a multi-root workspace may differ). */
interface CheckGroup {
  endpointId: string;
  apiUrl: string;
  preferAcceleratedUrls: boolean;
  files: IndexedFile[];
  client: RunpodStatusClient;
}

export type PreparedCheck =
  | { ok: true; scope: CheckScope; apiKey: string; groups: CheckGroup[] }
  | { ok: false; problem: CheckProblem; message: string; setting?: string; configProblem?: RunpodConfigProblem };

/** The outcome of one check, over every file. */
export interface RunpodCheckOutcome {
  result: StatusCheckResult<AppliedEdits>;
  files: { uri: vscode.Uri; plan: FileStatusPlan }[];
  written: vscode.Uri[];
  conflicts: vscode.Uri[];
  /** Style folders with a job RunPod no longer holds: S3 sync is what remains. */
  expiredStyles: vscode.Uri[];
  apiKey: string;
}

/** What a status check is built from (manual check, tree row, polling). */
export interface StatusCheckDeps {
  readonly index: WorkspaceIndex;
  readonly log: vscode.LogOutputChannel;
  /** Where the RunPod API key lives (never settings or files). */
  readonly secrets: vscode.SecretStorage;
  /** Builds the RunPod status client from settings and the key; tests point it elsewhere. */
  readonly runpodClientFactory: RunpodClientFactory;
  /** Finished and expired RunPod jobs, remembered for the session: not asked again. */
  readonly runpodCache: StatusCache;
  /** Where expired jobs are remembered for the tree (absent where no view is registered). */
  readonly styles?: Pick<StylesView, 'expired'>;
}

/** The index entry of a file, from its live text when it is open. */
function currentFile(index: WorkspaceIndex, f: IndexedFile): IndexedFile {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.uri.toString() && !d.isClosed);
  return doc ? index.forDocument(doc) : f;
}

function isUnder(uri: vscode.Uri, folder: vscode.Uri): boolean {
  const f = folder.toString().replace(/\/+$/, '');
  return uri.toString().startsWith(`${f}/`);
}

/**
 * Chooses the files and jobs, then the clients: reports what is missing
 * (nothing to ask, endpoint id, key) before anything reaches the network.
 */
export async function prepareStatusCheck(
  deps: Pick<StatusCheckDeps, 'index' | 'log' | 'secrets' | 'runpodClientFactory'>,
  scope: CheckScope = {},
): Promise<PreparedCheck> {
  const { index } = deps;
  await index.whenReady();
  let files: IndexedFile[];
  if (scope.uri) {
    const uri = scope.uri;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && !d.isClosed);
    const f = doc ? index.forDocument(doc) : index.get(uri);
    if (!f) return { ok: false, problem: 'not-found', message: `${shortName(uri)} is not a training_versions.json of this workspace.` };
    files = [f];
  } else {
    files = index.all().map((f) => currentFile(index, f));
    if (scope.styleFolder) {
      const folder = scope.styleFolder;
      files = files.filter((f) => isUnder(f.uri, folder));
      if (files.length === 0)
        return { ok: false, problem: 'not-found', message: `No training_versions.json in ${vscode.workspace.asRelativePath(folder)}.` };
    }
    files.sort((a, b) => comparePaths(a.uri.path, b.uri.path));
  }

  const withJobs: IndexedFile[] = [];
  let skippedStem: string | undefined;
  for (const file of files) {
    const sel = selectStatusTargets(file.analysis, scope.versionId);
    if (sel.skipped.length) skippedStem ??= sel.skipped[0].version.id;
    if (sel.targets.length) withJobs.push(file);
  }
  if (withJobs.length === 0) {
    const where = scope.uri
      ? ` in ${shortName(scope.uri)}`
      : scope.styleFolder
        ? ` in ${vscode.workspace.asRelativePath(scope.styleFolder)}`
        : '';
    if (scope.versionId !== undefined) {
      if (skippedStem !== undefined)
        return {
          ok: false,
          problem: 'nothing-to-check',
          message: `"${skippedStem}" is an S3 file stem, not a RunPod job id; an S3 sync keeps this entry current.`,
        };
      return {
        ok: false,
        problem: 'not-found',
        message: `No version "${scope.versionId}"${where} (by id or base id): nothing to ask RunPod.`,
      };
    }
    return {
      ok: false,
      problem: 'nothing-to-check',
      message: `No version is pending, starting or training${where}: nothing to ask RunPod.`,
    };
  }

  const groups = new Map<string, Omit<CheckGroup, 'client'>>();
  for (const file of withJobs) {
    const s = readSettings(file.uri);
    const key = JSON.stringify([s.runpod.endpointId, s.runpod.apiUrl, s.preferAcceleratedUrls]);
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = { endpointId: s.runpod.endpointId, apiUrl: s.runpod.apiUrl, preferAcceleratedUrls: s.preferAcceleratedUrls, files: [] }),
      );
    g.files.push(file);
  }
  if ([...groups.values()].some((g) => !g.endpointId)) {
    // The cause is the setting, not the file (issue 13).
    return {
      ok: false,
      problem: 'no-endpoint',
      setting: 'trainingVersions.runpod.endpointId',
      message:
        'Set trainingVersions.runpod.endpointId to the id of the RunPod serverless endpoint the jobs ran on: it is not set, so RunPod cannot be asked.',
    };
  }
  const apiKey = await readRunpodApiKey(deps.secrets);
  if (!apiKey)
    return {
      ok: false,
      problem: 'no-key',
      message: 'No RunPod API key is set: run "Training Versions: Set RunPod API Key" (it is kept in VS Code\'s secret storage).',
    };

  const log = (line: string) => deps.log.debug(redactSecret(line, apiKey));
  const built: CheckGroup[] = [];
  for (const g of groups.values()) {
    try {
      built.push({ ...g, client: deps.runpodClientFactory({ apiUrl: g.apiUrl, endpointId: g.endpointId, apiKey, log }) });
    } catch (e) {
      if (!(e instanceof RunpodConfigError)) throw e;
      const setting =
        e.problem === 'api-url'
          ? 'trainingVersions.runpod.apiUrl'
          : e.problem === 'endpoint-id'
            ? 'trainingVersions.runpod.endpointId'
            : undefined;
      const hint = setting ? ` Fix ${setting}.` : ' Run "Training Versions: Set RunPod API Key" and paste the key alone.';
      return {
        ok: false,
        problem: e.problem.startsWith('api-key') ? 'no-key' : 'invalid-config',
        setting,
        configProblem: e.problem,
        message: redactSecret(e.message, apiKey) + hint,
      };
    }
  }
  return { ok: true, scope, apiKey, groups: built };
}

export interface EditorCheckOptions {
  signal?: AbortSignal;
  progress?: (done: number, total: number, jobId: string) => void;
}

/**
 * Runs the status flow over the prepared groups and writes what it learned as
 * one WorkspaceEdit: nothing when the key is refused or the check is cancelled.
 */
export async function runEditorStatusCheck(
  deps: Pick<StatusCheckDeps, 'log' | 'runpodCache' | 'styles'>,
  prepared: Extract<PreparedCheck, { ok: true }>,
  options: EditorCheckOptions = {},
): Promise<RunpodCheckOutcome> {
  const { apiKey, scope } = prepared;
  const say = (level: 'info' | 'warn', line: string) => deps.log[level](redactSecret(line, apiKey));
  const byPath = new Map<string, IndexedFile>();
  for (const g of prepared.groups) {
    say(
      'info',
      `RunPod status: asking endpoint ${g.endpointId} at ${g.apiUrl} about the jobs of ` +
        `${g.files.length} file(s)${scope.versionId !== undefined ? ` (version ${scope.versionId} only)` : ''}.`,
    );
    for (const f of g.files) byPath.set(f.uri.toString(), f);
  }
  const result = await runStatusCheck<AppliedEdits>(
    prepared.groups.map((g) => ({
      client: g.client,
      preferAcceleratedUrls: g.preferAcceleratedUrls,
      files: g.files.map((f) => ({ path: f.uri.toString(), text: f.text, analysis: f.analysis })),
    })),
    {
      only: scope.versionId,
      now: Date.now,
      cache: deps.runpodCache,
      signal: options.signal,
      progress: (p) => options.progress?.(p.done, p.total, p.jobId),
      write: (changed) =>
        applyPlannedEdits(changed.map((plan) => ({ uri: byPath.get(plan.path)!.uri, text: plan.text, edits: plan.edits }))),
    },
  );
  const files = result.files.map((plan) => ({ uri: byPath.get(plan.path)!.uri, plan }));

  for (const h of result.health) say(h.answer.kind === 'ok' ? 'info' : 'warn', `RunPod ${describeHealth(h, EDITOR_WORDS)}.`);
  for (const { uri, plan } of files) {
    for (const j of plan.jobs)
      say(j.outcome === 'error' ? 'warn' : 'info', `${shortName(uri)}: ${j.label}: ${outcomeLabel(j)} — ${describeJob(j, EDITOR_WORDS)}`);
  }
  for (const n of result.notes) say('info', describeStatusNote(n));
  const pushback = describeRequests(result.requests);
  if (pushback) say('warn', pushback);
  say('info', `RunPod status: ${describeSummary(result.summary)}.`);

  const written = result.written?.written ?? [];
  const conflicts = result.written?.conflicts ?? [];
  const stopped = result.stopped?.reason;
  if (stopped === 'unauthorized' || stopped === 'cancelled') {
    say('warn', `RunPod status: ${stopped === 'unauthorized' ? 'RunPod refused the API key' : 'cancelled'}; nothing was written.`);
  }
  if (written.length) say('info', `RunPod status: updated ${written.map(shortName).join(', ')}.`);
  if (conflicts.length)
    say('warn', `RunPod status: ${conflicts.map(shortName).join(', ')} changed while RunPod was asked; left alone (check again).`);
  await deps.styles?.expired.record(
    files.flatMap(({ uri, plan }) => plan.jobs.filter((j) => j.outcome === 'expired').map((j) => ({ uri, versionId: j.id }))),
    Date.now(),
  );
  const expired = new Map<string, vscode.Uri>();
  for (const { uri, plan } of files) {
    if (plan.jobs.some((j) => j.outcome === 'expired')) {
      const folder = vscode.Uri.joinPath(uri, '..');
      expired.set(folder.toString(), folder);
    }
  }
  return { result, files, written, conflicts, expiredStyles: [...expired.values()], apiKey };
}
