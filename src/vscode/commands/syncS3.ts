/**
 * `Training Versions: Sync from S3` (SPEC.md §5): lists the bucket named by the
 * `trainingVersions.s3.*` settings and completes every style's
 * training_versions.json, or one style's (`{ styleFolder }`: the tree, the
 * "Sync this style from S3" quick fix, RunPod's expired summary). A cancellable
 * progress notification while S3 is listed; then the write decision
 * (`writeDecision.ts`: Apply / Review changes / Cancel; one WorkspaceEdit,
 * backups per the `backups` setting); one summary with Undo and a log line per
 * change afterwards. The AWS
 * SDK loads only here, through `deps.s3Listers`.
 */
import * as vscode from 'vscode';
import { type FieldChange, type SyncPlan } from '../../core/s3Sync';
import { checkS3Settings, planView, type SettingProblem, syncFromS3, type SyncProgress, type SyncWorkspaceResult } from '../../flows/sync';
import {
  describeEndpoint,
  describeNotice,
  describeRetry,
  describeS3Failure,
  describeSettingProblem,
  EDITOR_WORDING,
} from '../../flows/syncMessages';
import { type S3ErrorKind, type S3Failure, type S3Settings, S3_SETTINGS } from '../../services/s3';
import { syncWrite } from '../../core/writePlan';
import { shortName } from '../applyPlannedEdits';
import type { DecisionFile, DecisionOutcome } from '../writeDecision';
import { readSettings } from '../settings';
import { VERSIONS_FILE, type IndexedFile, type WorkspaceIndex } from '../workspaceIndex';
import type { CommandDeps } from './deps';

/** What a sync uses. */
type SyncDeps = Pick<CommandDeps, 'index' | 'log' | 's3Listers' | 'writes'>;
import { notify } from '../notify';
import { comparePaths } from '../../core/order';

export interface SyncS3Options {
  /** Only this style folder (default: every style of the workspace). */
  styleFolder?: vscode.Uri;
  /** End in the write decision (default true); `false`: apply without asking (scripts, tests). */
  preview?: boolean;
  /** Cancels like the notification's Cancel button, for callers without a UI (scripts, tests). */
  signal?: AbortSignal;
}

export type SyncS3Problem = 'untrusted' | 'not-found' | 'no-style-id' | 'nothing-to-sync' | 'no-bucket' | 'invalid-settings' | 'failed';

export interface SyncS3Result {
  /** True when S3 was asked. */
  ran: boolean;
  problem?: SyncS3Problem;
  /** The kind of the S3 error that stopped the sync (nothing is written then). */
  error?: S3ErrorKind;
  /** The settings *Open Settings* shows (on the Workspace tab), when a setting fixes it. */
  settings?: string[];
  /** The message shown. */
  message: string;
  /** The time written as `lastSynced` (ISO 8601). */
  syncedAt?: string;
  /** The files this sync changes (URIs as strings), with the texts `syncWorkspace` planned. */
  changes: { uri: string; oldText: string; newText: string }[];
  /** True when the edit was applied (false: nothing to write, cancelled in the decision or while listing, failed). */
  applied: boolean;
  written: string[];
  /** Files that changed while S3 was listed: left alone. */
  conflicts: string[];
  /** Entries matched whose loraUrl or status changed. */
  updated: number;
  /** Entries matched where only `lastSynced` moved. */
  refreshed: number;
  added: number;
  /** Model files with no style folder: reported, written nowhere. */
  unplaced: { key: string; styleId: string; reason: string }[];
  /** Files skipped because they do not parse (URIs as strings). */
  skipped: { uri: string; reason: string }[];
  /** Objects left out of a file because they would duplicate an entry. */
  notAdded: { uri: string; key: string; reason: string }[];
  /** ListObjectsV2 pages, objects listed, model files among them. */
  pages: number;
  objects: number;
  models: number;
}

/** Files that share the S3 settings (they are per resource: folders of a multi-root workspace may differ). */
interface SyncGroup {
  s3: S3Settings;
  preferAcceleratedUrls: boolean;
  files: IndexedFile[];
  /** A one-style sync: only that style's objects are looked at, only that file is written. */
  only?: { styleId: string; uri: vscode.Uri };
}

