/**
 * Manual status checks announce themselves to polling. Its own module, apart from
 * runpodCheck.ts: activation builds it, and the check itself lives in the lazily
 * loaded RunPod chunk (chunks.ts).
 */
import * as vscode from 'vscode';
import type { RunpodCheckOutcome } from './runpodCheck';

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
