/**
 * The status bar item of RunPod polling: how many jobs are being polled, and
 * a click to check now. Hidden while nothing is polled. A small API
 * (`setPolling`) so that another status bar owner can take the state over.
 */
import * as vscode from 'vscode';

export interface PollingDisplay {
  /** Jobs being polled, or undefined when polling is off. */
  setPolling(state: { jobs: number; pollSeconds: number } | undefined): void;
}

export class RunpodStatusBar implements PollingDisplay, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('trainingVersions.runpodPolling', vscode.StatusBarAlignment.Left, 10);
  /** What the item shows now (tests read it: the item itself cannot be read back). */
  text: string | undefined;

  constructor() {
    this.item.name = 'Training Versions: RunPod polling';
    this.item.command = { command: 'trainingVersions.checkStatus', title: 'Check RunPod Status' };
  }

  setPolling(state: { jobs: number; pollSeconds: number } | undefined): void {
    if (!state || state.jobs === 0) {
      this.text = undefined;
      this.item.hide();
      return;
    }
    const jobs = `${state.jobs} job${state.jobs === 1 ? '' : 's'}`;
    this.text = `$(sync~spin) RunPod ${state.jobs}`;
    this.item.text = this.text;
    this.item.tooltip = `Training Versions: polling RunPod every ${state.pollSeconds} s for ${jobs} in flight (trainingVersions.runpod.pollSeconds). Click to check now.`;
    this.item.accessibilityInformation = { label: `Polling RunPod for ${jobs}` };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
