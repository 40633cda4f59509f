/**
 * The "Styles" tree (`trainingVersions.styles`): workspace folder (only with
 * several) → style → version. A thin adapter over the core's `StyleTreeModel`,
 * fed by the one `WorkspaceIndex` (never a scan of its own). When the index
 * reports changed files, only their style rows refresh; the level above
 * refreshes only when styles appear, disappear or (while filtering) change
 * between having problems and not.
 */
import * as vscode from 'vscode';
import type { StyleFile } from '../core/styleFile';
import type { StyleSummary, VersionRow } from '../core/styleRows';
import { StyleTreeModel, type StyleTotals } from '../core/styleTreeModel';
import { type IconModel, styleContextValue, styleIcon, versionContextValue, versionIcon } from './stylesTreeItems';
import type { ExpiredJobs } from './expiredJobs';
import { versionMarkdownString } from './hover';
import { OUT_OF_DATE, styleMarkdown } from './hoverText';
import { type IndexedFile, type WorkspaceIndex, isRealFile } from './workspaceIndex';

export const STYLES_VIEW = 'trainingVersions.styles';

/** A workspace folder row (shown only when the workspace has several). */
export class FolderNode {
  readonly kind = 'folder';
  constructor(
    readonly group: string,
    readonly folder: vscode.WorkspaceFolder | undefined,
  ) {}
  get label(): string {
    return this.folder?.name ?? 'Outside the workspace';
  }
}

/** A style row: one training_versions.json. Stable per file, so refreshing it keeps its expansion. */
export class StyleNode {
  readonly kind = 'style';
  constructor(
    readonly key: string,
    readonly uri: vscode.Uri,
  ) {}
  /** The style folder. */
  get folderUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.uri, '..');
  }
}

/** A version row: one entry of `versions`. */
export class VersionNode {
  readonly kind = 'version';
  constructor(
    readonly style: StyleNode,
    readonly row: VersionRow,
  ) {}
  get uri(): vscode.Uri {
    return this.style.uri;
  }
  get versionId(): string | undefined {
    return this.row.versionId;
  }
}

export type StylesTreeNode = FolderNode | StyleNode | VersionNode;

