/**
 * `trainingVersions.runpod.pollSeconds`: while jobs are in flight, check their
 * status every that many seconds (services `StatusPoller`), writing what is
 * learned as a manual check does. Stops when none are left, on an error (a
 * refused key, exhausted retries, a missing setting or key: said once, not
 * retried), or when the setting goes to 0; starts again when the settings or
 * the key change, when new in-flight jobs appear, or after a manual check.
 */
import * as vscode from 'vscode';
import type { PollDecision } from '../core/runpodPoll';
import { jobsToPoll } from '../core/runpodWorkspace';
import type { StatusCheckResult } from '../flows/status';
import { StatusPoller } from '../services/runpodPoller';
import { runpodChunk } from './chunks';
import type { RunpodCheckEvents } from './runpodCheckEvents';
import { RUNPOD_API_KEY_SECRET } from './runpodKeyStore';
import type { PollCheckDeps } from './runpodPollCheck';
import type { PollingDisplay } from './stylesView';
import { readSettings } from './settings';
import { notify, openSettings } from './notify';

export interface PollingState {
  polling: boolean;
  /** In-flight jobs whose outcome is not known yet: the ones a poll asks about. */
  jobs: number;
  pollSeconds: number;
  /** What polling does, or why it is off. */
  reason: string;
  /** Checks polling has made (tests wait on it). */
  checks: number;
  /** The endpoint's queue and workers at the last poll (also in the status bar item's tooltip). */
  health?: string;
}

/** A setting or the key is missing: polling stops and says so once. */
class PollSetupError extends Error {
  constructor(
    readonly problem: string,
    message: string,
  ) {
    super(message);
  }
}

/** What polling is built from: a poll (a status check and the write notification), plus the events of manual checks. */
export interface PollingDeps extends PollCheckDeps {
  readonly runpodEvents: RunpodCheckEvents;
}

