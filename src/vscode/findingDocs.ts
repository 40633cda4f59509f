/**
 * A finding's code (in a hover, in the Problems panel) opens that finding's documentation,
 * rendered, at that finding: a command link (VS Code's links in hovers and the Problems
 * panel run commands) opens one webview with the findings catalogue, scrolled to the code.
 *
 * The catalogue is `dist/findings.md`, cut from the README's "The findings" section at
 * build time, so the installed extension reads a file it ships (vsce renames the readme,
 * and a link into it pointed at nothing).
 */
import * as vscode from 'vscode';

export const SHOW_FINDING_DOCS = 'trainingVersions.showFindingDocs';

/** The diagnostic code target of a finding code. */
export function findingDocsTarget(code: string): vscode.Uri {
  return vscode.Uri.parse(`command:${SHOW_FINDING_DOCS}?${encodeURIComponent(JSON.stringify([code]))}`);
}

/** What the command did: which code it showed, and whether the catalogue documents it. */
export interface FindingDocsResult {
  code: string;
  found: boolean;
  title: string;
}

/** The catalogue split at its `<a id="code"></a>` anchors: code → that section's markdown. */
export function splitCatalogue(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  const anchor = /<a id="([a-z0-9-]+)"><\/a>\s*\n/g;
  const hits = [...markdown.matchAll(anchor)];
  hits.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = i + 1 < hits.length ? (hits[i + 1].index ?? markdown.length) : markdown.length;
    sections.set(m[1], markdown.slice(start, end).trim());
  });
  return sections;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function registerFindingDocs(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  let panel: vscode.WebviewPanel | undefined;
  const catalogueUri = vscode.Uri.joinPath(context.extensionUri, 'dist', 'findings.md');

  async function render(sections: Map<string, string>): Promise<string> {
    const parts: string[] = [];
    for (const [code, md] of sections) {
      let html: string;
      try {
        // The built-in Markdown extension's renderer (the one its preview uses).
        html = await vscode.commands.executeCommand<string>('markdown.api.render', md);
      } catch {
        html = `<pre>${escapeHtml(md)}</pre>`;
      }
      parts.push(`<section id="${code}">${html}</section>`);
    }
    return parts.join('\n');
  }

  async function show(code: unknown): Promise<FindingDocsResult> {
    const wanted = typeof code === 'string' ? code : '';
    let sections: Map<string, string>;
    try {
      sections = splitCatalogue(new TextDecoder().decode(await vscode.workspace.fs.readFile(catalogueUri)));
    } catch (err) {
      log.error(
        `The findings documentation ${catalogueUri.fsPath} could not be read: ${err instanceof Error ? err.message : String(err)}. Reinstall the extension.`,
      );
      sections = new Map();
    }
    const found = sections.has(wanted);
    const title = found ? `Training Versions: ${wanted}` : 'Training Versions: findings';
    if (!panel) {
      panel = vscode.window.createWebviewPanel('trainingVersions.findingDocs', title, vscode.ViewColumn.Beside, {
        enableScripts: true,
        enableFindWidget: true,
      });
      panel.onDidDispose(() => (panel = undefined));
    }
    panel.title = title;
    const nonce = Array.from({ length: 16 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
    const body = sections.size
      ? await render(sections)
      : `<p>The findings documentation is missing from this installation (${escapeHtml(catalogueUri.fsPath)}). Reinstall the extension.</p>`;
    panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);line-height:1.5;max-width:52em;padding:0 1em}
section{padding:.2em .8em;margin:.6em 0;border-left:3px solid transparent}section.current{border-left-color:var(--vscode-focusBorder)}
code{font-family:var(--vscode-editor-font-family)}</style></head>
<body><h1>Training Versions findings</h1>${body}
<script nonce="${nonce}">const s=document.getElementById(${JSON.stringify(wanted)});
if(s){s.classList.add('current');s.scrollIntoView();}</script></body></html>`;
    panel.reveal(vscode.ViewColumn.Beside, false);
    if (!found) log.warn(`No documentation for the finding code "${wanted}" in ${catalogueUri.fsPath}.`);
    return { code: wanted, found, title };
  }

  return vscode.Disposable.from(vscode.commands.registerCommand(SHOW_FINDING_DOCS, show), new vscode.Disposable(() => panel?.dispose()));
}
