#!/usr/bin/env node
// UI test of the styles tree in the real workbench (code-server's VS Code in headless
// Chromium, see scripts/vscode-host/README.md): opens the Training Versions view from
// the activity bar on a copy of examples/, checks what a person sees (style rows in
// style-id order with their descriptions and problem counts, a version with its
// description, the view's badge, the status bar item), then opens the duplicate in
// 1_ink_intensity from the tree and the quick-fix menu on it.
//
// Screenshots for the README: media/screenshots/tree.png, media/screenshots/quickfix.png.
//
//   node scripts/ui-test.mjs [--no-build] [--out-dir media/screenshots]
//
// Exit code 0 when every check passed, 1 otherwise (2: the workbench did not start).

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, withWorkbench } from './vscode-host/host.mjs';
import { activityBarIcon, check, failures, sleep, UI_SETTINGS, until } from './vscode-host/checks.mjs';

// Where a screenshot went, said only when it is kept in the repository (npm run test:ui*):
// a test run writes them to a temporary folder that is gone when the run ends.
const shot = (file) => file.startsWith(repoRoot + '/') && console.log(`  screenshot: ${file}`);

const { values } = parseArgs({ options: { 'no-build': { type: 'boolean' }, 'out-dir': { type: 'string' } } });
const outDir = resolve(values['out-dir'] ?? join(repoRoot, 'media', 'screenshots'));

/** The rows of the styles tree as the person sees them: label, description, expanded or not. */
async function treeRows(page) {
  return page.locator('.pane:has(.pane-header[aria-label*="Styles"]) .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => ({
      label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
      expanded: r.getAttribute('aria-expanded'),
      icon:
        [...(r.querySelector('.custom-view-tree-node-item-icon')?.classList ?? [])]
          .find((c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin')
          ?.slice('codicon-'.length) ?? '',
      level: Number(r.getAttribute('aria-level') ?? 0),
    })),
  );
}

function rowByLabel(page, label) {
  return page
    .locator('.pane:has(.pane-header[aria-label*="Styles"]) .monaco-list-row')
    .filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
    })
    .first();
}