type Prepared = { ok: true; groups: SyncGroup[] } | { ok: false; problem: SyncS3Problem; message: string; settings?: string[] };

/**
 * Opens the Settings editor on the Workspace tab (the S3 settings belong to the
 * workspace: they name its bucket), filtered to every setting the message names.
 */
export function openWorkspaceSettings(settings: readonly string[]): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWorkspaceSettings', { query: `@id:${settings.join(',')}` });
}

function emptyResult(message: string, extra: Partial<SyncS3Result> = {}): SyncS3Result {
  return {
    ran: false,
    message,
    changes: [],
    applied: false,
    written: [],
    conflicts: [],
    updated: 0,
    refreshed: 0,
    added: 0,
    unplaced: [],
    skipped: [],
    notAdded: [],
    pages: 0,
    objects: 0,
    models: 0,
    ...extra,
  };
}

export async function syncS3(deps: SyncDeps, options: SyncS3Options): Promise<SyncS3Result> {
  const { log } = deps;
  if (!vscode.workspace.isTrusted) {
    const message =
      'Syncing from S3 needs a trusted workspace: it uses your AWS credentials with the bucket ' +
      "and endpoint this workspace's settings name. Trust the workspace, then sync again.";
    log.warn(message);
    notify('error', message, ['Manage Workspace Trust'], () => vscode.commands.executeCommand('workbench.trust.manage'));
    return emptyResult(message, { problem: 'untrusted' });
  }

  const prepared = await prepare(deps.index, options);
  if (!prepared.ok) {
    const { problem, message, settings } = prepared;
    log.info(`S3 sync: ${message}`);
    if (settings) notify('error', message, ['Open Settings'], () => openWorkspaceSettings(settings));
    else notify('information', message, [], () => undefined);
    return emptyResult(message, { problem, settings });
  }

  const now = new Date();
  const ran = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Training Versions: syncing from S3', cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const subs = [token.onCancellationRequested(() => ac.abort())];
      if (options.signal) {
        const s = options.signal;
        if (s.aborted) ac.abort();
        const onAbort = () => ac.abort();
        s.addEventListener('abort', onAbort);
        subs.push({ dispose: () => s.removeEventListener('abort', onAbort) });
      }
      try {
        return await runGroups(deps, prepared.groups, now, ac.signal, (message) => progress.report({ message }));
      } finally {
        for (const s of subs) s.dispose();
      }
    },
  );

  if (!ran.ok) {
    const { failure } = ran;
    const kind = failure.kind;
    const message = describeS3Failure(failure, EDITOR_WORDING);
    if (kind === 'cancelled') {
      log.info(`S3 sync: ${message}`);
      notify('information', message, [], () => undefined);
    } else {
      log.error(`S3 sync: ${message}`);
      const retry = () => vscode.commands.executeCommand('trainingVersions.syncS3', { styleFolder: options.styleFolder });
      // What fixes it first: the setting, or trying again; then the log.
      const actions: Record<string, () => unknown> = {};
      const setting = settingOf(failure);
      if (setting) actions['Open Settings'] = () => openWorkspaceSettings(setting);
      if (RETRYABLE.has(kind)) actions['Retry'] = retry;
      actions['Show Log'] = () => log.show();
      notify('error', message, Object.keys(actions), (choice) => actions[choice]?.());
    }
    return emptyResult(message, { ran: true, error: kind, settings: settingOf(failure), syncedAt: now.toISOString() });
  }

  return finish(deps, options, ran.outcomes, now);
}

/** The settings to open for an S3 failure a setting can fix (the S3 group for permissions). */
function settingOf(f: S3Failure): string[] | undefined {
  if (f.kind === 'access-denied') return [S3_SETTINGS.profile, S3_SETTINGS.bucket, S3_SETTINGS.readMetadata];
  if (f.kind === 'no-such-bucket') return f.endpoint ? [S3_SETTINGS.bucket, S3_SETTINGS.endpoint] : [S3_SETTINGS.bucket];
  if (f.kind === 'dns' && f.endpoint) return [S3_SETTINGS.pathStyle, S3_SETTINGS.endpoint];
  if (f.kind === 'network' && f.knob === 'timeout') return [S3_SETTINGS.timeout];
  return f.setting ? [f.setting] : undefined;
}

