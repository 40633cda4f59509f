/** Notifications of the commands: prefixed, with buttons, never awaited. */
import * as vscode from 'vscode';

/** Shows a notification; `handle` runs with the button the user picks. */
export function notify(
  severity: 'information' | 'warning' | 'error',
  message: string,
  actions: string[],
  handle: (choice: string) => unknown,
): void {
  const fn =
    severity === 'error'
      ? vscode.window.showErrorMessage
      : severity === 'warning'
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
  // Not awaited: a notification the user leaves open must not hold the command (or a test) forever.
  void fn(`Training Versions: ${message}`, ...actions).then((choice) => (choice ? handle(choice) : undefined));
}

/** Opens the Settings editor on one setting (or a group of them). */
export function openSettings(setting: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', setting);
}
