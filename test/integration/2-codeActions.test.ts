/** Quick fixes, fix-all and fix-all on save, through VS Code's own command APIs. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { applyEdits } from '../../src/core/edits';
import { analyze, fixAllEdits, fixFor } from '../../src/core/findings';
import { api, closeAll, codeOf, fileIn, folderUri, ours, readDisk, waitFor, writeDisk } from './helpers';

async function actionsAt(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
}

async function openFresh(style: string, text: string): Promise<{ uri: vscode.Uri; doc: vscode.TextDocument }> {
  const uri = vscode.Uri.joinPath(folderUri(), style, 'training_versions.json');
  await writeDisk(uri, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return { uri, doc };
}

describe('code actions', () => {
  before(api);
  afterEach(closeAll);

  it("offers a preferred merge whose title names the kept entry, and applying it gives exactly the engine's text", async () => {
    const uri = fileIn('1_ink_intensity');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    const d = await waitFor('duplicate diagnostic', () => ours(uri).find((x) => codeOf(x) === 'duplicate-version'));
    const actions = await actionsAt(uri, d.range);
    const merge = actions.find((a) => a.title.startsWith('Merge duplicates'));
    assert.ok(merge, `merge offered among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(merge.isPreferred, true);
    assert.match(merge.title, /keep "V7" \(3e248bb6-012c-4384-ae6c-4b19c126d093-e1\)/);
    assert.ok(merge.edit);
    assert.ok(await vscode.workspace.applyEdit(merge.edit));

    const a = analyze(before, { now: Date.now(), styleId: '1' });
    const f = a.findings.find((x) => x.code === 'duplicate-version')!;
    assert.equal(doc.getText(), applyEdits(before, fixFor(a, f)!));
    assert.ok(!doc.getText().includes('"id": "style_1_vV7"'), 'the S3 copy is gone');
    assert.ok(doc.getText().includes('"lastSynced": "2025-10-12T09:46:20.075Z"'), 'the kept entry took lastSynced');
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before, 'the merge is undoable');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('offers the accelerated URL upgrade on a regular S3 URL', async () => {
    const uri = fileIn('12_charcoal_sketch');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const d = await waitFor('non-accelerated-url diagnostic', () => ours(uri).find((x) => codeOf(x) === 'non-accelerated-url'));
    const fix = (await actionsAt(uri, d.range)).find((a) => a.title === 'Upgrade to the accelerated S3 URL');
    assert.ok(fix?.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(
      doc
        .getText(d.range.with({ end: d.range.end.translate(0, 8) }))
        .startsWith('"https://storyboard-user-files.s3-accelerate.amazonaws.com/'),
      true,
    );
    await waitFor('finding gone', () => !ours(uri).some((x) => codeOf(x) === 'non-accelerated-url'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('offers "fix all in this file" when there is more than one fixable finding', async () => {
    const text = [
      '{',
      '  "versions": [',
      '    { "id": "j1-e1", "name": "V1", "parameters": { "lr": 1 }, "loraUrl": "https://bkt.s3.us-east-1.amazonaws.com/m/style_31_vV1.safetensors" },',
      '    { "id": "style_31_vV1", "name": "style_31_vV1.safetensors", "parameters": {} },',
      '    { "id": "x-e1", "name": "V2", "parameters": { "lr": 2 }, "loraUrl": "https://bkt.s3.amazonaws.com/m/style_31_vV2.safetensors" }',
      '  ]',
      '}',
      '',
    ].join('\n');
    const { uri, doc } = await openFresh('31_fix_all', text);
    const d = await waitFor('duplicate diagnostic', () => ours(uri).find((x) => codeOf(x) === 'duplicate-version'));
    const all = (await actionsAt(uri, d.range)).find((a) => a.title.startsWith('Fix all'));
    assert.ok(all?.edit, 'fix all offered');
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    const a = analyze(text, { now: Date.now(), styleId: '31' });
    assert.equal(doc.getText(), applyEdits(text, fixAllEdits(a)));
    const after = analyze(doc.getText(), { now: Date.now(), styleId: '31' });
    assert.deepEqual(
      after.findings.filter((f) => f.code === 'duplicate-version' || f.code === 'non-accelerated-url'),
      [],
    );
    await doc.save();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), '31_fix_all'), { recursive: true });
  });

  it('answers source.fixAll.trainingVersions only when asked, and runs on save via editor.codeActionsOnSave', async () => {
    const text =
      '{\n  "versions": [\n    { "id": "abc-e1", "name": "V1", "parameters": { "a": 1 }, ' +
      '"status": "failed", "error": "oom" },\n    { "id": "abc-e2", "name": "V1", "parameters": { ' +
      '"a": 1 }, "status": "completed", "completedAt": "2025-01-01T00:00:00Z" }\n  ]\n}\n';
    const { uri, doc } = await openFresh('32_on_save', text);
    await waitFor('duplicate diagnostic', () => ours(uri).some((x) => codeOf(x) === 'duplicate-version'));
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const quick = await actionsAt(uri, whole, vscode.CodeActionKind.QuickFix.value);
    assert.ok(!quick.some((a) => a.kind?.value === 'source.fixAll.trainingVersions'), 'fix-all is not offered as a quick fix');
    const fixAll = await actionsAt(uri, whole, 'source.fixAll.trainingVersions');
    assert.equal(fixAll.length, 1);
    assert.equal(fixAll[0].kind?.value, 'source.fixAll.trainingVersions');

    const config = vscode.workspace.getConfiguration('editor');
    await config.update('codeActionsOnSave', { 'source.fixAll.trainingVersions': 'always' }, vscode.ConfigurationTarget.Workspace);
    try {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, doc.positionAt(text.length - 1), '\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await doc.save();
      const saved = await readDisk(uri);
      assert.ok(!saved.includes('"abc-e1"'), `the failed attempt was merged on save:\n${saved}`);
      assert.ok(saved.includes('"abc-e2"'));
      assert.ok(!saved.includes('"error"'), "a failed attempt's error is not carried onto the completed entry");
    } finally {
      await config.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folderUri(), '32_on_save'), { recursive: true });
    }
  });

  it('offers "Check RunPod status" and "Sync this style from S3" on a stale job', async () => {
    const uri = fileIn('7_pastel_soft');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await waitFor('stale-job diagnostic', () => ours(uri).find((x) => codeOf(x) === 'stale-job'));
    const titles = (await actionsAt(uri, d.range)).map((a) => a.title);
    assert.ok(titles.includes('Check RunPod status of this job'), titles.join(' | '));
    assert.ok(titles.includes('Sync this style from S3'), titles.join(' | '));
  });
});
