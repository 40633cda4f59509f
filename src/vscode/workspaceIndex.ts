/**
 * The one index of every training_versions.json in the workspace, open or not.
 * Diagnostics, code actions, hovers and the tree all read it; nothing else scans.
 * Open documents are indexed from their live text (debounced), closed files
 * from disk, kept current by a file watcher.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Analysis, refusedAsNonUtf8 } from '../core/findings';
import { type AnalysisDigest, decodeLeniently, indexStyleFile } from '../core/styleFile';
import { scanEach } from '../services/files';
import { readSettings } from './settings';

export const VERSIONS_GLOB = '**/training_versions.json';
export const VERSIONS_FILE = 'training_versions.json';
const EXCLUDE = '**/{node_modules,.git}/**';

export interface IndexedFile {
  uri: vscode.Uri;
  folder: vscode.WorkspaceFolder | undefined;
  /** The style folder's name (`1_ink_intensity`). */
  styleFolder: string;
  styleId: string | undefined;
  /**
   * Text as the editor sees it (no BOM). A closed file's is decoded from `bytes` each
   * time it is read: read it once per use.
   */
  readonly text: string;
  /**
   * A closed file's bytes as read from disk. The index keeps these rather than the text:
   * outside the JS heap, so the garbage collector never copies them (the scan's largest cost).
   */
  readonly bytes?: Uint8Array;
  /** The open document's version when indexed from one. */
  documentVersion?: number;
  /**
   * The whole analysis. An open document's is kept; a closed file's is recomputed
   * from `text` (same settings and clock) when it was collected: read it once per use.
   */
  readonly analysis: Analysis;
  /** What the diagnostics, the tree's first level and polling read: kept for every file. */
  readonly digest: AnalysisDigest;
  /** Read from disk and not valid UTF-8: reported, never written (its bad bytes would be lost). */
  notUtf8?: boolean;
}

export function isVersionsFile(uri: vscode.Uri): boolean {
  return isRealFile(uri) && path.basename(uri.path) === VERSIONS_FILE && !/\/(node_modules|\.git)\//.test(uri.path);
}

/**
 * Only real files count (SPEC.md §9): the documents VS Code opens for previews and
 * diffs (`git:`, `vscode-bulkeditpreview-editor:`, our review's proposed side, …)
 * share the file's path but are never indexed, diagnosed or shown in the tree.
 */
export function isRealFile(uri: vscode.Uri): boolean {
  return uri.scheme === 'file';
}

