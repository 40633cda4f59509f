/**
 * What each row of the styles tree looks like to VS Code: its codicon and theme
 * colour, and its `contextValue` (the menu contract that package.json's
 * `viewItem =~ /;flag;/` clauses match). Pure, no vscode import: the unit tests
 * check these against package.json in plain node (test/unit/treeMenus.test.ts).
 */
import type { StyleSummary, VersionRow, VersionState } from '../core/styleRows';

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

/** `style;` then `flag;` for each of styleId, problems, duplicates, inFlight, invalid. */
export function styleContextValue(s: StyleSummary): string {
  return contextValueOf('style', {
    styleId: s.styleId !== undefined,
    problems: s.problemCount > 0,
    duplicates: s.duplicateCount > 0,
    inFlight: s.inFlightCount > 0,
    invalid: !s.writable,
  });
}

export function styleIcon(s: StyleSummary): IconModel {
  if (!s.writable) return { id: 'error', color: 'list.errorForeground' };
  return s.inFlightCount > 0 ? { id: 'sync~spin' } : { id: 'symbol-color' };
}

/** `version;` then `flag;` for each of inFlight, stale, duplicate, kept, minimal, url, problems, failed, styleId. */
export function versionContextValue(r: VersionRow): string {
  return contextValueOf('version', {
    inFlight: r.inFlight,
    stale: r.stale,
    duplicate: r.duplicateOf !== undefined,
    kept: r.keptOver > 0,
    minimal: r.minimal,
    url: r.loraUrl !== undefined,
    problems: r.problemCount > 0,
    failed: r.status === 'failed',
    styleId: r.styleId !== undefined,
  });
}

const STATE_ICONS: Record<VersionState, IconModel> = {
  queued: { id: 'clock' },
  training: { id: 'sync~spin' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stale: { id: 'warning', color: 'list.warningForeground' },
  none: { id: 'circle-outline' },
  unknown: { id: 'question', color: 'list.warningForeground' },
};

export function versionIcon(r: VersionRow): IconModel {
  return STATE_ICONS[r.state];
}
