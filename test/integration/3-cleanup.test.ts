/** The clean-up command, hover, and the JSON schema, in the real host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { planCleanup } from '../../src/core/cleanup';
import { analyze } from '../../src/core/findings';
import { api, closeAll, codeOf, fileIn, folderUri, ours, readDisk, waitFor } from './helpers';

describe('hover and schema', () => {
  before(api);
  afterEach(closeAll);

  it('hovers a version with its style, label, base job id, S3 object and duplicates', async () => {
    const uri = fileIn('1_ink_intensity');
    const doc = await vscode.workspace.openTextDocument(uri);
    const pos = doc.positionAt(doc.getText().indexOf('"style_1_vV7"') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    // Names and keys in code spans, exactly as written: nothing escaped that the user would copy (issue 13).
    assert.match(text, /Style: `1_ink_intensity` \(style id 1\)/);
    assert.match(text, /Version: V7/);
    assert.match(text, /`s3:\/\/storyboard-user-files\/actor_maker_user\/custom-styles-models\/style_1_vV7\.safetensors`/);
    // The duplicate is said once, by its diagnostic in the same hover, not again by ours.
    assert.doesNotMatch(text, /Duplicate of/);
    const here = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'training-versions' && d.range.contains(pos));
    assert.deepEqual(
      here.map((d) => (typeof d.code === 'object' ? d.code.value : d.code)),
      ['duplicate-version'],
    );

    const pos2 = doc.positionAt(doc.getText().indexOf('"3e248bb6') + 3);
    const h2 = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos2);
    const t2 = h2.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(t2, /RunPod job: `3e248bb6-012c-4384-ae6c-4b19c126d093` \(attempt `e1`\)/);
  });

  it('contributes a JSON schema: status values complete inside a version', async () => {
    const uri = fileIn('7_pastel_soft');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(doc.getText().indexOf('"pending"') + 1);
    const list = await waitFor(
      'schema completion',
      async () => {
        const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at);
        const labels = l.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        return labels.some((x) => x.includes('completed')) ? labels : undefined;
      },
      20_000,
    );
    for (const s of ['pending', 'starting', 'training', 'completed', 'failed'])
      assert.ok(
        list.some((x) => x.includes(s)),
        `${s} offered`,
      );
  });
});

describe('clean up workspace', () => {
  before(api);
  afterEach(closeAll);

  it('applies every fix in every file as one edit, with backups, exactly as the engine plans', async () => {
    const styles: [string, string][] = [
      ['1_ink_intensity', '1'],
      ['3_watercolor_wash', '3'],
      ['12_charcoal_sketch', '12'],
      ['59_comic_halftone', '59'],
    ];
    const before = new Map<string, string>();
    for (const [s] of styles) before.set(s, await readDisk(fileIn(s)));
    const clean = await readDisk(fileIn('10_clean_line'));
    const result = await vscode.commands.executeCommand<{ files: number; applied: boolean; removed: number }>(
      'trainingVersions.cleanupWorkspace',
      { preview: false },
    );
    assert.equal(result.applied, true);
    assert.ok(result.files >= 4, `changed ${result.files} files`);
    for (const [s, id] of styles) {
      const old = before.get(s)!;
      const want = planCleanup(analyze(old.replace(/^\uFEFF/, ''), { now: Date.now(), styleId: id })).newText;
      const got = await readDisk(fileIn(s));
      assert.equal(got.replace(/^\uFEFF/, ''), want, `${s} is what the engine planned`);
      assert.equal(
        await readDisk(vscode.Uri.joinPath(folderUri(), s, 'training_versions.json.backup')),
        old,
        `${s} backup holds the old text`,
      );
      await waitFor(
        `no fixable diagnostics in ${s}`,
        () => !ours(fileIn(s)).some((d) => ['duplicate-version', 'non-accelerated-url'].includes(codeOf(d))),
      );
    }
    assert.equal(await readDisk(fileIn('10_clean_line')), clean, 'a clean file is untouched');
    const again = await vscode.commands.executeCommand<{ files: number }>('trainingVersions.cleanupWorkspace', { preview: false });
    assert.equal(again.files, 0, 'a second clean-up finds nothing to do');
  });

  it('never rewrites a file that is not valid UTF-8 (its bytes would be lost), and says why', async () => {
    const folder = vscode.Uri.joinPath(folderUri(), '41_latin1');
    const uri = vscode.Uri.joinPath(folder, 'training_versions.json');
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{ "versions": [ { "id": "j-e1", "name": "V1", "parameters": { "a": 1 }, "description": "caf'),
      0xe9,
      ...new TextEncoder().encode('" }, { "id": "style_41_vV1", "name": "style_41_vV1.safetensors", "parameters": {} } ] }\n'),
    ]);
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(uri, bytes);
    const d = await waitFor('invalid-json diagnostic', () => ours(uri).find((x) => codeOf(x) === 'invalid-json'), 5000).catch(async () => {
      await vscode.commands.executeCommand('trainingVersions.refresh');
      return waitFor('invalid-json diagnostic after a refresh', () => ours(uri).find((x) => codeOf(x) === 'invalid-json'));
    });
    assert.match(d.message, /not valid UTF-8/);
    const r = await vscode.commands.executeCommand<{ skipped: string[] }>('trainingVersions.cleanupWorkspace', { preview: false });
    assert.ok(
      r.skipped.some((s) => s.includes('41_latin1')),
      `skipped: ${r.skipped.join(', ')}`,
    );
    assert.deepEqual([...(await vscode.workspace.fs.readFile(uri))], [...bytes], 'not one byte changed');
    await vscode.workspace.fs.delete(folder, { recursive: true });
  });
});
