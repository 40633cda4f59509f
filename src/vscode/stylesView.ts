/**
 * The sidebar view around the styles tree: the TreeView itself, its badge and
 * filter message, the context keys that drive its menus and welcome content,
 * and the one status bar item of the extension: jobs in flight and problems
 * (derived from the index; a click focuses the view), and, while RunPod polling
 * runs, the number of jobs being polled.
 */
import * as vscode from 'vscode';
import type { StyleTotals } from '../core/styleTreeModel';
import { ExpiredJobs } from './expiredJobs';
import { STYLES_VIEW, StylesTreeProvider, type StylesTreeNode } from './stylesTree';
import { totalsTexts } from './stylesTreeItems';
import type { WorkspaceIndex } from './workspaceIndex';

/** Context keys (package.json `when` clauses use them). */
export const CONTEXT = {
  /** The index finished its first scan. */
  indexed: 'trainingVersions.indexed',
  /** The workspace has at least one training_versions.json. */
  hasFiles: 'trainingVersions.hasVersionFiles',
  /** The tree shows only styles and versions with problems. */
  onlyProblems: 'trainingVersions.onlyProblems',
} as const;

/** What RunPod polling shows: jobs being polled, or undefined when polling is off. */
export interface PollingDisplay {
  setPolling(state: { jobs: number; pollSeconds: number; health?: string } | undefined): void;
}

export class StylesView implements PollingDisplay, vscode.Disposable {
  readonly tree: StylesTreeProvider;
  readonly view: vscode.TreeView<StylesTreeNode>;
  private readonly item = vscode.window.createStatusBarItem('trainingVersions.summary', vscode.StatusBarAlignment.Left, 9);
  private readonly disposables: vscode.Disposable[] = [];
  /** What the status bar item shows now (undefined: hidden); tests read it. */
  statusText: string | undefined;
  /** The polling part of the item's text (undefined: not polling); tests read it. */
  pollingText: string | undefined;
  private polling: { jobs: number; pollSeconds: number; health?: string } | undefined;
  private totals: StyleTotals | undefined;

  /** Jobs RunPod checks found expired, remembered across reloads (workspaceState). */
  readonly expired: ExpiredJobs;

  constructor(index: WorkspaceIndex, state: vscode.Memento) {
    this.expired = new ExpiredJobs(state);
    this.tree = new StylesTreeProvider(index, this.expired);
    this.view = vscode.window.createTreeView(STYLES_VIEW, { treeDataProvider: this.tree, showCollapseAll: true });
    this.item.name = 'Training Versions: jobs and problems';
    this.item.command = { command: `${STYLES_VIEW}.focus`, title: 'Show Training Versions' };
    this.disposables.push(
      this.tree,
      this.expired,
      this.view,
      this.item,
      this.tree.onDidChangeTotals((t) => this.show(t)),
    );
    void vscode.commands.executeCommand('setContext', CONTEXT.onlyProblems, false);
    void index.whenReady().then(() => {
      void vscode.commands.executeCommand('setContext', CONTEXT.indexed, true);
      this.show(this.tree.totals());
    });
  }

  /** Shows only styles and versions with problems, or everything. */
  setOnlyProblems(on: boolean): void {
    this.tree.setOnlyProblems(on);
    void vscode.commands.executeCommand('setContext', CONTEXT.onlyProblems, on);
    this.view.message = on ? 'Showing only styles and versions with problems.' : undefined;
  }

  setPolling(state: { jobs: number; pollSeconds: number; health?: string } | undefined): void {
    this.polling = state && state.jobs > 0 ? state : undefined;
    this.pollingText = this.polling ? `$(radio-tower) ${this.polling.jobs}` : undefined;
    if (this.totals) this.show(this.totals);
  }

  private show(t: StyleTotals): void {
    this.totals = t;
    void vscode.commands.executeCommand('setContext', CONTEXT.hasFiles, t.styles > 0);
    const texts = totalsTexts(t, this.polling);
    this.view.badge = t.problems > 0 ? { value: t.problems, tooltip: texts.badgeTooltip } : undefined;
    if (t.styles === 0) {
      this.statusText = undefined;
      this.item.hide();
      return;
    }
    this.statusText =
      `${t.inFlight > 0 ? '$(sync~spin)' : '$(sync)'} ${t.inFlight}  ` +
      `${t.problems > 0 ? '$(warning)' : '$(check)'} ` +
      `${t.problems}${this.pollingText ? `  ${this.pollingText}` : ''}`;
    this.item.text = this.statusText;
    this.item.tooltip = texts.tooltip;
    this.item.accessibilityInformation = { label: texts.accessibility };
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
