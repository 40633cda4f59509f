/**
 * package.json's contributions for the styles tree, checked against the view
 * model: each context-menu `when` clause matches exactly the rows it is for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyzeStyleFile } from '../../src/core/styleFile';
import { summarizeStyle, versionRows } from '../../src/core/styleRows';
import { styleContextValue, versionContextValue } from '../../src/vscode/stylesTreeItems';
import { JOB, NOW, ROOT, acceleratedModelUrl, detailed, file, minimal } from '../support/helpers';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;
const VIEW = 'trainingVersions.styles';

/** Evaluates the subset of when-clause syntax our tree menus use: `view == X && viewItem =~ /re/`. */
function shows(item: MenuItem, viewItem: string): boolean {
  const when = item.when ?? '';
  const parts = when.split('&&').map((p) => p.trim());
  return parts.every((p) => {
    if (p === `view == ${VIEW}`) return true;
    const m = /^viewItem =~ \/(.*)\/$/.exec(p);
    if (m) return new RegExp(m[1]).test(viewItem);
    throw new Error(`unexpected clause "${p}" in ${when}`);
  });
}

const HOUR = 3600_000;
const text = file([
  detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
  minimal(1, 'V7'),
  detailed(`${JOB.b}-e1`, 'V8', { status: 'training', timestamp: new Date(NOW - HOUR).toISOString(), completedAt: undefined }),
  detailed(`${JOB.c}-e1`, 'V9', { status: 'pending', timestamp: new Date(NOW - 72 * HOUR).toISOString(), completedAt: undefined }),
  detailed(`${JOB.d}-e1`, 'V2', { status: 'failed', completedAt: undefined }),
]);
const styleFile = { key: 'k', ...analyzeStyleFile('/ws/1_ink/training_versions.json', text, { now: NOW }) };
const rows = Object.fromEntries(versionRows(styleFile, NOW).map((r) => [r.label, versionContextValue(r)]));
const style = styleContextValue(summarizeStyle(styleFile));
const styleNoId = styleContextValue(
  summarizeStyle({ key: 'k2', ...analyzeStyleFile('/ws/misc/training_versions.json', file([]), { now: NOW }) }),
);
const styleClean = styleContextValue(
  summarizeStyle({
    key: 'k3',
    ...analyzeStyleFile(
      '/ws/2_clean/training_versions.json',
      file([detailed(`${JOB.a}-e1`, 'V1', { loraUrl: acceleratedModelUrl(2, 'V1') })]),
      { now: NOW },
    ),
  }),
);
const itemMenus: MenuItem[] = contributes.menus['view/item/context'].filter((m: MenuItem) => m.when?.includes(`view == ${VIEW}`));

function rowsShowing(command: string, group?: string): string[] {
  const items = itemMenus.filter(
    (m) =>
      m.command === command &&
      (group === undefined || (group === 'inline' ? m.group?.startsWith('inline') : !m.group?.startsWith('inline'))),
  );
  assert.ok(items.length > 0, `${command} has a menu entry`);
  const all: Record<string, string> = { ...rows, '<style>': style, '<style without id>': styleNoId, '<clean style>': styleClean };
  return Object.entries(all)
    .filter(([, cv]) => items.some((i) => shows(i, cv)))
    .map(([label]) => label)
    .sort();
}

