/** Follows a diagnostic's code link as a click in a hover or the Problems panel does. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** What the link opened: the command's result and the webview tab it shows. */
export async function followCodeLink(d: vscode.Diagnostic): Promise<{ code: string; found: boolean; tabLabel: string }> {
  assert.ok(typeof d.code === 'object', `${d.message}: the code is a link`);
  const target = d.code.target;
  // VS Code's links in hovers and the Problems panel open with allowCommands: a command URI runs.
  assert.equal(target.scheme, 'command', `code link ${target.toString()}`);
  const args = target.query ? (JSON.parse(decodeURIComponent(target.query)) as unknown[]) : [];
  const r = await vscode.commands.executeCommand<{ code: string; found: boolean; title: string }>(target.path, ...args);
  assert.ok(r, `${target.path} returned a result`);
  const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
  // The tab's label follows the panel's title asynchronously.
  const end = Date.now() + 5000;
  let tab = tabs().find((t) => t.input instanceof vscode.TabInputWebview && t.label === r.title);
  while (!tab && Date.now() < end) {
    await new Promise((res) => setTimeout(res, 50));
    tab = tabs().find((t) => t.input instanceof vscode.TabInputWebview && t.label === r.title);
  }
  assert.ok(
    tab,
    `a webview tab "${r.title}" is open (tabs: ${tabs()
      .map((t) => t.label)
      .join(', ')})`,
  );
  return { code: r.code, found: r.found, tabLabel: tab.label };
}
