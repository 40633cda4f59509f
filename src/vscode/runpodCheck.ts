/**
 * One RunPod status check in the editor, shared by the command and polling:
 * which files and jobs (from the workspace index), which client (settings and
 * the key in SecretStorage), asking RunPod (services `checkStatuses`), and
 * writing what it learned as one WorkspaceEdit. No notifications here: the
 * callers decide what to show. Every log line is redacted.
 */
import * as vscode from 'vscode';
import { type FileStatusPlan, type JobReport, describeSummary, redactSecret, selectStatusTargets, summarizeStatus } from '../core/runpod';
import { RunpodClient, RunpodConfigError, type StatusCheckResult, checkStatuses } from '../services/runpod';
import { applyPlannedEdits, shortName } from './applyPlannedEdits';
import type { CommandDeps } from './commands/deps';
import { readRunpodApiKey } from './runpodKey';
import { readSettings } from './settings';
import type { IndexedFile, WorkspaceIndex } from './workspaceIndex';

export interface RunpodClientConfig {
  apiUrl: string;
  endpointId: string;
  apiKey: string;
  /** One line per request and retry, already redacted. */
  log: (line: string) => void;
}

export type RunpodStatusClient = Pick<RunpodClient, 'status'>;

/** Builds the status client of a check; tests hand in one pointed at a local server. */
export type RunpodClientFactory = (config: RunpodClientConfig) => RunpodStatusClient;

export const defaultRunpodClientFactory: RunpodClientFactory = (config) => new RunpodClient(config);

/** What a check asks about: the whole workspace, one file, or one version of one file. */
export interface CheckScope {
  uri?: vscode.Uri;
  versionId?: string;
}

export type CheckProblem = 'not-found' | 'nothing-to-check' | 'no-endpoint' | 'no-key' | 'invalid-config';

/** Files that share an endpoint (settings are per resource: folders of a multi-root workspace may differ). */
interface CheckGroup {
  endpointId: string;
  apiUrl: string;
  preferAcceleratedUrls: boolean;
  files: IndexedFile[];
  /** Distinct jobs (base ids) to ask. */
  jobs: number;
  client: RunpodStatusClient;
}

export type PreparedCheck =
  | { ok: true; scope: CheckScope; apiKey: string; groups: CheckGroup[]; jobs: number }
  | { ok: false; problem: CheckProblem; message: string };

/** The outcome of one check, over every file. */
export interface RunpodCheckOutcome {
  result: StatusCheckResult;
  files: { uri: vscode.Uri; plan: FileStatusPlan }[];
  written: vscode.Uri[];
  conflicts: vscode.Uri[];
  /** Style folders with a job RunPod no longer holds: S3 sync is what remains. */
  expiredStyles: vscode.Uri[];
  apiKey: string;
}

/** Tells polling when a manual check starts and ends, so the two never ask at once. */
export class RunpodCheckEvents implements vscode.Disposable {
  private readonly will = new vscode.EventEmitter<void>();
  private readonly did = new vscode.EventEmitter<RunpodCheckOutcome | undefined>();
  readonly onWillCheck = this.will.event;
  readonly onDidCheck = this.did.event;
  fireWillCheck(): void {
    this.will.fire();
  }
  fireDidCheck(outcome: RunpodCheckOutcome | undefined): void {
    this.did.fire(outcome);
  }
  dispose(): void {
    this.will.dispose();
    this.did.dispose();
  }
}

/** The index entry of a file, from its live text when it is open. */
function currentFile(index: WorkspaceIndex, f: IndexedFile): IndexedFile {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.uri.toString() && !d.isClosed);
  return doc ? index.forDocument(doc) : f;
}

/**
 * Chooses the files and jobs, then the clients: reports what is missing
 * (nothing to ask, endpoint id, key) before anything reaches the network.
 */
export async function prepareCheck(deps: CommandDeps, scope: CheckScope = {}): Promise<PreparedCheck> {
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
    files.sort((a, b) => a.uri.path.localeCompare(b.uri.path, 'en', { numeric: true }));
  }

  const withJobs: { file: IndexedFile; bases: Set<string> }[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const sel = selectStatusTargets(file.analysis, scope.versionId);
    skipped.push(...sel.skipped.map((s) => s.reason));
    if (sel.targets.length) withJobs.push({ file, bases: new Set(sel.targets.map((t) => t.baseId)) });
  }
  if (withJobs.length === 0) {
    const where = scope.uri ? ` in ${shortName(scope.uri)}` : '';
    if (scope.versionId !== undefined) {
      if (skipped.length) return { ok: false, problem: 'nothing-to-check', message: skipped[0] };
      return { ok: false, problem: 'not-found', message: `No version "${scope.versionId}"${where} (by id or base id): nothing to ask RunPod.` };
    }
    return { ok: false, problem: 'nothing-to-check', message: `No version is pending, starting or training${where}: nothing to ask RunPod.` };
  }

  const groups = new Map<string, { endpointId: string; apiUrl: string; preferAcceleratedUrls: boolean; files: IndexedFile[]; bases: Set<string> }>();
  for (const { file, bases } of withJobs) {
    const s = readSettings(file.uri);
    const key = JSON.stringify([s.runpod.endpointId, s.runpod.apiUrl, s.preferAcceleratedUrls]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { endpointId: s.runpod.endpointId, apiUrl: s.runpod.apiUrl, preferAcceleratedUrls: s.preferAcceleratedUrls, files: [], bases: new Set() }));
    g.files.push(file);
    for (const b of bases) g.bases.add(b);
  }
  const noEndpoint = [...groups.values()].find((g) => !g.endpointId);
  if (noEndpoint) {
    return {
      ok: false,
      problem: 'no-endpoint',
      message: `No RunPod endpoint id for ${shortName(noEndpoint.files[0].uri)}: set trainingVersions.runpod.endpointId to the serverless endpoint the jobs ran on.`,
    };
  }
  const apiKey = await readRunpodApiKey(deps.secrets);
  if (!apiKey) return { ok: false, problem: 'no-key', message: 'No RunPod API key is set: run "Training Versions: Set RunPod API Key" (it is kept in VS Code\'s secret storage).' };

  const log = (line: string) => deps.log.debug(redactSecret(line, apiKey));
  const built: CheckGroup[] = [];
  let jobs = 0;
  for (const g of groups.values()) {
    try {
      const client = deps.runpodClientFactory({ apiUrl: g.apiUrl, endpointId: g.endpointId, apiKey, log });
      built.push({ endpointId: g.endpointId, apiUrl: g.apiUrl, preferAcceleratedUrls: g.preferAcceleratedUrls, files: g.files, jobs: g.bases.size, client });
    } catch (e) {
      if (!(e instanceof RunpodConfigError)) throw e;
      return { ok: false, problem: 'invalid-config', message: redactSecret(e.message, apiKey) };
    }
    jobs += g.bases.size;
  }
  return { ok: true, scope, apiKey, groups: built, jobs };
}