export class WorkspaceIndex implements vscode.Disposable {
  private readonly files = new Map<string, IndexedFile>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  /** Fires with the files that were added, changed or removed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly pending = new Map<string, { uri: vscode.Uri; timer: NodeJS.Timeout }>();
  /** Created paths (not training_versions.json) waiting to be searched, batched. */
  private readonly createdPaths = new Map<string, vscode.Uri>();
  private createdTimer: NodeJS.Timeout | undefined;
  private ready: Promise<void> | undefined;
  /** Files scanned, for the log. */
  lastScanMs = 0;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly debounceMs = 150,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(VERSIONS_GLOB);
    // Deleting or renaming a style folder reports only the folder: watch deletes of anything.
    // Creates too: on Linux a file written right after its new folder may get no event of its own
    // (parcel-bundler/watcher#243: the folder is not watched yet), so created folders are searched.
    const deletes = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.disposables.push(
      watcher,
      deletes,
      watcher.onDidCreate((u) => this.schedule(u, 0)),
      watcher.onDidChange((u) => this.schedule(u, 0)),
      watcher.onDidDelete((u) => this.remove(u)),
      deletes.onDidDelete((u) => this.removeUnder(u)),
      deletes.onDidCreate((u) => this.created(u)),
      vscode.workspace.onDidOpenTextDocument((d) => isVersionsFile(d.uri) && this.schedule(d.uri, 0)),
      vscode.workspace.onDidChangeTextDocument(
        (e) => e.contentChanges.length && isVersionsFile(e.document.uri) && this.schedule(e.document.uri, this.debounceMs),
      ),
      // Closing an unsaved document falls back to what is on disk.
      vscode.workspace.onDidCloseTextDocument((d) => isVersionsFile(d.uri) && this.schedule(d.uri, 0)),
      vscode.workspace.onDidRenameFiles((e) => {
        for (const f of e.files) {
          this.removeUnder(f.oldUri);
          void this.scanUnder(f.newUri);
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('trainingVersions.staleAfterHours') || e.affectsConfiguration('trainingVersions.preferAcceleratedUrls'))
          this.reanalyzeAll();
      }),
    );
  }

  /** Resolves once the first scan is complete. */
  whenReady(): Promise<void> {
    if (!this.ready) this.ready = this.rescan();
    return this.ready;
  }

  all(): IndexedFile[] {
    return [...this.files.values()];
  }

  get(uri: vscode.Uri): IndexedFile | undefined {
    return this.files.get(uri.toString());
  }

  /** The index entry for a document, brought up to date with its text now. */
  forDocument(doc: vscode.TextDocument): IndexedFile {
    // A preview or diff document is analysed for its caller, never kept (SPEC.md §9).
    if (!isRealFile(doc.uri)) return this.build(doc.uri, doc.getText(), doc.version);
    const cur = this.files.get(doc.uri.toString());
    if (cur && cur.documentVersion === doc.version) return cur;
    const f = this.build(doc.uri, doc.getText(), doc.version);
    this.files.set(doc.uri.toString(), f);
    // A pending debounced load will now see this version as done: announce the change here.
    queueMicrotask(() => this.changed.fire([doc.uri]));
    return f;
  }

  /** Scans every workspace folder again. */
  async rescan(): Promise<void> {
    const t0 = Date.now();
    const uris = await vscode.workspace.findFiles(VERSIONS_GLOB, EXCLUDE);
    const seen = new Set(uris.map((u) => u.toString()));
    const removed = [...this.files.values()].filter((f) => !seen.has(f.uri.toString())).map((f) => f.uri);
    for (const u of removed) this.files.delete(u.toString());
    // The active editor's file first, its diagnostics announced at once; then the others,
    // a few reads in flight and a yield to the host between files, so that the scan of a
    // large workspace never holds the extension host for long.
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const first = active === undefined ? -1 : uris.findIndex((u) => u.toString() === active);
    if (first > 0) uris.unshift(...uris.splice(first, 1));
    const results = await scanEach(uris, async (u, i) => {
      const r = await this.load(u);
      if (i === 0 && first >= 0 && r) this.changed.fire([r]);
      return i === 0 && first >= 0 ? undefined : r;
    });
    const changed = results.filter((u): u is vscode.Uri => u !== undefined);
    this.lastScanMs = Date.now() - t0;
    this.log.info(`Indexed ${uris.length} training_versions.json file(s) in ${this.lastScanMs} ms.`);
    this.changed.fire([...removed, ...changed]);
  }

  private schedule(uri: vscode.Uri, delay: number): void {
    if (!isVersionsFile(uri)) return;
    const key = uri.toString();
    const p = this.pending.get(key);
    if (p) clearTimeout(p.timer);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      void this.load(uri).then((u) => u && this.changed.fire([u]));
    }, delay);
    this.pending.set(key, { uri, timer });
  }

  private remove(uri: vscode.Uri): void {
    const key = uri.toString();
    // A deleted file whose document is still open keeps its live text.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key && !d.isClosed && d.isDirty)) return;
    if (this.files.delete(key)) this.changed.fire([uri]);
  }

  /** Forgets every indexed file at or below `uri` (a deleted file or folder). */
  private removeUnder(uri: vscode.Uri): void {
    const prefix = uri.toString();
    const gone = [...this.files.values()].filter((f) => {
      const k = f.uri.toString();
      return k === prefix || k.startsWith(prefix.endsWith('/') ? prefix : prefix + '/');
    });
    for (const f of gone) this.remove(f.uri);
  }

  /** A path was created: if it is a folder, search it (batched; the outermost of nested ones). */
  private created(uri: vscode.Uri): void {
    if (isVersionsFile(uri) || /\/(node_modules|\.git)(\/|$)/.test(uri.path)) return;
    this.createdPaths.set(uri.toString(), uri);
    this.createdTimer ??= setTimeout(() => {
      this.createdTimer = undefined;
      const keys = [...this.createdPaths.keys()];
      const uris = [...this.createdPaths.values()].filter((u) => !keys.some((k) => u.toString().startsWith(k + '/')));
      this.createdPaths.clear();
      for (const u of uris) void this.scanUnder(u);
    }, 100);
  }

  /** Indexes the files at or below `uri` (a created or renamed file or folder). */
  private async scanUnder(uri: vscode.Uri): Promise<void> {
    if (isVersionsFile(uri)) return this.schedule(uri, 0);
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      return;
    }
    if (stat.type & vscode.FileType.Directory) {
      let found: vscode.Uri[];
      try {
        found = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, VERSIONS_GLOB), EXCLUDE);
      } catch (err) {
        // The folder went away between the stat and the search (a quick create-then-delete):
        // nothing left to index there. The search's own error would be an unhandled rejection.
        this.log.debug(`Not searched ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      for (const u of found) this.schedule(u, 0);
    }
  }

  /** (Re)indexes one file from its open document or from disk; returns it when it changed. */
  private async load(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
    const key = uri.toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && !d.isClosed);
    if (doc) {
      const cur = this.files.get(key);
      if (cur && cur.documentVersion === doc.version) return undefined;
      this.files.set(key, this.build(uri, doc.getText(), doc.version));
      return uri;
    }
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      if (this.files.delete(key)) return uri;
      if ((e as vscode.FileSystemError).code !== 'FileNotFound') this.log.warn(`Cannot read ${uri.fsPath}: ${(e as Error).message}`);
      return undefined;
    }
    let text: string;
    let utf8 = true;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: analysed with U+FFFD in place of the bad bytes, and never written back.
      utf8 = false;
      text = decodeLeniently(bytes);
    }
    const cur = this.files.get(key);
    if (cur && cur.documentVersion === undefined && cur.text === text) return undefined;
    // A view into a larger buffer would keep all of it: keep a copy of just the file.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    this.files.set(key, this.build(uri, text, undefined, !utf8, own));
    return uri;
  }

  /** `bytes`, for a closed file: kept instead of `text`, which is decoded from them when read. */
  private build(uri: vscode.Uri, text: string, documentVersion: number | undefined, notUtf8 = false, bytes?: Uint8Array): IndexedFile {
    const s = readSettings(uri);
    // The vscode-free part (shared with scripts/bench-index.ts): style folder and id from the path, the analysis,
    // of which only the digest is kept for a closed file (the rest is recomputed from the text when asked).
    const f = indexStyleFile(
      uri.toString(),
      uri.path,
      text,
      { preferAcceleratedUrls: s.preferAcceleratedUrls, staleAfterHours: s.staleAfterHours, now: Date.now() },
      { keep: documentVersion !== undefined, refine: notUtf8 ? refusedAsNonUtf8 : undefined, bytes },
    );
    return {
      uri,
      folder: vscode.workspace.getWorkspaceFolder(uri),
      styleFolder: f.styleFolder,
      styleId: f.styleId,
      get text() {
        return f.text;
      },
      bytes,
      documentVersion,
      notUtf8,
      digest: f.digest,
      get analysis() {
        return f.analysis;
      },
    };
  }

  private reanalyzeAll(): void {
    const uris: vscode.Uri[] = [];
    for (const [key, f] of this.files) {
      this.files.set(key, this.build(f.uri, f.text, f.documentVersion, f.notUtf8, f.bytes));
      uris.push(f.uri);
    }
    this.changed.fire(uris);
  }

  dispose(): void {
    if (this.createdTimer) clearTimeout(this.createdTimer);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const d of this.disposables) d.dispose();
  }
}