describe('styles tree menus', () => {
  test('merge duplicates: on the duplicate and on the kept entry, nowhere else', () => {
    assert.deepEqual(rowsShowing('trainingVersions.tree.mergeDuplicates', 'context'), ['V7', 'style_1_vV7.safetensors']);
    assert.deepEqual(rowsShowing('trainingVersions.tree.mergeDuplicates', 'inline'), ['V7', 'style_1_vV7.safetensors']);
  });

  test('check RunPod status: versions in flight (stale ones too), not finished ones', () => {
    assert.deepEqual(rowsShowing('trainingVersions.tree.checkStatus'), ['V8', 'V9']);
  });

  test('copy / open the LoRA URL: versions that have one', () => {
    assert.deepEqual(rowsShowing('trainingVersions.tree.copyLoraUrl'), ['V7', 'style_1_vV7.safetensors']);
    assert.deepEqual(rowsShowing('trainingVersions.tree.openLoraUrl'), ['V7', 'style_1_vV7.safetensors']);
  });

  test('sync this style from S3: styles with a style id and their versions', () => {
    assert.deepEqual(rowsShowing('trainingVersions.tree.syncStyle', 'context'), [
      '<clean style>',
      '<style>',
      'V2',
      'V7',
      'V8',
      'V9',
      'style_1_vV7.safetensors',
    ]);
    assert.deepEqual(rowsShowing('trainingVersions.tree.syncStyle', 'inline'), ['<clean style>', '<style>']);
  });

  test('reveal in the Explorer and open: every style / version row', () => {
    assert.deepEqual(rowsShowing('trainingVersions.tree.revealInExplorer'), [
      '<clean style>',
      '<style without id>',
      '<style>',
      'V2',
      'V7',
      'V8',
      'V9',
      'style_1_vV7.safetensors',
    ]);
    assert.deepEqual(rowsShowing('trainingVersions.tree.openVersion'), ['V2', 'V7', 'V8', 'V9', 'style_1_vV7.safetensors']);
  });

  test('style rows: Open File on every style; Fix All where a fix exists; Check Status where jobs are in flight', () => {
    assert.deepEqual(rowsShowing('trainingVersions.tree.openFile'), ['<clean style>', '<style without id>', '<style>']);
    assert.deepEqual(rowsShowing('trainingVersions.tree.fixAllInStyle'), ['<style>']);
    assert.deepEqual(rowsShowing('trainingVersions.tree.checkStyleStatus'), ['<style>']);
  });

  test('Upgrade URL: on a version with a regular S3 URL only', () => {
    assert.deepEqual(rowsShowing('trainingVersions.tree.upgradeUrl'), ['style_1_vV7.safetensors']);
  });

  test('node commands are hidden from the command palette; every menu command is declared', () => {
    const declared = new Set(contributes.commands.map((c: { command: string }) => c.command));
    const palette: MenuItem[] = contributes.menus.commandPalette;
    for (const m of itemMenus) {
      assert.ok(declared.has(m.command), `${m.command} is declared`);
      assert.ok(
        palette.some((p) => p.command === m.command && p.when === 'false'),
        `${m.command} is hidden from the palette`,
      );
    }
    for (const m of contributes.menus['view/title'] as MenuItem[]) assert.ok(declared.has(m.command), `${m.command} is declared`);
  });

  test('title bar: refresh, sync all, check status, clean up, and the two filter commands swapped by a context key', () => {
    const title = (contributes.menus['view/title'] as MenuItem[]).filter(
      (m) => m.when?.startsWith(`view == ${VIEW}`) && m.group?.startsWith('navigation'),
    );
    const cmds = title.map((m) => m.command);
    for (const c of [
      'trainingVersions.refresh',
      'trainingVersions.syncS3',
      'trainingVersions.checkStatus',
      'trainingVersions.cleanupWorkspace',
      'trainingVersions.tree.showOnlyProblems',
      'trainingVersions.tree.showAll',
    ]) {
      assert.ok(cmds.includes(c), `${c} in the title bar`);
    }
    assert.match(title.find((m) => m.command === 'trainingVersions.tree.showOnlyProblems')!.when!, /&& !trainingVersions\.onlyProblems$/);
    assert.match(title.find((m) => m.command === 'trainingVersions.tree.showAll')!.when!, /&& trainingVersions\.onlyProblems$/);
  });

  test('view container, view, welcome content and icon (SPEC §6)', () => {
    const container = contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'trainingVersions');
    assert.ok(container, 'activity bar container trainingVersions');
    assert.ok(contributes.views.trainingVersions.some((v: { id: string }) => v.id === VIEW));
    const svg = readFileSync(path.join(ROOT, container.icon), 'utf8');
    assert.match(svg, /^<svg [^>]*width="24" height="24" viewBox="0 0 24 24"/);
    assert.match(svg, /currentColor/);
    assert.doesNotMatch(svg, /#[0-9a-f]{3,6}\b/i, 'monochrome: no fixed colours');
    const welcome = contributes.viewsWelcome.filter((w: { view: string }) => w.view === VIEW);
    assert.ok(
      welcome.some((w: { when: string }) => w.when.includes('!trainingVersions.hasVersionFiles')),
      'welcome when there is no training_versions.json',
    );
  });

  test('settings: grouped (S3, RunPod, checks), ordered, bucket and prefix first; markdown where markdown is meant', () => {
    const groups = contributes.configuration as {
      title: string;
      order: number;
      properties: Record<string, { order: number; description?: string; markdownDescription?: string }>;
    }[];
    assert.deepEqual(
      groups.map((g) => g.title),
      ['S3', 'RunPod', 'Checks and Edits'],
    );
    assert.deepEqual(
      groups.map((g) => g.order),
      [1, 2, 3],
    );
    const s3 = Object.entries(groups[0].properties)
      .sort(([, a], [, b]) => a.order - b.order)
      .map(([k]) => k);
    assert.deepEqual(s3.slice(0, 2), ['trainingVersions.s3.bucket', 'trainingVersions.s3.prefix']);
    const keys = groups.flatMap((g) => Object.keys(g.properties)).sort();
    const spec = [
      's3.bucket',
      's3.prefix',
      's3.region',
      's3.endpoint',
      's3.forcePathStyle',
      's3.profile',
      's3.readMetadata',
      's3.timeoutMs',
      'preferAcceleratedUrls',
      'runpod.endpointId',
      'runpod.apiUrl',
      'runpod.pollSeconds',
      'staleAfterHours',
      'backups',
    ];
    assert.deepEqual(keys, spec.map((k) => `trainingVersions.${k}`).sort(), 'every setting of SPEC §6, once');
    for (const g of groups) {
      for (const [k, v] of Object.entries(g.properties)) {
        assert.ok(v.markdownDescription && v.description === undefined, `${k}: markdownDescription`);
        assert.equal(typeof v.order, 'number', `${k} has an order`);
      }
    }
  });

  test('the JSON schema uses markdownDescription wherever a description holds markdown', () => {
    const schema = readFileSync(path.join(ROOT, 'schemas', 'training_versions.schema.json'), 'utf8');
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      if (typeof o.description === 'string') assert.ok(!o.description.includes('`'), `${at}: no markdown in description`);
      if (typeof o.markdownDescription === 'string')
        assert.equal(typeof o.description, 'string', `${at}: a plain description beside the markdown one`);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    const parsed = JSON.parse(schema);
    walk(parsed, '#');
    assert.match(parsed.definitions.version.properties.id.markdownDescription, /`style_1_vV7`/);
  });
});