async function main() {
  if (!values['no-build']) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'tv-ui-'));
  const workspace = join(tmp, 'examples');
  cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  console.log('\n=== UI test: the styles tree in the real workbench ===');
  try {
    await withWorkbench(
      {
        workspace,
        extensionPath: repoRoot,
        viewport: { width: 1280, height: 760 },
        settings: UI_SETTINGS,
      },
      async (page) => {
        // 1. Open the view from its activity bar icon.
        const icon = await activityBarIcon(page);
        await icon.click();
        // A wider sidebar, so that descriptions show in full: drag the sash at its right edge.
        const side = await until('the sidebar', () => page.locator('.part.sidebar').boundingBox());
        const edge = { x: side.x + side.width + 1, y: side.y + side.height / 2 };
        await page.mouse.move(edge.x, edge.y);
        await page.mouse.down();
        await page.mouse.move(edge.x + 280, edge.y, { steps: 8 });
        await page.mouse.up();
        const rows = await until('style rows in the view', async () => {
          const r = await treeRows(page);
          return r.some((x) => x.label === '59_comic_halftone') && r;
        });

        const styles = rows.filter((r) => r.level === 1).map((r) => r.label);
        check(
          JSON.stringify(styles) ===
            JSON.stringify([
              '1_ink_intensity',
              '3_watercolor_wash',
              '7_pastel_soft',
              '10_clean_line',
              '12_charcoal_sketch',
              '59_comic_halftone',
            ]),
          'style rows in style-id order (3 before 10 before 59)',
          `saw ${styles.join(', ')}`,
        );
        const desc = Object.fromEntries(rows.map((r) => [r.label, r.description]));
        check(
          desc['1_ink_intensity'] === '2 problems · 3 versions',
          'a style row shows its problem count first, then its version count',
          `saw "${desc['1_ink_intensity']}"`,
        );
        check(desc['10_clean_line'] === '1 version', 'a clean style shows no problem count', `saw "${desc['10_clean_line']}"`);

        const badgeText = () =>
          page
            .locator(
              '.part.activitybar .action-item:has(a[aria-label^="Training Versions"]) .badge-content, ' +
                '.part.activitybar .action-item[aria-label^="Training Versions"] .badge-content',
            )
            .first()
            .textContent({ timeout: 1000 });
        const badge = await until('the badge', async () => (await badgeText())?.trim() === '7' && '7', 10_000).catch(async () =>
          badgeText().catch(() => ''),
        );
        check(badge === '7', 'the activity bar badge counts the 7 problems of examples/', `saw "${badge}"`);
        const statusText = () =>
          page
            .locator(
              '.part.statusbar [id="training-versions.training-versions.trainingVersions.summary"], ' +
                '.part.statusbar .statusbar-item[aria-label^="Training Versions: 0 jobs in flight"]',
            )
            .first()
            .textContent({ timeout: 1000 });
        const status = await until(
          'the status bar item',
          async () => /0\s+7/.test((await statusText()) ?? '') && statusText(),
          10_000,
        ).catch(async () => statusText().catch(() => ''));
        check(/0\s+7/.test(status ?? ''), 'the status bar item shows 0 jobs in flight and 7 problems', `saw "${status}"`);

        // 2. Expand 1_ink_intensity and 7_pastel_soft: versions newest first, markers and descriptions.
        await rowByLabel(page, '1_ink_intensity').click();
        await rowByLabel(page, '7_pastel_soft').click();
        await rowByLabel(page, '12_charcoal_sketch').click();
        const expanded = await until('version rows', async () => {
          const r = await treeRows(page);
          return (
            r.some((x) => x.label === 'V7') && r.some((x) => x.label === 'V3') && r.some((x) => x.label === 'style_12_vV2.safetensors') && r
          );
        });
        const ink = expanded
          .slice(expanded.findIndex((r) => r.label === '1_ink_intensity') + 1)
          .filter((r) => r.level === 2)
          .slice(0, 3);
        check(
          JSON.stringify(ink.map((r) => r.label)) === JSON.stringify(['style_1_vV7.safetensors', 'V7', 'V6']),
          'versions newest first',
          `saw ${ink.map((r) => r.label).join(', ')}`,
        );
        const byLabel = Object.fromEntries(expanded.map((r) => [r.label, r.description]));
        check(
          /^duplicate of V7 · regular URL · \d+ (mo|y) ago$/.test(byLabel['style_1_vV7.safetensors'] ?? ''),
          'the S3 copy is marked "duplicate of V7" and its regular URL, problems first',
          `saw "${byLabel['style_1_vV7.safetensors']}"`,
        );
        // Every finding visible on its row: no green check on a row with a warning.
        const charcoal = expanded
          .slice(expanded.findIndex((r) => r.label === '12_charcoal_sketch') + 1)
          .filter((r) => r.level === 2)
          .slice(0, 2);
        const v1 = charcoal.find((r) => r.label === 'V1');
        check(/^regular URL · /.test(v1?.description ?? ''), 'a version with a regular URL says so first', `saw "${v1?.description}"`);
        check(v1?.icon === 'warning', 'a version with a regular URL shows a warning icon, not a green check', `saw "${v1?.icon}"`);
        check(
          byLabel['style_1_vV7.safetensors'] !== undefined &&
            expanded.find((r) => r.label === 'style_1_vV7.safetensors')?.icon === 'warning',
          'a duplicate shows a warning icon',
          `saw "${expanded.find((r) => r.label === 'style_1_vV7.safetensors')?.icon}"`,
        );
        check(
          /^kept · 1 duplicate · \d+ (mo|y) ago · dim 16 · lr 1e-4$/.test(byLabel.V7 ?? ''),
          'a version shows its age and key parameters',
          `saw "${byLabel.V7}"`,
        );
        check(/^stale · /.test(byLabel.V3 ?? ''), 'a job pending for a year is marked stale', `saw "${byLabel.V3}"`);

        await page.mouse.move(900, 400); // no hover tooltip over the tree in the picture
        await sleep(500);
        await page.screenshot({ path: join(outDir, 'tree.png') });
        shot(join(outDir, 'tree.png'));

        // 3. Click the duplicate: its file opens with the entry's id selected; open the quick-fix menu there.
        // The sidebar back to its width first, so that the editor has room.
        await page.mouse.move(edge.x + 280, edge.y);
        await page.mouse.down();
        await page.mouse.move(edge.x - 20, edge.y, { steps: 8 });
        await page.mouse.up();
        await page.keyboard.press('Control+Shift+M'); // the Problems panel, for the picture
        await until('the Problems panel', () => page.locator('.part.panel .markers-panel').isVisible());
        await rowByLabel(page, 'style_1_vV7.safetensors').click();
        await until('the editor on 1_ink_intensity/training_versions.json', () =>
          page.locator('.tabs-container .tab.active[aria-label*="training_versions.json"]').isVisible(),
        );
        await until('the duplicate squiggle', () => page.locator('.monaco-editor .squiggly-warning').first().isVisible());
        const selected = await until(
          'the id selected in the editor',
          async () => {
            const t = await page.locator('.part.statusbar').innerText();
            return /\(13 selected\)/.test(t) && t;
          },
          10_000,
        ).catch(() => '');
        check(Boolean(selected), 'clicking the version opens its file with its id ("style_1_vV7", 13 characters) selected');
        await sleep(400);
        await page.keyboard.press('Control+.');
        const menu = page.locator('.action-widget:not(.action-list-submenu-panel)').first();
        await until('the quick-fix menu', () => menu.isVisible(), 10_000).catch(async () => {
          await page.keyboard.press('Escape');
          await page.keyboard.press('F1');
          await page.locator('.quick-input-widget input').fill('>Quick Fix...');
          await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Quick Fix...' }).first().click();
          await until('the quick-fix menu (from the palette)', () => menu.isVisible(), 10_000);
        });
        const menuText = await menu.innerText();
        check(
          menuText.includes('Merge duplicates: keep "V7"'),
          'the quick-fix menu on the duplicate offers the merge',
          `saw "${menuText.replace(/\n/g, ' | ')}"`,
        );
        await sleep(300);
        await page.screenshot({ path: join(outDir, 'quickfix.png') });
        shot(join(outDir, 'quickfix.png'));
        await page.keyboard.press('Escape');

        // 4. Hover the duplicate's id in the editor: the S3 key exactly as written, the duplicate said once.
        await sleep(300);
        // At the cursor (the id is still selected): Show Hover, Ctrl+K Ctrl+I (the mouse could land on sticky scroll).
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        const hover = page.locator('.monaco-hover:not(.hidden)').first();
        const hoverText = await until(
          'the hover',
          async () => {
            const t = (await hover.isVisible()) && (await hover.innerText());
            return t && t.includes('S3 object') && t;
          },
          10_000,
        ).catch(async () => (await hover.innerText().catch(() => '')) || '');
        check(
          hoverText.includes('s3://storyboard-user-files/actor_maker_user/custom-styles-models/style_1_vV7.safetensors') &&
            !hoverText.includes('\\_'),
          'the hover shows the S3 key exactly (nothing escaped inside code)',
          `saw "${hoverText.replace(/\n/g, ' | ').slice(0, 400)}"`,
        );
        check(
          hoverText.split('Duplicate of').length - 1 === 1,
          'the hover says the duplicate once',
          `saw "${hoverText.replace(/\n/g, ' | ').slice(0, 600)}"`,
        );
        check(
          !hoverText.includes('Regular S3 URL'),
          'no URL advice for the entry the merge removes',
          `saw "${hoverText.replace(/\n/g, ' | ').slice(0, 600)}"`,
        );
        await page.mouse.move(640, 700);
      },
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`UI test FAILED: ${failures.length} check(s): ${failures.join('; ')}`);
    return 1;
  }
  console.log('UI test passed.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`UI test could not run: ${err.stack || err.message}`);
    process.exit(failures.length ? 1 : 2);
  },
);
