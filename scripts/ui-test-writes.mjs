#!/usr/bin/env node
// UI test of the write decision (SPEC.md §9) in the real workbench (code-server's VS Code
// in headless Chromium, see scripts/vscode-host/README.md), on a copy of examples/:
// runs Clean Up Workspace from the palette, reads the modal dialog (one summary in the
// domain's words, Apply / Review changes / Cancel), clicks Review changes (the multi-file
// diff editor, labelled with what is kept; the tree, the badge and the Problems panel
// count the same), answers Apply in the notification that leads back to the decision,
// checks the files and backups on disk and the notification that says what was written
// (Undo, Show Log), clicks Undo, then runs Clean Up again and clicks Cancel: nothing written.
// With the smoke-test driver on, toasts are hidden: notifications are read and clicked in
// the Notification Center.
//
// Screenshots: decision.png and review.png (README: media/screenshots/, only with --out-dir
// media/screenshots or `npm run test:ui-writes`; `npm test` writes them to a temp folder).
//
//   node scripts/ui-test-writes.mjs [--no-build] [--out-dir DIR]
//
// Exit code 0 when every check passed, 1 otherwise (2: the workbench did not start).

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, runCommand, withWorkbench } from './vscode-host/host.mjs';
import { activityBarIcon, check, failures, sleep, UI_SETTINGS, until } from './vscode-host/checks.mjs';

// Where a screenshot went, said only when it is kept in the repository (npm run test:ui*):
// a test run writes them to a temporary folder that is gone when the run ends.
const shot = (file) => file.startsWith(repoRoot + '/') && console.log(`  screenshot: ${file}`);

const { values } = parseArgs({ options: { 'no-build': { type: 'boolean' }, 'out-dir': { type: 'string' } } });

