/** What every command receives: passed in, never module-global, so tests can hand in their own. */
import type * as vscode from 'vscode';
import type { WorkspaceIndex } from '../workspaceIndex';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  index: WorkspaceIndex;
  log: vscode.LogOutputChannel;
}
