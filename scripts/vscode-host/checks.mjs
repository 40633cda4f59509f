// What the UI tests (scripts/ui-test*.mjs) share: one ✔/✘ line per check (counted by
// scripts/test-integration.mjs), the list of failed checks, and polling the workbench,
// which renders asynchronously.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The checks that failed so far, in order. */
export const failures = [];

/** Prints one check as the test runner counts it, with the detail of a failure. */
export function check(ok, what, detail = '') {
  console.log(`  ${ok ? '✔' : '✘'} ${what}${!ok && detail ? `\n      ${detail}` : ''}`);
  if (!ok) failures.push(what);
}

/** Polls until fn returns a truthy value or the time is up. */
export async function until(what, fn, timeoutMs = 20_000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(everyMs);
  }
}

/** The workbench settings the UI tests (and their README screenshots) run with. */
export const UI_SETTINGS = {
  'workbench.colorTheme': 'Default Dark Modern',
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
};

/** The Training Versions icon in the activity bar, once it shows. */
export async function activityBarIcon(page) {
  const icon = page
    .locator(
      '.part.activitybar .action-item a[aria-label^="Training Versions"], .part.activitybar .action-item[aria-label^="Training Versions"]',
    )
    .first();
  await until('the Training Versions activity bar icon', () => icon.isVisible());
  return icon;
}
