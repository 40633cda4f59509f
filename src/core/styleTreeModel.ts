/**
 * The styles of a workspace as the sidebar holds them: grouped by workspace folder,
 * kept sorted, updated one file at a time, with running totals. The tree view is a
 * thin adapter over it; the index bench (scripts/bench-index.ts) runs it in plain node.
 */
import { type StyleFile, digestOf } from './styleFile';
import { type StyleSummary, type VersionRow, compareStyles, summarizeStyle, versionRows } from './styleRows';

/** Totals over every style: what the status bar and the view badge show. */
export interface StyleTotals {
  styles: number;
  versions: number;
  /** Findings that are problems (`isProblem`: errors and warnings), as `training-versions check` counts them. */
  problems: number;
  /** Styles with at least one problem. */
  stylesWithProblems: number;
  inFlight: number;
  stale: number;
}

/** What `upsert` changed, so the tree can refresh only what it must. */
export interface UpsertResult {
  /** A new style (or one that moved to another group). */
  added: boolean;
  /** The style's row or versions changed. */
  changed: boolean;
  /** Whether it has problems flipped (matters when only problems are shown). */
  problemsFlipped: boolean;
  summary: StyleSummary;
}

interface Entry {
  file: StyleFile;
  group: string;
  summary: StyleSummary;
  /** While the file does not parse: the last analysis of it that did. */
  lastGood?: StyleFile;
}

/**
 * Updates are per file: `upsert` re-summarises one file and keeps the order cached
 * unless the set of styles changed; totals are adjusted, never recounted.
 */
export class StyleTreeModel {
  private readonly entries = new Map<string, Entry>();
  /** Sorted keys per group; dropped when a group's membership changes. */
  private readonly order = new Map<string, string[]>();
  private readonly totalsNow: StyleTotals = { styles: 0, versions: 0, problems: 0, stylesWithProblems: 0, inFlight: 0, stale: 0 };
  /** Show only styles and versions with problems. */
  onlyProblems = false;

  /** Adds or replaces one file. `group` is its workspace folder's key ('' for none). */
  upsert(file: StyleFile, group = ''): UpsertResult {
    const old = this.entries.get(file.key);
    if (
      old &&
      digestOf(old.file) === digestOf(file) &&
      old.file.expiredJobs === file.expiredJobs &&
      old.group === group &&
      old.file.styleFolder === file.styleFolder
    ) {
      return { added: false, changed: false, problemsFlipped: false, summary: old.summary };
    }
    // A syntax error (typing) keeps the last versions that parsed in sight; any other change replaces them.
    const lastGood = digestOf(file).syntaxError && old ? (digestOf(old.file).writable ? old.file : old.lastGood) : undefined;
    const summary = summarizeStyle(file, lastGood);
    if (old) this.count(old.summary, -1);
    this.count(summary, +1);
    const moved = !old || old.group !== group || old.file.styleFolder !== file.styleFolder || old.file.styleId !== file.styleId;
    if (old && moved) this.order.delete(old.group);
    if (moved) this.order.delete(group);
    this.entries.set(file.key, { file, group, summary, lastGood });
    const problemsFlipped = old !== undefined && old.summary.problemCount > 0 !== summary.problemCount > 0;
    return { added: moved, changed: true, problemsFlipped, summary };
  }

  /** Removes one file; returns its group when it was there. */
  remove(key: string): { group: string } | undefined {
    const old = this.entries.get(key);
    if (!old) return undefined;
    this.entries.delete(key);
    this.count(old.summary, -1);
    this.order.delete(old.group);
    return { group: old.group };
  }

  clear(): void {
    this.entries.clear();
    this.order.clear();
    Object.assign(this.totalsNow, { styles: 0, versions: 0, problems: 0, stylesWithProblems: 0, inFlight: 0, stale: 0 });
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  file(key: string): StyleFile | undefined {
    return this.entries.get(key)?.file;
  }

  summary(key: string): StyleSummary | undefined {
    return this.entries.get(key)?.summary;
  }

  groupOf(key: string): string | undefined {
    return this.entries.get(key)?.group;
  }

  /** The groups that hold at least one style. */
  groups(): string[] {
    const gs = new Set<string>();
    for (const e of this.entries.values()) gs.add(e.group);
    return [...gs];
  }

  /** The styles of a group, sorted; only those with problems when `onlyProblems`. */
  styles(group = ''): StyleSummary[] {
    let keys = this.order.get(group);
    if (!keys) {
      const inGroup: StyleSummary[] = [];
      for (const e of this.entries.values()) if (e.group === group) inGroup.push(e.summary);
      inGroup.sort(compareStyles);
      keys = inGroup.map((s) => s.key);
      this.order.set(group, keys);
    }
    const out: StyleSummary[] = [];
    for (const k of keys) {
      const s = this.entries.get(k)!.summary;
      if (!this.onlyProblems || s.problemCount > 0) out.push(s);
    }
    return out;
  }

  /**
   * The versions of a style, newest first; only those with problems when `onlyProblems`.
   * `now` dates them. While the file does not parse: those of its last good text, `outOfDate`.
   */
  versions(key: string, now: number): VersionRow[] {
    const e = this.entries.get(key);
    if (!e) return [];
    const rows = e.lastGood ? versionRows(e.lastGood, now).map((r) => ({ ...r, outOfDate: true })) : versionRows(e.file, now);
    return this.onlyProblems ? rows.filter((r) => r.problemCount > 0) : rows;
  }

  /** Totals over every style (not filtered). */
  totals(): StyleTotals {
    return { ...this.totalsNow };
  }

  private count(s: StyleSummary, sign: 1 | -1): void {
    const t = this.totalsNow;
    t.styles += sign;
    t.versions += sign * s.versionCount;
    t.problems += sign * s.problemCount;
    if (s.problemCount > 0) t.stylesWithProblems += sign;
    t.inFlight += sign * s.inFlightCount;
    t.stale += sign * s.staleCount;
  }
}