export class StylesTreeProvider implements vscode.TreeDataProvider<StylesTreeNode>, vscode.Disposable {
  readonly model = new StyleTreeModel();
  private readonly changed = new vscode.EventEmitter<StylesTreeNode | StylesTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly totalsChanged = new vscode.EventEmitter<StyleTotals>();
  /** Fires after the tree took in a change of the index: totals for the status bar and badge. */
  readonly onDidChangeTotals = this.totalsChanged.event;
  private readonly styleNodes = new Map<string, StyleNode>();
  private readonly folderNodes = new Map<string, FolderNode>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.totalsChanged];
  private showFolders: boolean;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly expired?: ExpiredJobs,
  ) {
    this.showFolders = this.wantsFolders();
    for (const f of index.all()) this.model.upsert(this.styleFileOf(f), groupOf(f));
    this.disposables.push(
      index.onDidChange((uris) => this.update(uris)),
      ...(expired ? [expired.onDidChange((uris) => this.update(uris))] : []),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshAll()),
    );
  }

  /** True while only styles and versions with problems are shown. */
  get onlyProblems(): boolean {
    return this.model.onlyProblems;
  }

  setOnlyProblems(on: boolean): void {
    if (this.model.onlyProblems === on) return;
    this.model.onlyProblems = on;
    this.changed.fire(undefined);
  }

  totals(): StyleTotals {
    return this.model.totals();
  }

  /** Re-reads every file of the index (workspace folders changed). */
  refreshAll(): void {
    this.model.clear();
    for (const f of this.index.all()) this.model.upsert(this.styleFileOf(f), groupOf(f));
    for (const key of [...this.styleNodes.keys()]) if (!this.model.has(key)) this.styleNodes.delete(key);
    this.showFolders = this.wantsFolders();
    this.changed.fire(undefined);
    this.totalsChanged.fire(this.model.totals());
  }

  /** Takes in the files the index reports as changed; refreshes only what they touch. */
  private update(uris: readonly vscode.Uri[]): void {
    const groupsBefore = this.model.groups().sort().join('\n');
    const groups = new Set<string>();
    const styles = new Set<StyleNode>();
    for (const uri of uris) {
      if (!isRealFile(uri)) continue; // previews and diffs are never shown (SPEC.md §9)
      const key = uri.toString();
      const f = this.index.get(uri);
      if (!f) {
        const gone = this.model.remove(key);
        if (gone) groups.add(gone.group);
        this.styleNodes.delete(key);
        continue;
      }
      const before = this.model.groupOf(key);
      const r = this.model.upsert(this.styleFileOf(f), groupOf(f));
      if (r.added) {
        groups.add(groupOf(f));
        if (before !== undefined) groups.add(before);
      } else if (r.changed) {
        if (this.model.onlyProblems && r.problemsFlipped) groups.add(groupOf(f));
        else styles.add(this.styleNode(key, f.uri));
      }
    }
    if (groups.size === 0 && styles.size === 0) return;
    const folders = this.wantsFolders();
    if (folders !== this.showFolders || (groups.size > 0 && (!folders || this.model.groups().sort().join('\n') !== groupsBefore))) {
      // The first level itself changed: styles (or folders) came or went.
      this.showFolders = folders;
      this.changed.fire(undefined);
    } else {
      const nodes: StylesTreeNode[] = [...groups].map((g) => this.folderNode(g));
      for (const s of styles) if (!groups.has(this.model.groupOf(s.key) ?? '')) nodes.push(s);
      this.changed.fire(nodes);
    }
    this.totalsChanged.fire(this.model.totals());
  }

  async getChildren(element?: StylesTreeNode): Promise<StylesTreeNode[]> {
    if (!element) {
      await this.index.whenReady();
      if (this.showFolders) return this.folderGroups().map((g) => this.folderNode(g));
      return this.stylesOf(this.model.groups());
    }
    if (element.kind === 'folder') return this.stylesOf([element.group]);
    if (element.kind === 'style') return this.model.versions(element.key, Date.now()).map((r) => new VersionNode(element, r));
    return [];
  }

  getParent(element: StylesTreeNode): StylesTreeNode | undefined {
    if (element.kind === 'version') return element.style;
    if (element.kind === 'style' && this.showFolders) return this.folderNode(this.model.groupOf(element.key) ?? '');
    return undefined;
  }

  getTreeItem(element: StylesTreeNode): vscode.TreeItem {
    if (element.kind === 'folder') return this.folderItem(element);
    if (element.kind === 'style') return this.styleItem(element);
    return this.versionItem(element);
  }

  /** The tooltip is built only when the row is hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: StylesTreeNode): vscode.TreeItem {
    if (element.kind === 'version' && item.tooltip === undefined) item.tooltip = this.versionTooltip(element);
    return item;
  }

  /** The summary of a style row (undefined once the file is gone). */
  summaryOf(node: StyleNode): StyleSummary | undefined {
    return this.model.summary(node.key);
  }

  /** The style row of a file, if it is in the tree. */
  styleFor(uri: vscode.Uri): StyleNode | undefined {
    const key = uri.toString();
    return this.model.has(key) ? this.styleNode(key, uri) : undefined;
  }

  /** The version row of an entry (by id, else by position), if it is in the tree. */
  versionFor(uri: vscode.Uri, versionId: string): VersionNode | undefined {
    const style = this.styleFor(uri);
    if (!style) return undefined;
    const row = this.model.versions(style.key, Date.now()).find((r) => r.versionId === versionId);
    return row ? new VersionNode(style, row) : undefined;
  }

  private folderItem(node: FolderNode): vscode.TreeItem {
    const styles = this.model.styles(node.group);
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `folder:${node.group}`;
    const problems = styles.reduce((n, s) => n + s.problemCount, 0);
    item.description = [
      `${styles.length} ${styles.length === 1 ? 'style' : 'styles'}`,
      ...(problems ? [`${problems} ${problems === 1 ? 'problem' : 'problems'}`] : []),
    ].join(' · ');
    item.iconPath = vscode.ThemeIcon.Folder;
    if (node.folder) item.resourceUri = node.folder.uri;
    item.contextValue = 'folder;';
    return item;
  }

  private styleItem(node: StyleNode): vscode.TreeItem {
    const s = this.model.summary(node.key);
    if (!s) return new vscode.TreeItem(node.uri.path, vscode.TreeItemCollapsibleState.None);
    const item = new vscode.TreeItem(
      s.label,
      s.versionCount > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `style:${node.key}`;
    item.description = s.description;
    item.iconPath = themeIcon(styleIcon(s));
    item.contextValue = styleContextValue(s);
    const md = new vscode.MarkdownString(styleMarkdown(s, vscode.workspace.asRelativePath(node.uri)), true);
    md.supportThemeIcons = true;
    item.tooltip = md;
    return item;
  }

  private versionItem(node: VersionNode): vscode.TreeItem {
    const r = node.row;
    const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.None);
    item.id = `version:${r.key}`;
    item.description = r.description;
    item.iconPath = themeIcon(versionIcon(r));
    item.contextValue = versionContextValue(r);
    item.accessibilityInformation = {
      label: `${r.label}, ${r.status ?? 'no status'}${r.description ? `, ${r.description}` : ''}${r.outOfDate ? ', out of date' : ''}`,
    };
    if (r.outOfDate) {
      // Its offsets are of the last text that parsed: open the file, where the syntax error is.
      item.tooltip = OUT_OF_DATE;
      item.command = { command: 'vscode.open', title: 'Open File', arguments: [node.uri] };
    } else {
      item.command = { command: 'trainingVersions.tree.openVersion', title: 'Open Version', arguments: [node] };
    }
    return item;
  }

  private versionTooltip(node: VersionNode): vscode.MarkdownString | undefined {
    const file = this.index.get(node.uri);
    const v = file?.analysis.versions.find((x) => x.index === node.row.entryIndex);
    if (!file || !v) return undefined;
    return versionMarkdownString({ ...file, expiredJobs: this.expired?.of(file.uri) }, v, { fields: true });
  }

  private stylesOf(groups: string[]): StyleNode[] {
    const out: StyleNode[] = [];
    for (const g of groups) for (const s of this.model.styles(g)) out.push(this.styleNode(s.key));
    return out;
  }

  private styleNode(key: string, uri?: vscode.Uri): StyleNode {
    let n = this.styleNodes.get(key);
    if (!n) {
      n = new StyleNode(key, uri ?? vscode.Uri.parse(key));
      this.styleNodes.set(key, n);
    }
    return n;
  }

  private folderNode(group: string): FolderNode {
    let n = this.folderNodes.get(group);
    if (!n) {
      n = new FolderNode(group, group ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(group)) : undefined);
      this.folderNodes.set(group, n);
    }
    return n;
  }

  /** Groups with styles, in the order of the workspace folders; files outside any folder last. */
  private folderGroups(): string[] {
    const present = new Set(this.model.groups());
    const out = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()).filter((g) => present.has(g));
    if (present.has('')) out.push('');
    return out;
  }

  /** Folder rows only when the workspace has several folders (or files outside its folder). */
  private wantsFolders(): boolean {
    if ((vscode.workspace.workspaceFolders?.length ?? 0) > 1) return true;
    const groups = this.model.groups();
    return groups.length > 1;
  }

  private styleFileOf(f: IndexedFile): StyleFile {
    return {
      key: f.uri.toString(),
      styleFolder: f.styleFolder,
      styleId: f.styleId,
      digest: f.digest,
      // Read when a style is expanded: the index recomputes a closed file's analysis then.
      get analysis() {
        return f.analysis;
      },
      expiredJobs: this.expired?.of(f.uri),
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function groupOf(f: IndexedFile): string {
  return f.folder?.uri.toString() ?? '';
}

export function themeIcon(icon: IconModel): vscode.ThemeIcon {
  return new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
}
