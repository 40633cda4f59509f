/**
 * Jobs a RunPod status check found expired (RunPod no longer holds them), remembered
 * per workspace across reloads (workspaceState), so the tree and the hover still say
 * so once the notification is gone. Only ids and times: nothing secret.
 */
import * as vscode from 'vscode';

const KEY = 'trainingVersions.expiredJobs';

/** file URI → version id → when RunPod said it expired (ms since epoch). */
type Stored = Record<string, Record<string, number>>;

export class ExpiredJobs implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  /** Fires with the files whose expired jobs changed. */
  readonly onDidChange = this.changed.event;
  /** One Map per file, the same object until it changes (the tree compares them). */
  private readonly maps = new Map<string, ReadonlyMap<string, number>>();

  constructor(private readonly state: vscode.Memento) {}

  /** The expired jobs of a file: version id → when. */
  of(uri: vscode.Uri): ReadonlyMap<string, number> | undefined {
    const key = uri.toString();
    let m = this.maps.get(key);
    if (!m) {
      const stored = this.state.get<Stored>(KEY, {})[key];
      if (!stored) return undefined;
      m = new Map(Object.entries(stored));
      this.maps.set(key, m);
    }
    return m;
  }

  /** Records what a status check found expired. */
  async record(jobs: readonly { uri: vscode.Uri; versionId: string }[], at: number): Promise<void> {
    if (jobs.length === 0) return;
    const stored: Stored = { ...this.state.get<Stored>(KEY, {}) };
    const uris = new Map<string, vscode.Uri>();
    for (const j of jobs) {
      const key = j.uri.toString();
      stored[key] = { ...stored[key], [j.versionId]: at };
      uris.set(key, j.uri);
      this.maps.delete(key);
    }
    await this.state.update(KEY, stored);
    this.changed.fire([...uris.values()]);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
