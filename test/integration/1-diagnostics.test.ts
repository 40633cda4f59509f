/** Diagnostics in a real extension host: codes, ranges, updates on edit and on disk. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analyze } from '../../src/core/findings';
import { followCodeLink } from './codeLinks';
import { api, closeAll, codeOf, fileIn, folderUri, ours, readDisk, waitFor, writeDisk } from './helpers';

/** The findings the engine promises for a file's text, as (code, line, character) triples. */
function expected(text: string, styleId: string) {
  const a = analyze(text.replace(/^\uFEFF/, ''), { now: Date.now(), styleId });
  const lines = text.replace(/^\uFEFF/, '').slice(0);
  const pos = (off: number) => {
    const before = lines.slice(0, off).split('\n');
    return `${before.length - 1}:${before[before.length - 1].length}`;
  };
  return a.findings.map((f) => `${f.code}@${pos(f.offset)}-${pos(f.offset + f.length)}`).sort();
}

function actual(ds: vscode.Diagnostic[]) {
  return ds.map((d) => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`).sort();
}

describe('diagnostics', () => {
  before(async () => {
    await api();
  });
  afterEach(closeAll);

  it('activates on a workspace with training_versions.json and reports its activation time', async () => {
    const a = await api();
    assert.ok(a.activationMs >= 0);
    console.log(`      activation took ${a.activationMs} ms; first index scan ${a.index.lastScanMs} ms`);
    assert.ok(a.index.all().length >= 6, `indexed ${a.index.all().length} files`);
  });

  it("reports every finding of closed files with the engine's codes and ranges", async () => {
    for (const [style, id] of [
      ['1_ink_intensity', '1'],
      ['3_watercolor_wash', '3'],
      ['12_charcoal_sketch', '12'],
      ['59_comic_halftone', '59'],
      ['7_pastel_soft', '7'],
    ]) {
      const uri = fileIn(style);
      const want = expected(await readDisk(uri), id);
      assert.ok(want.length > 0, `${style} has findings`);
      const got = await waitFor(`diagnostics of ${style}`, () => {
        const g = actual(ours(uri));
        return g.length === want.length ? g : undefined;
      });
      assert.deepEqual(got, want, style);
    }
    assert.deepEqual(ours(fileIn('10_clean_line')), [], 'the clean style has no diagnostics');
  });

  it('gives each duplicate a code link, a warning severity and a related location at the kept entry', async () => {
    const uri = fileIn('1_ink_intensity');
    const dup = await waitFor('duplicate diagnostic', () => ours(uri).find((d) => codeOf(d) === 'duplicate-version'));
    assert.equal(dup.severity, vscode.DiagnosticSeverity.Warning);
    const link = await followCodeLink(dup);
    assert.deepEqual(
      [link.code, link.found, link.tabLabel],
      ['duplicate-version', true, 'Training Versions: duplicate-version'],
      'the code opens its documentation',
    );
    assert.equal(dup.relatedInformation?.length, 1);
    const rel = dup.relatedInformation![0];
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(rel.location.range), '"3e248bb6-012c-4384-ae6c-4b19c126d093-e1"');
    assert.equal(doc.getText(dup.range), '"style_1_vV7"');
    assert.match(dup.message, /same S3 object/);
  });

  it('updates as the user types in an open document (unsaved)', async () => {
    const uri = fileIn('10_clean_line');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const at = doc.getText().lastIndexOf('}');
    const edit = new vscode.WorkspaceEdit();
    // Add the S3 sync's copy of V1: a duplicate by id-is-file.
    edit.insert(
      uri,
      doc.positionAt(doc.getText().lastIndexOf('}', at - 1) + 1),
      ',\n    { "id": "style_10_vV1", "name": "style_10_vV1.safetensors", "parameters": {} }',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const d = await waitFor('diagnostic after typing', () => ours(uri).find((x) => codeOf(x) === 'duplicate-version'));
    assert.equal(doc.getText(d.range), '"style_10_vV1"');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('diagnostics cleared after revert', () => ours(uri).length === 0);
  });

  it('updates when a closed file changes on disk, is deleted, and is created', async () => {
    const uri = vscode.Uri.joinPath(folderUri(), '21_disk_change', 'training_versions.json');
    await writeDisk(uri, '{ "versions": [ { "id": "a", "status": "bogus" } ] }\n');
    const first = await waitFor('diagnostic for a created file', () => ours(uri).find((d) => codeOf(d) === 'invalid-schema'));
    assert.match(first.message, /Unknown status "bogus"/);
    await writeDisk(uri, '{ "versions": [ { "id": "a", "status": "completed" ');
    await waitFor('invalid-json after a change on disk', () => ours(uri).some((d) => codeOf(d) === 'invalid-json'));
    await vscode.workspace.fs.delete(uri);
    await waitFor('diagnostics cleared after delete', () => ours(uri).length === 0);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), '21_disk_change'), { recursive: true });
  });

  it('follows a rename of a style folder', async () => {
    const from = vscode.Uri.joinPath(folderUri(), '22_before', 'training_versions.json');
    const to = vscode.Uri.joinPath(folderUri(), '23_after', 'training_versions.json');
    await writeDisk(from, '{ "versions": [ { "id": "style_22_vV1", "name": "style_22_vV1.safetensors", "parameters": {} } ] }\n');
    await waitFor('minimal-entry before rename', () => ours(from).some((d) => codeOf(d) === 'minimal-entry'));
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(vscode.Uri.joinPath(folderUri(), '22_before'), vscode.Uri.joinPath(folderUri(), '23_after'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor(
      'diagnostics moved with the rename',
      () => ours(from).length === 0 && ours(to).some((d) => codeOf(d) === 'minimal-entry'),
    );
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), '23_after'), { recursive: true });
  });

  it('activates and reports diagnostics without loading the lazy sync and RunPod bundles', async () => {
    const a = await api();
    await waitFor('diagnostics of 1_ink_intensity', () => ours(fileIn('1_ink_intensity')).length > 0 || undefined);
    assert.deepEqual(a.loadedChunks(), [], 'dist/sync.js and dist/runpod.js are loaded by their commands only');
  });
});