/** Errors that may pass by themselves. */
const RETRYABLE: ReadonlySet<S3ErrorKind> = new Set(['network', 'dns', 'throttled', 'not-found', 'other']);

/** The index entry of a file, from its live text when it is open. */
function currentFile(index: WorkspaceIndex, f: IndexedFile): IndexedFile {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.uri.toString() && !d.isClosed);
  return doc ? index.forDocument(doc) : f;
}

function folderKey(uri: vscode.Uri): string {
  return uri.with({ path: uri.path.replace(/\/+$/, '') }).toString();
}

/** The folder a command argument names: a style folder, or the training_versions.json inside one. */
function styleFolderKey(uri: vscode.Uri): string {
  return uri.path.endsWith(`/${VERSIONS_FILE}`) ? folderKey(vscode.Uri.joinPath(uri, '..')) : folderKey(uri);
}

function s3SettingsOf(uri: vscode.Uri): { s3: S3Settings; preferAcceleratedUrls: boolean } {
  const s = readSettings(uri);
  return {
    s3: {
      bucket: s.s3.bucket,
      prefix: s.s3.prefix,
      region: s.s3.region || undefined,
      endpoint: s.s3.endpoint || undefined,
      forcePathStyle: s.s3.forcePathStyle,
      profile: s.s3.profile || undefined,
      readMetadata: s.s3.readMetadata,
      timeoutMs: timeoutOf(uri),
    },
    preferAcceleratedUrls: s.preferAcceleratedUrls,
  };
}

/** `trainingVersions.s3.timeoutMs`: the time one S3 request may take (default 30 s). */
function timeoutOf(uri: vscode.Uri): number | undefined {
  const v = vscode.workspace.getConfiguration('trainingVersions.s3', uri).get<number>('timeoutMs');
  return typeof v === 'number' && v > 0 ? v : undefined;
}

/** Chooses the files and groups them by settings; says what is missing before anything reaches the network. */
async function prepare(index: WorkspaceIndex, options: SyncS3Options): Promise<Prepared> {
  await index.whenReady();
  const all = index.all().map((f) => currentFile(index, f));
  all.sort((a, b) => comparePaths(a.uri.path, b.uri.path));
  let files = all;
  let only: SyncGroup['only'];
  if (options.styleFolder) {
    const wanted = styleFolderKey(options.styleFolder);
    const f = all.find((x) => folderKey(vscode.Uri.joinPath(x.uri, '..')) === wanted);
    if (!f)
      return {
        ok: false,
        problem: 'not-found',
        message: `${shortName(options.styleFolder)} holds no training_versions.json of this workspace: nothing to sync.`,
      };
    if (f.styleId === undefined) {
      return {
        ok: false,
        problem: 'no-style-id',
        message: `${f.styleFolder} is not a style folder: its name does not start with a style id (as 59_comic_halftone does), so no model file belongs to it.`,
      };
    }
    // Other folders of the same style id take part in the matching, as in a full sync; only this file is written.
    const key = JSON.stringify(s3SettingsOf(f.uri));
    files = all.filter((x) => x.styleId === f.styleId && JSON.stringify(s3SettingsOf(x.uri)) === key);
    only = { styleId: f.styleId, uri: f.uri };
  } else if (all.length === 0) {
    return { ok: false, problem: 'nothing-to-sync', message: 'No training_versions.json in this workspace: nothing to sync.' };
  }

  const groups = new Map<string, SyncGroup>();
  for (const f of files) {
    const s = s3SettingsOf(f.uri);
    const key = JSON.stringify(s);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ...s, files: [], only }));
    g.files.push(f);
  }
  const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  for (const g of groups.values()) {
    const where = multi && g.files[0].folder ? ` for the folder ${g.files[0].folder.name}` : '';
    const problem = checkS3Settings(g.s3);
    if (problem)
      return {
        ok: false,
        problem: problemOf(problem),
        settings: problem.knobs.map((k) => S3_SETTINGS[k]),
        message: describeSettingProblem(problem, EDITOR_WORDING, where),
      };
  }
  return { ok: true, groups: [...groups.values()] };
}