function outcomeLabel(j: JobReport): string {
  if (j.outcome === 'updated') return j.running ? 'updated, still running' : 'updated';
  if (j.outcome === 'unchanged') return j.running ? 'still running' : 'unchanged';
  return j.outcome;
}

export interface RunCheckOptions {
  signal?: AbortSignal;
  progress?: (done: number, total: number, jobId: string) => void;
}

/**
 * Asks RunPod about the prepared jobs and writes the results as one
 * WorkspaceEdit: nothing when the key is refused or the check is cancelled.
 */
export async function runCheck(deps: CommandDeps, prepared: Extract<PreparedCheck, { ok: true }>, options: RunCheckOptions = {}): Promise<RunpodCheckOutcome> {
  const { apiKey, scope } = prepared;
  const say = (level: 'info' | 'warn', line: string) => deps.log[level](redactSecret(line, apiKey));
  const byPath = new Map<string, IndexedFile>();
  const results: StatusCheckResult[] = [];
  let done = 0;
  for (const g of prepared.groups) {
    say('info', `RunPod status: asking endpoint ${g.endpointId} at ${g.apiUrl} about ${g.jobs} job(s) in ${g.files.length} file(s)${scope.versionId !== undefined ? ` (version ${scope.versionId} only)` : ''}.`);
    for (const f of g.files) byPath.set(f.uri.toString(), f);
    const before = done;
    const r = await checkStatuses(
      g.files.map((f) => ({ path: f.uri.toString(), text: f.text, analysis: f.analysis })),
      g.client,
      { only: scope.versionId, preferAcceleratedUrls: g.preferAcceleratedUrls, cache: deps.runpodCache },
      (p) => {
        done = before + p.done;
        options.progress?.(done, prepared.jobs, p.jobId);
      },
      options.signal,
    );
    results.push(r);
    // A refused key is refused by every endpoint; a cancellation ends the whole check.
    if (r.stopped) break;
  }
  const plans = results.flatMap((r) => r.files);
  const result: StatusCheckResult = {
    files: plans,
    summary: summarizeStatus(plans),
    stopped: results.find((r) => r.stopped)?.stopped,
    notes: [...new Set(results.flatMap((r) => r.notes))],
  };
  const files = plans.map((plan) => ({ uri: byPath.get(plan.path)!.uri, plan }));

  for (const { uri, plan } of files) {
    for (const j of plan.jobs) say(j.outcome === 'error' ? 'warn' : 'info', `${shortName(uri)}: ${j.label}: ${outcomeLabel(j)} — ${j.message}`);
  }
  for (const n of result.notes) say('info', n);
  say('info', `RunPod status: ${describeSummary(result.summary)}.`);

  let written: vscode.Uri[] = [];
  let conflicts: vscode.Uri[] = [];
  const stopped = result.stopped?.reason;
  if (stopped === 'unauthorized' || stopped === 'cancelled' || options.signal?.aborted) {
    say('warn', `RunPod status: ${stopped === 'unauthorized' ? result.stopped!.message : 'cancelled'}; nothing was written.`);
  } else {
    const changed = files.filter((f) => f.plan.changed);
    if (changed.length) {
      const applied = await applyPlannedEdits(changed.map((f) => ({ uri: f.uri, text: f.plan.text, edits: f.plan.edits })));
      written = applied.written;
      conflicts = applied.conflicts;
      if (written.length) say('info', `RunPod status: updated ${written.map(shortName).join(', ')}.`);
      if (conflicts.length) say('warn', `RunPod status: ${conflicts.map(shortName).join(', ')} changed while RunPod was asked; left alone (check again).`);
    }
  }
  await deps.styles?.expired.record(files.flatMap(({ uri, plan }) => plan.jobs.filter((j) => j.outcome === 'expired').map((j) => ({ uri, versionId: j.id }))), Date.now());
  const expired = new Map<string, vscode.Uri>();
  for (const { uri, plan } of files) {
    if (plan.jobs.some((j) => j.outcome === 'expired')) {
      const folder = vscode.Uri.joinPath(uri, '..');
      expired.set(folder.toString(), folder);
    }
  }
  return { result, files, written, conflicts, expiredStyles: [...expired.values()], apiKey };
}
