/**
 * The one decision that ends Clean Up Workspace and Sync from S3 (SPEC.md §9):
 * a modal summary in the domain's words with *Apply*, *Review changes* and
 * *Cancel*. *Review changes* opens VS Code's multi-file diff editor on the
 * planned texts — both sides served read-only by our own URI scheme, never
 * indexed — labelled with what each file's change keeps and why, and leads back
 * to the same decision (a notification with the same buttons, and Apply /
 * Cancel in the review's title bar). *Apply* writes every change shown as ONE
 * undoable WorkspaceEdit, with `<file>.backup` per the `backups` setting;
 * *Cancel* writes nothing. Afterwards one notification says what was written,
 * with *Undo* and *Show Log*.
 *
 * Also the shared "apply as one undoable edit, then say what changed with Undo"
 * of the flows that write without asking (RunPod status answers, SPEC.md §9).
 */
import * as vscode from 'vscode';
import { type PlannedWrite, totalsOf, type WriteTotals } from '../core/writePlan';
import { type AppliedEdits, applyPlannedEdits, type PlannedFileEdit, shortName } from './applyPlannedEdits';
import { readSettings } from './settings';
import {
  appliedSummary,
  backupsSentence,
  conflictsSentence,
  decisionDetail,
  decisionSummary,
  FLOW_TITLES,
  plural,
  reviewLabel,
  reviewTitle,
  type WriteFlow,
} from './writeWords';

export const REVIEW_SCHEME = 'training-versions-review';
const REVIEWING_CONTEXT = 'trainingVersions.reviewing';

export type DecisionChoice = 'apply' | 'review' | 'cancel';

/** A planned write of one workspace file. */
export interface DecisionFile extends PlannedWrite {
  uri: vscode.Uri;
}

/** What the user is asked: the same words the dialog shows. */
export interface DecisionRequest {
  flow: WriteFlow;
  /** "Clean Up Workspace" */
  title: string;
  /** "Merge 3 duplicate groups and upgrade 1 URL in 4 files." */
  message: string;
  /** One line per file, then the backups. */
  detail: string;
  totals: WriteTotals;
  /** Each file with its review label. */
  files: { uri: vscode.Uri; label: string }[];
  /** True when the review was opened: the decision is asked again. */
  reviewed: boolean;
  /** The review's two sides per file (set once the review was opened). */
  review?: { title: string; sides: { label: string; original: vscode.Uri; proposed: vscode.Uri }[] };
}

/** Answers decisions instead of the user (tests, scripts). */
export type DecisionAnswerer = (request: DecisionRequest) => DecisionChoice | Thenable<DecisionChoice>;

export interface DecisionOutcome extends AppliedEdits {
  choice: 'apply' | 'cancel';
  /** What the decision proposed. */
  totals: WriteTotals;
  /** What was written (only the files written count). */
  writtenTotals: WriteTotals;
  /** The notification's text (empty after Cancel). */
  message: string;
}

/** A notification this module showed (kept for tests: what the user read). */
export interface WriteNotice {
  severity: 'information' | 'warning' | 'error';
  message: string;
  actions: string[];
  /** Runs what the button `action` runs (tests: the same handler a click reaches). */
  choose(action: string): Promise<unknown>;
}

/** Buttons of a caller's own (e.g. RunPod's "Sync Style from S3"), shown between Undo and Show Log. */
export interface MoreActions {
  actions: string[];
  handle(choice: string): unknown;
}

export interface DecideOptions {
  flow: WriteFlow;
  files: readonly DecisionFile[];
  /** Answer without asking (a command called with `{ preview: false }` by a script or test). */
  answer?: DecisionChoice;
  /** Shown after Apply instead of the default summary (the sync's own report); the backups sentence is appended. */
  appliedMessage?: (outcome: DecisionOutcome) => { severity: 'information' | 'warning'; message: string };
}