/** Every training_versions.json (and .backup) of the workspace: relative path → text. */
function snapshot(root) {
  const out = {};
  for (const d of readdirSync(root)) {
    for (const f of ['training_versions.json', 'training_versions.json.backup']) {
      const p = join(root, d, f);
      if (existsSync(p)) out[`${d}/${f}`] = readFileSync(p, 'utf8');
    }
  }
  return out;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function main() {
  const outDir = values['out-dir'] ? resolve(values['out-dir']) : mkdtempSync(join(tmpdir(), 'tv-ui-writes-shots-'));
  if (!values['no-build']) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'tv-ui-writes-'));
  const workspace = join(tmp, 'examples');
  cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const original = snapshot(workspace);
  console.log('\n=== UI test: the Clean Up decision in the real workbench ===');
  try {
    await withWorkbench(
      {
        workspace,
        extensionPath: repoRoot,
        viewport: { width: 1280, height: 800 },
        settings: UI_SETTINGS,
      },
      async (page) => {
        const icon = await activityBarIcon(page);
        await icon.click({ force: true });
        const badgeText = () =>
          page
            .locator(
              '.part.activitybar .action-item:has(a[aria-label^="Training Versions"]) .badge-content, ' +
                '.part.activitybar .action-item[aria-label^="Training Versions"] .badge-content',
            )
            .first()
            .textContent({ timeout: 1000 })
            .then((t) => t?.trim() ?? '');
        const badge = await until('the badge', async () => (await badgeText()) === '7' && '7', 20_000).catch(() =>
          badgeText().catch(() => ''),
        );
        check(badge === '7', 'before: the badge counts the 7 problems of examples/', `saw "${badge}"`);
        const treeRows = () => page.locator('.pane:has(.pane-header[aria-label*="Styles"]) .monaco-list-row .label-name').allTextContents();
        const rowsBefore = await until('style rows', async () => {
          const r = await treeRows();
          return r.includes('59_comic_halftone') && r;
        });
        await page.keyboard.press('Control+Shift+M'); // the Problems panel
        const problemsCount = () => page.locator('.part.panel .markers-panel .monaco-list-row').count();
        await until('the Problems panel', () => page.locator('.part.panel .markers-panel').isVisible());
        const problemsBefore = await until('problems listed', async () => (await problemsCount()) > 0 && problemsCount());

        // 1. The decision: one modal dialog with the summary and three buttons.
        await runCommand(page, 'Training Versions: Clean Up Workspace');
        const dialog = page.locator('.monaco-dialog-box');
        await until('the decision dialog', () => dialog.isVisible());
        const message = (await dialog.locator('.dialog-message-text').innerText()).trim();
        const detail = (
          await dialog
            .locator('.dialog-message-detail')
            .innerText()
            .catch(() => '')
        ).trim();
        const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((t) => t.trim());
        check(
          /^Clean Up Workspace: Merge \d+ duplicate groups? and upgrade \d+ URLs? in \d+ files?\.$/.test(message),
          "the dialog says what will change in the domain's words",
          `saw "${message}"`,
        );
        check(
          /1_ink_intensity\/training_versions\.json: keep "V7" \([^)]*\) \(it has the training parameters\), remove "style_1_vV7\.safetensors"/.test(
            detail,
          ),
          'its detail says which entry is kept and why',
          `saw "${detail}"`,
        );
        check(
          /copies each file to training_versions\.json\.backup/.test(detail),
          'its detail says every changed file gets a backup',
          `saw "${detail}"`,
        );
        check(
          same([...buttons].sort(), ['Apply', 'Cancel', 'Review changes']),
          'the dialog offers Apply, Review changes and Cancel',
          `saw ${JSON.stringify(buttons)}`,
        );
        await page.screenshot({ path: join(outDir, 'decision.png') });
        shot(join(outDir, 'decision.png'));

        // 2. Review changes: the multi-file diff editor, labelled; no count changes.
        await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Review changes' }).click();
        const entries = page.locator('.multiDiffEntry');
        await until('the review (multi-file diff editor)', async () => (await entries.count()) >= 1, 30_000).catch(async (e) => {
          await page.screenshot({ path: join(outDir, 'review-failed.png') });
          throw e;
        });
        await sleep(1000);
        const headers = (await page.locator('.multiDiffEntry .header').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        check(
          headers.some((h) => /training_versions\.json.*1_ink_intensity — keep "V7"/.test(h)),
          'the review labels each file with what is kept',
          `saw ${JSON.stringify(headers.slice(0, 2))}`,
        );
        const tab = await page.locator('.tabs-container .tab.active').innerText();
        check(/Review Clean Up Workspace: Merge/.test(tab), "the review's tab is titled with the summary", `saw "${tab}"`);
        await sleep(1500); // the index's debounce and the tree's refresh, had they taken the review's documents
        const badgeDuring = await badgeText().catch(() => '');
        const rowsDuring = await treeRows();
        const problemsDuring = await problemsCount();
        check(badgeDuring === badge, 'while reviewing: the badge is unchanged', `saw "${badgeDuring}"`);
        check(
          same(rowsDuring, rowsBefore) && !rowsDuring.includes('Outside the workspace'),
          'while reviewing: the tree shows the same rows (no "Outside the workspace")',
          `saw ${JSON.stringify(rowsDuring)}`,
        );
        check(
          problemsDuring === problemsBefore,
          'while reviewing: the Problems panel lists the same rows',
          `saw ${problemsDuring}, before ${problemsBefore}`,
        );
        check(same(snapshot(workspace), original), 'while reviewing: nothing written');
        await page.screenshot({ path: join(outDir, 'review.png') });
        shot(join(outDir, 'review.png'));

        // 3. Back to the decision: its notification, in the Notification Center (toasts are hidden here).
        await runCommand(page, 'Notifications: Show Notifications');
        const item = (text) => page.locator('.notifications-center .notification-list-item').filter({ hasText: text }).first();
        const decision = item('Clean Up Workspace: Merge');
        await until("the decision's notification", () => decision.isVisible());
        const nButtons = (await decision.locator('.monaco-button').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        check(
          same(nButtons, ['Apply', 'Review changes', 'Cancel']),
          'after the review, the same decision: Apply, Review changes, Cancel',
          `saw ${JSON.stringify(nButtons)}`,
        );
        await decision.locator('.monaco-button', { hasText: 'Apply' }).click();

        // 4. Written: every change, every backup (the state before this apply), one notification with Undo.
        const done = item('Clean Up Workspace: Merged');
        await until('the notification of what was written', () => done.isVisible()).catch(async () => {
          await runCommand(page, 'Notifications: Show Notifications');
          await until('the notification of what was written', () => done.isVisible());
        });
        const written = snapshot(workspace);
        const changed = Object.keys(original).filter((k) => written[k] !== original[k]);
        const backups = Object.keys(written).filter((k) => k.endsWith('.backup'));
        check(
          changed.length >= 4 && backups.length === changed.length,
          'Apply wrote the files and one backup per changed file',
          `changed ${changed.join(', ')}; backups ${backups.join(', ')}`,
        );
        check(
          changed.every((k) => written[`${k}.backup`] === original[k]),
          'each backup holds the text before the apply',
        );
        check(
          await until('the review closed', async () => (await entries.count()) === 0, 10_000).catch(() => false),
          'the review closes once decided',
        );
        const doneText = (await done.locator('.notification-list-item-message').innerText()).trim();
        const doneButtons = (await done.locator('.monaco-button').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        check(
          new RegExp(
            `^Training Versions: Clean Up Workspace: Merged \\d+ duplicate groups? \\(\\d+ entr(y|ies) ` +
              `removed\\) and upgraded \\d+ URLs? in ${changed.length} files\\. Backups: the previous ` +
              `texts of ${changed.length} files are in training_versions\\.json\\.backup\\.$`,
          ).test(doneText),
          'one notification says what was written, backups included',
          `saw "${doneText}"`,
        );
        check(same(doneButtons, ['Undo', 'Show Log']), 'it offers Undo and Show Log', `saw ${JSON.stringify(doneButtons)}`);
        const badgeAfter = await until(
          'the badge after the clean-up',
          async () => (await badgeText().catch(() => '')) !== badge && badgeText(),
          10_000,
        ).catch(() => badgeText().catch(() => ''));
        check(Number(badgeAfter || 0) < Number(badge), 'after Apply the badge counts fewer problems', `saw "${badgeAfter}"`);

        // 5. Undo: the files and their backups as before.
        await done.locator('.monaco-button', { hasText: 'Undo' }).click();
        const undone = await until('the files undone', () => same(snapshot(workspace), original), 15_000).catch(() => false);
        check(undone, 'Undo puts every file back and removes the backups it wrote');

        // 6. Cancel writes nothing.
        await page.keyboard.press('Escape');
        await runCommand(page, 'Training Versions: Clean Up Workspace');
        await until('the decision dialog again', () => dialog.isVisible());
        await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
        await until('the dialog closed', async () => !(await dialog.isVisible()));
        await sleep(1500);
        check(same(snapshot(workspace), original), 'Cancel writes nothing (no file, no backup)');
      },
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (!values['out-dir']) rmSync(outDir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`UI test (writes) FAILED: ${failures.length} check(s): ${failures.join('; ')}`);
    return 1;
  }
  console.log('UI test (writes) passed.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`UI test (writes) could not run: ${err.stack || err.message}`);
    process.exit(failures.length ? 1 : 2);
  },
);