export class RunpodPolling implements vscode.Disposable {
  private poller: StatusPoller<StatusCheckResult> | undefined;
  private polling = false;
  private pollSeconds = 0;
  /** Set when polling stopped on an error; cleared by a settings/key change or a clean manual check. */
  private halted: string | undefined;
  /** Jobs in flight when polling last stopped without an error: no reason to start again by themselves. */
  private settled = new Set<string>();
  /** A manual check is running. */
  private paused = false;
  private reason = 'not started';
  private checks = 0;
  private health: string | undefined;
  private disposed = false;
  private readonly changed = new vscode.EventEmitter<PollingState>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly deps: PollingDeps,
    private readonly display: PollingDisplay,
  ) {
    this.disposables.push(
      deps.index.onDidChange(() => this.refresh(false)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('trainingVersions.runpod.endpointId') || e.affectsConfiguration('trainingVersions.runpod.apiUrl')) {
          // A 404 from another endpoint says nothing about this one's jobs: ask them again.
          for (const [id, lookup] of deps.runpodCache) if (lookup.kind === 'unknown-id') deps.runpodCache.delete(id);
        }
        if (e.affectsConfiguration('trainingVersions.runpod')) this.restart();
      }),
      deps.secrets.onDidChange((e) => e.key === RUNPOD_API_KEY_SECRET && this.restart()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart()),
      deps.runpodEvents.onWillCheck(() => {
        this.paused = true;
        this.refresh(false);
      }),
      deps.runpodEvents.onDidCheck((outcome) => {
        this.paused = false;
        if (outcome && !outcome.result.stopped && outcome.result.summary.errors === 0) {
          this.halted = undefined;
          this.settled.clear();
        }
        // After a manual check the next poll comes one interval later.
        this.refresh(false);
      }),
    );
  }

  state(): PollingState {
    return {
      polling: this.polling,
      jobs: this.jobs().length,
      pollSeconds: this.pollSeconds,
      reason: this.reason,
      checks: this.checks,
      health: this.health,
    };
  }

  /** Forgets an error stop and starts again if there is anything to poll: a check right away. */
  restart(): void {
    this.halted = undefined;
    this.settled.clear();
    this.stopPoller();
    this.refresh(true);
  }

  private jobs(): string[] {
    return jobsToPoll(
      this.deps.index.all().map((f) => f.digest),
      this.deps.runpodCache,
    );
  }

  /** Starts, keeps or stops polling to match the settings, the trust, and the jobs in flight. */
  refresh(immediately: boolean): void {
    if (this.disposed) return;
    this.pollSeconds = readSettings().runpod.pollSeconds;
    const jobs = this.jobs();
    let off: string | undefined;
    if (!(this.pollSeconds > 0)) off = 'polling is off (trainingVersions.runpod.pollSeconds is 0)';
    else if (!vscode.workspace.isTrusted) off = 'polling needs a trusted workspace';
    else if (this.halted) off = this.halted;
    else if (this.paused) off = 'a status check is running';
    else if (jobs.length === 0) off = 'no job in flight';
    else if (!this.polling && jobs.every((j) => this.settled.has(j))) off = this.reason;
    if (off !== undefined) {
      this.stopPoller();
      this.update(off, jobs.length);
      return;
    }
    if (!this.polling) {
      this.poller?.dispose();
      const poller: StatusPoller<StatusCheckResult> = new StatusPoller<StatusCheckResult>({
        pollSeconds: this.pollSeconds,
        check: (signal) => this.pollOnce(signal),
        onResult: (result, decision) => this.poller === poller && this.afterPoll(result, decision),
        onError: (e) => this.poller === poller && this.halt(e),
      });
      this.poller = poller;
      this.polling = true;
      this.deps.log.info(`RunPod polling: every ${this.pollSeconds} s while ${jobs.length} job(s) are in flight.`);
      poller.start(immediately);
    }
    this.update(`polling every ${this.pollSeconds} s`, jobs.length);
  }

  /** The check itself is in the RunPod chunk: loaded on the first poll, i.e. only once jobs are in flight and polling is on. */
  private async pollOnce(signal: AbortSignal): Promise<StatusCheckResult> {
    const poll = await runpodChunk().pollStatus(this.deps, signal);
    if (!poll.ok) throw new PollSetupError(poll.problem, poll.message);
    if (poll.checked) this.checks++;
    if (poll.health) this.health = poll.health;
    return poll.result;
  }

  private afterPoll(result: StatusCheckResult, decision: PollDecision): void {
    if (decision.again) {
      this.update(`polling every ${this.pollSeconds} s`, this.jobs().length);
      return;
    }
    if (result.stopped || result.summary.errors > 0) {
      this.halt(new Error(runpodChunk().describePollStop(result)), result.stopped?.reason === 'unauthorized');
      return;
    }
    this.polling = false;
    this.settled = new Set(this.jobs());
    this.deps.log.info(`RunPod polling stopped: ${decision.reason}.`);
    this.update(decision.reason, this.settled.size);
  }

  private halt(e: unknown, refusedKey = false): void {
    const message = e instanceof Error ? e.message : String(e);
    this.halted = `polling stopped: ${message}`;
    this.polling = false;
    this.deps.log.warn(`RunPod ${this.halted}`);
    this.update(this.halted, this.jobs().length);
    const keyProblem = refusedKey || (e instanceof PollSetupError && e.problem === 'no-key');
    const action = keyProblem ? 'Set API Key' : e instanceof PollSetupError && e.problem === 'no-endpoint' ? 'Open Settings' : 'Show Log';
    notify('warning', `RunPod ${this.halted}`, [action], (choice) => {
      if (choice === 'Set API Key') return vscode.commands.executeCommand('trainingVersions.setRunpodApiKey');
      if (choice === 'Open Settings') return openSettings('trainingVersions.runpod');
      this.deps.log.show();
      return undefined;
    });
  }

  private stopPoller(): void {
    this.poller?.dispose();
    this.poller = undefined;
    if (this.polling) this.deps.log.info('RunPod polling stopped.');
    this.polling = false;
  }

  private update(reason: string, jobs: number): void {
    this.reason = reason;
    this.display.setPolling(this.polling ? { jobs, pollSeconds: this.pollSeconds, health: this.health } : undefined);
    this.changed.fire(this.state());
  }

  dispose(): void {
    this.disposed = true;
    this.stopPoller();
    for (const d of this.disposables) d.dispose();
  }
}