/** Serves the review's two sides: text by URI, read-only (a content provider's documents cannot be edited). */
class ReviewContent implements vscode.TextDocumentContentProvider {
  readonly texts = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

export class WriteDecisions implements vscode.Disposable {
  private answerer: DecisionAnswerer | undefined;
  private readonly content = new ReviewContent();
  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;
  /** Resolves the decision that is being reviewed (the title-bar buttons). */
  private pendingReview: ((choice: DecisionChoice) => void) | undefined;
  /** The notifications shown, newest last (at most 20). */
  readonly notices: WriteNotice[] = [];
  /** The decisions asked, newest last (at most 20). */
  readonly requests: DecisionRequest[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, this.content),
      vscode.commands.registerCommand('trainingVersions.review.apply', () => this.pendingReview?.('apply')),
      vscode.commands.registerCommand('trainingVersions.review.cancel', () => this.pendingReview?.('cancel')),
    );
  }

  /** Decisions are answered by `fn` (tests) until the returned Disposable is disposed. */
  answerWith(fn: DecisionAnswerer): vscode.Disposable {
    this.answerer = fn;
    return new vscode.Disposable(() => {
      if (this.answerer === fn) this.answerer = undefined;
    });
  }

  /** Asks, reviews as often as asked, then applies or cancels. `files` must have edits. */
  async decide(options: DecideOptions): Promise<DecisionOutcome> {
    const { flow } = options;
    const files = options.files.filter((f) => f.edits.length > 0);
    const totals = totalsOf(files);
    const names = files.map((f) => ({ name: shortName(f.uri), write: f }));
    const backups = files.filter((f) => readSettings(f.uri).backups).length;
    const request: DecisionRequest = {
      flow,
      title: FLOW_TITLES[flow],
      message: decisionSummary(flow, totals),
      detail: decisionDetail(names, backups),
      totals,
      files: files.map((f, i) => ({ uri: f.uri, label: reviewLabel(names[i].name, f) })),
      reviewed: false,
    };
    const id = ++this.seq;
    let choice: DecisionChoice = options.answer ?? 'review';
    try {
      for (;;) {
        if (!options.answer) {
          this.remember(this.requests, { ...request });
          choice = await this.ask(request);
        }
        if (choice !== 'review') break;
        request.review = await this.openReview(id, request, files);
        request.reviewed = true;
        if (options.answer) break; // a script asked for a review only: nothing more to decide
      }
    } finally {
      this.pendingReview = undefined;
      void vscode.commands.executeCommand('setContext', REVIEWING_CONTEXT, false);
      if (request.review) await this.closeReview(id, request.review.title);
    }
    const empty = totalsOf([]);
    if (choice !== 'apply') {
      this.log.info(`${request.title}: cancelled; nothing was written (${request.message.replace(/\.$/, '')} was proposed).`);
      vscode.window.setStatusBarMessage(`$(circle-slash) ${request.title} cancelled: nothing was written`, 5000);
      return {
        choice: 'cancel',
        applied: false,
        written: [],
        conflicts: [],
        declined: true,
        backups: [],
        totals,
        writtenTotals: empty,
        message: '',
      };
    }
    const applied = await applyPlannedEdits(files.map((f): PlannedFileEdit => ({ uri: f.uri, text: f.oldText, edits: f.edits })));
    const written = new Set(applied.written.map((u) => u.toString()));
    const writtenTotals = totalsOf(files.filter((f) => written.has(f.uri.toString())));
    const outcome: DecisionOutcome = { ...applied, choice: 'apply', totals, writtenTotals, message: '' };
    for (const f of files) {
      if (written.has(f.uri.toString()))
        this.log.info(`${request.title}: wrote ${shortName(f.uri)}: ${request.files.find((x) => x.uri === f.uri)?.label ?? ''}`);
    }
    const custom = options.appliedMessage?.(outcome);
    const conflicts = conflictsSentence(applied.conflicts.map(shortName), flow);
    const severity = custom?.severity ?? (applied.conflicts.length ? 'warning' : 'information');
    const message =
      custom?.message ??
      (applied.applied
        ? `${FLOW_TITLES[flow]}: ${appliedSummary(flow, writtenTotals)}${conflicts ? ` ${conflicts}` : ''}`
        : `${FLOW_TITLES[flow]}: nothing was written. ${conflicts}`);
    outcome.message = this.notifyWritten(severity, message, applied);
    return outcome;
  }

  /**
   * Applies `files` as one undoable edit (backups per the setting) without
   * asking, then shows one notification: `describe`'s sentence, the backups,
   * *Undo* and *Show Log*. For writes that record a source of truth (RunPod).
   */
  async applyAndNotify(
    files: readonly PlannedFileEdit[],
    describe: (applied: AppliedEdits) => { severity: 'information' | 'warning' | 'error'; message: string; more?: MoreActions },
  ): Promise<AppliedEdits & { message: string }> {
    const applied = await applyPlannedEdits(files);
    const { severity, message, more } = describe(applied);
    return { ...applied, message: this.notifyWritten(severity, message, applied, more) };
  }

  /**
   * The one notification after an apply: `message`, then the backups it wrote;
   * *Undo* when something was written, then `more`'s buttons, *Show Log* always.
   * Returns the text shown.
   */
  notifyWritten(severity: 'information' | 'warning' | 'error', message: string, applied: AppliedEdits, more?: MoreActions): string {
    const text = [message, backupsSentence(applied.backups.length)].filter(Boolean).join(' ');
    const extra = (more?.actions ?? []).filter((a) => a !== 'Undo' && a !== 'Show Log');
    const actions = [...(applied.applied && applied.undo ? ['Undo'] : []), ...extra, 'Show Log'];
    this.log.info(text);
    this.show(severity, text, actions, async (choice): Promise<unknown> => {
      if (choice === 'Show Log') return this.log.show();
      if (extra.includes(choice)) return more?.handle(choice);
      if (choice !== 'Undo' || !applied.undo) return undefined;
      const r = await applied.undo();
      const parts = [
        r.undone.length
          ? `Undone: ${r.undone.map(shortName).join(', ')} ${r.undone.length === 1 ? 'is' : 'are'} as ` +
            `before${applied.backups.length ? ', with the previous backups' : ''}.`
          : '',
        r.changedSince.length
          ? `${plural(r.changedSince.length, 'file')} changed since and ` +
            `${r.changedSince.length === 1 ? 'was' : 'were'} left as ` +
            `${r.changedSince.length === 1 ? 'it is' : 'they are'} (${r.changedSince.map(shortName).join(', ')}).`
          : '',
      ].filter(Boolean);
      this.log.info(parts.join(' '));
      this.show(r.changedSince.length ? 'warning' : 'information', parts.join(' '), ['Show Log'], () => this.log.show());
      return r;
    });
    return text;
  }

  private show(severity: WriteNotice['severity'], message: string, actions: string[], handle: (choice: string) => unknown): void {
    this.remember(this.notices, { severity, message, actions, choose: async (c) => handle(c) });
    const fn =
      severity === 'error'
        ? vscode.window.showErrorMessage
        : severity === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    // Not awaited: a notification left open must not hold the command (or a test).
    void fn(`Training Versions: ${message}`, ...actions).then((c) => (c ? handle(c) : undefined));
  }

  private remember<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > 20) list.splice(0, list.length - 20);
  }

  /** The modal dialog first; once reviewed, a notification with the same buttons and the review's title-bar buttons. */
  private async ask(request: DecisionRequest): Promise<DecisionChoice> {
    if (this.answerer) return this.answerer(request);
    const head = `${request.title}: ${request.message}`;
    if (!request.reviewed) {
      const c = await vscode.window.showInformationMessage(head, { modal: true, detail: request.detail }, 'Apply', 'Review changes');
      return c === 'Apply' ? 'apply' : c === 'Review changes' ? 'review' : 'cancel';
    }
    return new Promise<DecisionChoice>((resolve) => {
      let settled = false;
      const settle = (c: DecisionChoice) => {
        if (settled) return;
        settled = true;
        this.pendingReview = undefined;
        resolve(c);
      };
      this.pendingReview = settle;
      void vscode.commands.executeCommand('setContext', REVIEWING_CONTEXT, true);
      void vscode.window
        .showInformationMessage(
          `Training Versions: ${head} Apply writes it all, with backups per trainingVersions.backups.`,
          'Apply',
          'Review changes',
          'Cancel',
        )
        .then((c) => {
          // Closed without a choice (or answered from the title bar first): Cancel unless already settled.
          settle(c === 'Apply' ? 'apply' : c === 'Review changes' ? 'review' : 'cancel');
        });
    });
  }

  /** Opens the multi-file diff editor on the planned texts: both sides are ours, so the review shows exactly what Apply writes. */
  private async openReview(
    id: number,
    request: DecisionRequest,
    files: readonly DecisionFile[],
  ): Promise<NonNullable<DecisionRequest['review']>> {
    const title = reviewTitle(request.flow, request.totals);
    const sides = files.map((f, i) => {
      const label = request.files[i].label;
      // Same path on both sides (the header shows it as the file and its label; different paths would read as a rename).
      const p = `/${label}/${f.uri.path.slice(f.uri.path.lastIndexOf('/') + 1)}`;
      const original = vscode.Uri.from({ scheme: REVIEW_SCHEME, authority: 'current', path: p, query: `d=${id}&f=${i}` });
      const proposed = vscode.Uri.from({ scheme: REVIEW_SCHEME, authority: 'proposed', path: p, query: `d=${id}&f=${i}` });
      this.content.texts.set(original.toString(), f.oldText);
      this.content.texts.set(proposed.toString(), f.newText);
      return { label, original, proposed, resource: f.uri };
    });
    await vscode.commands.executeCommand(
      'vscode.changes',
      title,
      sides.map((s) => [s.resource, s.original, s.proposed]),
    );
    this.log.info(`${request.title}: review opened (${plural(sides.length, 'file')}).`);
    return { title, sides: sides.map(({ label, original, proposed }) => ({ label, original, proposed })) };
  }

  /** Closes the review's tab and forgets its texts. */
  private async closeReview(id: number, title: string): Promise<void> {
    // The editor appends the file count to the title ("… (4 files)").
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === title || t.label.startsWith(`${title} (`));
    if (tabs.length) await vscode.window.tabGroups.close(tabs).then(undefined, () => undefined);
    for (const key of [...this.content.texts.keys()])
      if (key.includes(`d%3D${id}%26`) || key.includes(`d=${id}&`)) this.content.texts.delete(key);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
