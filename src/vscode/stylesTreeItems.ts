/**
 * What each row of the styles tree looks like to VS Code: its codicon and theme
 * colour, and its `contextValue` (the menu contract that package.json's
 * `viewItem =~ /;flag;/` clauses match). Pure, no vscode import: the unit tests
 * check these against package.json in plain node (test/unit/treeMenus.test.ts).
 */
import { FINDING_CODES, isFixable } from '../core/catalogue';
import type { StyleSummary, VersionRow, VersionState } from '../core/styleRows';
import type { StyleTotals } from '../core/styleTreeModel';
import { plural } from '../core/versionText';

/** A codicon id (`sync~spin` spins) and an optional theme colour id. */
export interface IconModel {
  id: string;
  color?: string;
}

/** Context value: the kind, then each set flag, each followed by `;` (match with `/;flag;/`). */
export function contextValueOf(kind: string, flags: Record<string, boolean>): string {
  let s = `${kind};`;
  for (const [k, on] of Object.entries(flags)) if (on) s += `${k};`;
  return s;
}

/** `style;` then `flag;` for each of styleId, problems, duplicates, inFlight, invalid, fixable. */
export function styleContextValue(s: StyleSummary): string {
  return contextValueOf('style', {
    styleId: s.styleId !== undefined,
    problems: s.problemCount > 0,
    duplicates: s.duplicateCount > 0,
    inFlight: s.inFlightCount > 0,
    invalid: !s.writable,
    fixable: s.writable && FINDING_CODES.some((c) => isFixable(c) && (s.codeCounts[c] ?? 0) > 0),
  });
}

export function styleIcon(s: StyleSummary): IconModel {
  if (!s.writable) return { id: 'error', color: 'list.errorForeground' };
  if (s.inFlightCount > 0) return { id: 'sync~spin' };
  return s.problemCount > 0 ? { id: 'symbol-color', color: 'list.warningForeground' } : { id: 'symbol-color' };
}

/**
 * `version;` then `flag;` for each of inFlight, stale, expired, duplicate, kept, minimal, url,
 * problems, failed, styleId, regularUrl expired (or `outOfDate;`).
 */
export function versionContextValue(r: VersionRow): string {
  // Out of date (the file does not parse now): nothing to merge, check or copy until it does.
  if (r.outOfDate) return contextValueOf('version', { outOfDate: true, styleId: r.styleId !== undefined });
  return contextValueOf('version', {
    inFlight: r.inFlight,
    stale: r.stale,
    expired: r.expiredAt !== undefined,
    duplicate: r.duplicateOf !== undefined,
    kept: r.keptOver > 0,
    minimal: r.minimal,
    url: r.loraUrl !== undefined,
    problems: r.problemCount > 0,
    failed: r.status === 'failed',
    styleId: r.styleId !== undefined,
    regularUrl: r.findings.some((f) => f.code === 'non-accelerated-url'),
  });
}

const STATE_ICONS: Record<VersionState, IconModel> = {
  queued: { id: 'clock' },
  training: { id: 'sync~spin' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stale: { id: 'warning', color: 'list.warningForeground' },
  expired: { id: 'history', color: 'list.warningForeground' },
  none: { id: 'circle-outline' },
  unknown: { id: 'question', color: 'list.warningForeground' },
};

/**
 * The status icon, unless the row has a problem: then never one that reads as
 * "all good" (a green check for a duplicate or a regular URL). A failed job keeps its
 * red icon, a problem cannot be worse.
 */
export function versionIcon(r: VersionRow): IconModel {
  if (r.state === 'failed' || r.state === 'stale' || r.state === 'expired') return STATE_ICONS[r.state];
  if (r.worst === 'error') return { id: 'error', color: 'list.errorForeground' };
  if (r.worst === 'warning') return { id: 'warning', color: 'list.warningForeground' };
  return STATE_ICONS[r.state];
}

/** The texts of the view badge and the status bar item: one count of problems for both (`isProblem`). */
export function totalsTexts(
  t: StyleTotals,
  polling?: { jobs: number; pollSeconds: number; health?: string },
): { problems: string; badgeTooltip: string; tooltip: string; accessibility: string } {
  const problems =
    t.problems === 0
      ? 'no problems'
      : `${plural(t.problems, 'problem')} in ${plural(t.stylesWithProblems, 'style')}${t.stylesWithProblems < t.styles ? ` (of ${t.styles})` : ''}`;
  const jobs = `${plural(t.inFlight, 'job')} in flight`;
  const stale = t.stale ? `, ${t.stale} stale (older than staleAfterHours)` : '';
  // The endpoint's queue and workers (RunPod /health) explain why jobs sit in pending.
  const poll = polling
    ? ` Polling RunPod every ${polling.pollSeconds} s for ${plural(polling.jobs, 'job')} ` +
      `(trainingVersions.runpod.pollSeconds).${polling.health ? ` ${polling.health}` : ''}`
    : '';
  return {
    problems,
    badgeTooltip: `Training Versions: ${problems}`,
    tooltip: `Training Versions: ${jobs}${stale}, ${problems}.${poll} Click to show the styles.`,
    accessibility: `Training Versions: ${jobs}, ${problems}`,
  };
}