function problemOf(p: SettingProblem): SyncS3Problem {
  return p.kind === 'no-bucket' ? 'no-bucket' : 'invalid-settings';
}

function where(s: S3Settings): string {
  return `s3://${s.bucket}/${s.prefix ?? ''}${s.endpoint ? ` on ${s.endpoint}` : ''}`;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function progressMessage(p: SyncProgress): string {
  if (p.phase === 'retry') return describeRetry(p.retry);
  if (p.phase === 'list') return `listed ${plural(p.pages, 'page')}, ${plural(p.objects, 'object')}`;
  if (p.phase === 'metadata') return `read the metadata of ${p.done} of ${plural(p.total, 'model file')}`;
  return `matched ${plural(p.matched, 'entry', 'entries')}, ${p.added} new, ${plural(p.files, 'file')} to change`;
}

interface GroupOutcome {
  group: SyncGroup;
  result: SyncWorkspaceResult;
  /** Plan paths → index entries. */
  byPath: Map<string, IndexedFile>;
}

type RunOutcome = { ok: true; outcomes: GroupOutcome[] } | { ok: false; failure: S3Failure };

/** Lists and plans each group through the sync flow; nothing is written here. Stops at the first error. */
async function runGroups(
  deps: Pick<SyncDeps, 'log' | 's3Listers'>,
  groups: SyncGroup[],
  now: Date,
  signal: AbortSignal,
  report: (message: string) => void,
): Promise<RunOutcome> {
  const outcomes: GroupOutcome[] = [];
  for (const group of groups) {
    const at = groups.length > 1 ? `${where(group.s3)}: ` : '';
    const byPath = new Map<string, IndexedFile>();
    for (const f of group.files) {
      // Plans name files as the messages do; the URI where two names collide.
      const name = shortName(f.uri);
      byPath.set(byPath.has(name) ? f.uri.toString() : name, f);
    }
    const what = group.only ? `style ${group.only.styleId} (${shortName(group.only.uri)})` : plural(group.files.length, 'file');
    report(`${at}listing…`);
    const run = await syncFromS3(
      {
        files: [...byPath].map(([path, f]) => ({ path, text: f.text, analysis: f.analysis })),
        s3: group.s3,
        preferAcceleratedUrls: group.preferAcceleratedUrls,
        onlyStyle: group.only?.styleId,
      },
      {
        createLister: deps.s3Listers.current(),
        now: () => now,
        signal,
        onResolved: (config, pathStyle) => {
          deps.log.info(
            `S3 sync: listing s3://${group.s3.bucket}/${group.s3.prefix ?? ''} ` +
              `${config ? describeEndpoint(config, EDITOR_WORDING, pathStyle) : group.s3.endpoint ? `on ${group.s3.endpoint}` : ''} for ${what}.`,
          );
          for (const n of config?.notices ?? []) deps.log.warn(`S3 sync: ${describeNotice(n, EDITOR_WORDING)}`);
        },
        onProgress: (p) => {
          if (p.phase === 'retry') deps.log.warn(`S3 sync: ${describeRetry(p.retry)}`);
          report(`${at}${progressMessage(p)}`);
        },
      },
    );
    if (!run.ok) return { ok: false, failure: run.failure };
    outcomes.push({ group, result: run.result, byPath });
  }
  return { ok: true, outcomes };
}

function showValue(x: unknown): string {
  return x === undefined ? '(none)' : JSON.stringify(x);
}

function formatChange(c: FieldChange): string {
  return `${c.field}: ${showValue(c.from)} → ${showValue(c.to)}`;
}

const onlyLastSynced = (changes: readonly FieldChange[]) => changes.every((c) => c.field === 'lastSynced');

/** One log line per change of the plan, then what was left out and why (model files without a folder: one line per style). */
function logPlan(log: vscode.LogOutputChannel, plan: SyncPlan, prefix: string): void {
  const view = planView(plan, prefix);
  for (const f of view.files) {
    for (const u of f.updates)
      log.info(`${f.path}: update ${u.label} ← ${u.key} (${u.ruleTitle}): ${u.changes.map(formatChange).join('; ')}`);
    for (const a of f.additions)
      log.info(`${f.path}: add "${a.id}" ← ${a.key}: loraUrl ${showValue(a.loraUrl)}, timestamp ${showValue(a.timestamp)}`);
    for (const n of f.notAdded) log.warn(`${f.path}: not added: ${n.key} — ${n.reason}`);
  }
  for (const s of view.invalid) log.warn(`${s.path}: skipped, left untouched — ${s.reason}`);
  for (const p of view.notStyleFolders) log.info(`${p}: not a style folder (no leading style id), not synced.`);
  for (const g of view.unplaced) {
    log.warn(
      g.count === 1
        ? `No style folder for ${g.examples[0]}: ${g.reason}; written nowhere.`
        : `No style folder for ${g.count} model files of style ${g.styleId} ` +
            `(${g.examples.join(', ')}${g.count > g.examples.length ? ', …' : ''}): ${g.reason}; written nowhere.`,
    );
  }
}

async function finish(
  deps: Pick<SyncDeps, 'log' | 'writes'>,
  options: SyncS3Options,
  outcomes: GroupOutcome[],
  now: Date,
): Promise<SyncS3Result> {
  const { log } = deps;
  const result = emptyResult('', { ran: true, syncedAt: now.toISOString() });
  const planned: DecisionFile[] = [];
  /** Style ids of files that do not parse: their model files wait for a fix, they do not lack a folder. */
  const brokenStyles = new Set<string>();
  for (const { group, result: r, byPath } of outcomes) {
    result.pages += r.pages;
    result.objects += r.objects;
    result.models += r.plan.counts.models;
    result.unplaced.push(...r.plan.unplaced.map((u) => ({ key: u.key, styleId: u.styleId, reason: u.reason })));
    for (const s of r.plan.skipped) {
      if (s.kind !== 'invalid') continue;
      const file = byPath.get(s.path);
      result.skipped.push({ uri: file?.uri.toString() ?? s.path, reason: s.reason });
      if (file?.styleId !== undefined) brokenStyles.add(file.styleId);
    }
    for (const f of r.plan.files) {
      const file = byPath.get(f.path);
      if (!file) continue;
      // A one-style sync writes that style's file only.
      if (group.only && file.uri.toString() !== group.only.uri.toString()) {
        if (f.changed) log.info(`S3 sync: ${f.path} shares style id ${f.styleId} and would change too; sync all styles to update it.`);
        continue;
      }
      result.notAdded.push(...f.notAdded.map((n) => ({ uri: file.uri.toString(), key: n.key, reason: n.reason })));
      if (!f.changed) continue;
      for (const u of f.updates) {
        if (onlyLastSynced(u.changes)) result.refreshed++;
        else result.updated++;
      }
      result.added += f.additions.length;
      const change = r.changes.find((c) => c.path === f.path);
      const oldText = change?.oldText ?? file.text;
      result.changes.push({ uri: file.uri.toString(), oldText, newText: f.newText });
      const write = syncWrite(f.path, oldText, f);
      if (write) planned.push({ ...write, uri: file.uri });
    }
  }

  // The plan goes to the log first: it can be read while the decision is open.
  for (const { group, result: r } of outcomes) logPlan(log, r.plan, group.s3.prefix ?? '');
  // One decision (SPEC.md §9): the summary, Review changes, Apply or Cancel; its notification is the report below.
  let applied: Pick<DecisionOutcome, 'applied' | 'written' | 'conflicts' | 'declined' | 'backups' | 'undo'> = {
    applied: false,
    written: [],
    conflicts: [],
    backups: [],
  };
  let report: { severity: 'information' | 'warning'; message: string } | undefined;
  if (planned.length) {
    applied = await deps.writes.decide({
      flow: 'sync',
      files: planned,
      answer: options.preview === false ? 'apply' : undefined,
      appliedMessage: (o) =>
        (report = summarize(
          { ...result, applied: o.applied, written: o.written.map(String), conflicts: o.conflicts.map(String) },
          outcomes,
          brokenStyles,
          false,
        )),
    });
  }
  result.applied = applied.applied;
  result.written = applied.written.map((u) => u.toString());
  result.conflicts = applied.conflicts.map((u) => u.toString());

  const backups = applied.written.filter((u) => readSettings(u).backups);
  if (applied.written.length) {
    const previous = backups.length ? ` (previous text in ${backups.map((u) => `${shortName(u)}.backup`).join(', ')})` : '';
    log.info(`S3 sync: wrote ${applied.written.map(shortName).join(', ')}${previous}.`);
  }
  if (applied.conflicts.length)
    log.warn(`S3 sync: ${applied.conflicts.map(shortName).join(', ')} changed while S3 was listed; left alone (sync again).`);

  const { severity, message } = report ?? summarize(result, outcomes, brokenStyles, !!applied.declined);
  result.message = message;
  log.info(`S3 sync: ${message}`);
  // After an apply the decision showed the one notification (with Undo); otherwise it is shown here.
  if (!report) notify(severity, message, ['Show Log'], () => log.show());
  return result;
}

function summarize(
  r: SyncS3Result,
  outcomes: GroupOutcome[],
  brokenStyles: ReadonlySet<string>,
  declined: boolean,
): { severity: 'information' | 'warning'; message: string } {
  const only = outcomes[0]?.group.only;
  const from = outcomes.map((o) => where(o.group.s3)).join(', ');
  // A one-style sync counts only its style's objects.
  const listed = only
    ? `${plural(r.models, 'model file')} of style ${only.styleId} under ${from}`
    : `${plural(r.models, 'model file')} among ${plural(r.objects, 'object')} under ${from}`;
  const notes: string[] = [];
  const homeless = r.unplaced.filter((u) => !brokenStyles.has(u.styleId));
  const waiting = r.unplaced.length - homeless.length;
  if (homeless.length) {
    const styles = [...new Set(homeless.map((u) => u.styleId))].sort((a, b) => Number(a) - Number(b));
    notes.push(
      `${plural(homeless.length, 'model file has', 'model files have')} no style folder here ` +
        `(style ${styles.slice(0, 5).join(', ')}${styles.length > 5 ? ', …' : ''}): written nowhere.`,
    );
  }
  if (r.notAdded.length)
    notes.push(
      `${plural(r.notAdded.length, 'model file was', 'model files were')} not added: ${r.notAdded.length === 1 ? 'it' : 'they'} would duplicate an entry.`,
    );
  if (r.skipped.length) {
    const names = r.skipped.map((s) => shortName(vscode.Uri.parse(s.uri))).join(', ');
    const wait = waiting
      ? `; ${plural(waiting, 'model file waits', 'model files wait')} for ${r.skipped.length === 1 ? 'it' : 'them'}`
      : '';
    notes.push(
      `${plural(r.skipped.length, 'file was', 'files were')} skipped because ` +
        `${r.skipped.length === 1 ? 'it does' : 'they do'} not parse (${names}${wait}): fix and sync again.`,
    );
  }
  if (r.conflicts.length)
    notes.push(
      `${plural(r.conflicts.length, 'file')} changed while S3 was listed and ` +
        `${r.conflicts.length === 1 ? 'was' : 'were'} left alone ` +
        `(${r.conflicts.map((u) => shortName(vscode.Uri.parse(u))).join(', ')}): sync again.`,
    );
  const severity = notes.length ? 'warning' : 'information';
  const tail = notes.length ? ` ${notes.join(' ')}` : '';
  if (declined) return { severity: 'information', message: `The S3 sync was cancelled; nothing was written (${listed}).` };
  if (r.changes.length === 0) {
    return { severity, message: `${r.models === 0 ? 'No model file to sync' : 'Nothing to change'}: ${listed}.${tail}` };
  }
  if (!r.applied)
    return { severity: 'warning', message: `Nothing was written: every file changed while S3 was listed. Sync again.${tail}` };
  const parts = [
    r.updated && `${plural(r.updated, 'entry', 'entries')} updated`,
    r.added && `${r.added} added`,
    r.refreshed && `${r.refreshed} re-synced (lastSynced only)`,
  ].filter(Boolean);
  return { severity, message: `Synced from S3: ${parts.join(', ')} in ${plural(r.written.length, 'file')} (${listed}).${tail}` };
}
