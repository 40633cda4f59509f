/**
 * What the sidebar shows, without vscode: one row per style (a training_versions.json)
 * and per version, with labels, descriptions, icon ids, context flags, order and
 * counts. The tree view is a thin adapter over `StyleTreeModel`; the index bench
 * (scripts/bench-index.ts) runs the very same code in plain node.
 */
import { type Analysis, type AnalyzeOptions, type Finding, analyze } from './findings';
import { styleIdOfFolder } from './identity';
import { IN_FLIGHT, STATUSES, type Version, str } from './versions';

/** A codicon id (`sync~spin` spins) and an optional theme color id. */
export interface IconModel {
  id: string;
  color?: string;
}

/** One analysed training_versions.json, as the model needs it. */
export interface StyleFile {
  /** Unique key of the file (its URI as a string). */
  key: string;
  /** Name of the folder holding the file (`1_ink_intensity`). */
  styleFolder: string;
  styleId?: string;
  analysis: Analysis;
}

/** Reads the style folder and style id from a file path (either slash) and analyses the text. */
export function analyzeStyleFile(filePath: string, text: string, options: Omit<AnalyzeOptions, 'styleId'> = {}): Omit<StyleFile, 'key'> {
  const parts = filePath.split(/[\\/]/);
  const styleFolder = parts.length >= 2 ? parts[parts.length - 2] : '';
  const styleId = styleIdOfFolder(styleFolder);
  return { styleFolder, styleId, analysis: analyze(text, { ...options, styleId }) };
}

/** A finding that the tree counts as a problem: errors and warnings (information is a note). */
export function isProblem(f: Finding): boolean {
  return f.severity !== 'information';
}

/** One style row. */
export interface StyleSummary {
  key: string;
  label: string;
  styleId?: string;
  description: string;
  icon: IconModel;
  /** `style;` then `flag;` for each of styleId, problems, duplicates, inFlight, invalid. */
  contextValue: string;
  versionCount: number;
  /** Findings at warning or error severity, file-level ones included. */
  problemCount: number;
  /** Versions pending, starting or training and not stale. */
  inFlightCount: number;
  staleCount: number;
  /** Entries a merge would remove. */
  duplicateCount: number;
  minimalCount: number;
  /** False when the file does not parse or has no usable `versions` array. */
  writable: boolean;
}

export type VersionState = 'queued' | 'training' | 'completed' | 'failed' | 'stale' | 'none' | 'unknown';

/** One version row. */
export interface VersionRow {
  /** `<file key>#<entry index>`: unique in the tree. */
  key: string;
  entryIndex: number;
  versionId?: string;
  label: string;
  /** The version as people say it: `V7`, else the label. */
  shortName: string;
  status?: string;
  state: VersionState;
  description: string;
  icon: IconModel;
  /** `version;` then `flag;` for each of inFlight, stale, duplicate, kept, minimal, url, problems, failed, styleId. */
  contextValue: string;
  /** ms since epoch, when `timestamp` parses. */
  time?: number;
  /** Short name of the kept entry, for a duplicate that a merge removes. */
  duplicateOf?: string;
  /** For the kept entry of a group: how many entries its merge removes. */
  keptOver: number;
  /** Index into `analysis.groups` when the version is in a duplicate group. */
  group?: number;
  minimal: boolean;
  stale: boolean;
  inFlight: boolean;
  loraUrl?: string;
  problemCount: number;
  findings: Finding[];
  /** What opening the version selects: the `id` value, else the whole entry. */
  selection: { offset: number; length: number };
  /** The whole entry. */
  range: { offset: number; length: number };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Context value: the kind, then each set flag, each followed by `;` (match with `/;flag;/`). */
export function contextValueOf(kind: string, flags: Record<string, boolean>): string {
  let s = `${kind};`;
  for (const [k, on] of Object.entries(flags)) if (on) s += `${k};`;
  return s;
}

/** The row of one style file. */
export function summarizeStyle(file: StyleFile): StyleSummary {
  const a = file.analysis;
  let problemCount = 0, staleCount = 0, minimalCount = 0, inFlight = 0;
  const staleEntries = new Set<number>();
  for (const f of a.findings) {
    if (isProblem(f)) problemCount++;
    if (f.code === 'stale-job' && f.entryIndex !== undefined) staleEntries.add(f.entryIndex);
    if (f.code === 'minimal-entry') minimalCount++;
  }
  staleCount = staleEntries.size;
  for (const v of a.versions) {
    const s = v.value.status;
    if (typeof s === 'string' && IN_FLIGHT.includes(s) && !staleEntries.has(v.index)) inFlight++;
  }
  let duplicateCount = 0;
  for (const g of a.groups) duplicateCount += g.members.length - 1;
  const versionCount = a.versions.length;
  const parts = [file.styleId !== undefined ? `style ${file.styleId}` : 'no style id'];
  if (!a.writable) parts.push(a.doc.syntaxError ? 'invalid JSON' : 'invalid file');
  else parts.push(plural(versionCount, 'version'));
  if (problemCount) parts.push(plural(problemCount, 'problem'));
  if (inFlight) parts.push(`${inFlight} in flight`);
  const icon: IconModel = !a.writable
    ? { id: 'error', color: 'list.errorForeground' }
    : inFlight > 0 ? { id: 'sync~spin' } : { id: 'symbol-color' };
  return {
    key: file.key,
    label: file.styleFolder,
    styleId: file.styleId,
    description: parts.join(' · '),
    icon,
    contextValue: contextValueOf('style', {
      styleId: file.styleId !== undefined,
      problems: problemCount > 0,
      duplicates: duplicateCount > 0,
      inFlight: inFlight > 0,
      invalid: !a.writable,
    }),
    versionCount,
    problemCount,
    inFlightCount: inFlight,
    staleCount,
    duplicateCount,
    minimalCount,
    writable: a.writable,
  };
}

/** Orders styles: by style id as a number, then folder name; folders without a style id last, by name. */
export function compareStyles(a: { styleId?: string; label: string; key: string }, b: { styleId?: string; label: string; key: string }): number {
  if (a.styleId !== undefined && b.styleId !== undefined) {
    // Style ids are digit strings without leading zeros: longer is larger, then by text.
    if (a.styleId.length !== b.styleId.length) return a.styleId.length - b.styleId.length;
    if (a.styleId !== b.styleId) return a.styleId < b.styleId ? -1 : 1;
  } else if (a.styleId !== undefined) return -1;
  else if (b.styleId !== undefined) return 1;
  return byName(a.label, b.label) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
function byName(a: string, b: string): number {
  return collator.compare(a, b);
}

/** "2 d ago": minutes, hours (up to 2 days), days (up to 2 months), months, years. */
export function relativeTime(ms: number, now: number): string {
  const diff = now - ms;
  const future = diff < 0;
  const s = Math.abs(diff) / 1000;
  let text: string;
  if (s < 60) return 'just now';
  if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 48 * 3600) text = `${Math.floor(s / 3600)} h`;
  else if (s < 60 * 86400) text = `${Math.floor(s / 86400)} d`;
  else if (s < 730 * 86400) text = `${Math.floor(s / (30.44 * 86400))} mo`;
  else text = `${Math.floor(s / (365.25 * 86400))} y`;
  return future ? `in ${text}` : `${text} ago`;
}

/** A number as the trainer writes it: small ones in exponent form (0.0001 → 1e-4). */
export function formatNumber(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.001) return n.toExponential();
  return String(n);
}

/** The key training parameters, short: "dim 16 · α 8 · lr 1e-4" (α only when it differs from dim). */
export function keyParameters(params: unknown): string[] {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return [];
  const p = params as Record<string, unknown>;
  const num = (k: string) => (typeof p[k] === 'number' && Number.isFinite(p[k]) ? (p[k] as number) : undefined);
  const out: string[] = [];
  const dim = num('network_dim');
  const alpha = num('network_alpha');
  const lr = num('learning_rate') ?? num('lr');
  if (dim !== undefined) out.push(`dim ${formatNumber(dim)}`);
  if (alpha !== undefined && alpha !== dim) out.push(`α ${formatNumber(alpha)}`);
  if (lr !== undefined) out.push(`lr ${formatNumber(lr)}`);
  return out;
}

/** The short name of a version: its version label (`V7`), else its name or id. */
export function shortNameOf(v: Version): string {
  return v.versionName ?? v.file?.label ?? labelOfVersion(v);
}

/** The row label of a version: its `name`, else its `id`, else its position. */
export function labelOfVersion(v: Version): string {
  return str(v.value, 'name') ?? v.id ?? `#${v.index + 1}`;
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

function stateOf(status: string | undefined, stale: boolean): VersionState {
  if (status === undefined) return 'none';
  if (!(STATUSES as readonly string[]).includes(status)) return 'unknown';
  if (IN_FLIGHT.includes(status)) return stale ? 'stale' : status === 'training' ? 'training' : 'queued';
  return status as 'completed' | 'failed';
}

function timeOf(v: Version): number | undefined {
  const t = str(v.value, 'timestamp');
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Newest first by timestamp; versions without one last; ties in file order. */
export function compareVersionRows(a: VersionRow, b: VersionRow): number {
  if (a.time !== undefined && b.time !== undefined && a.time !== b.time) return b.time - a.time;
  if (a.time !== undefined && b.time === undefined) return -1;
  if (a.time === undefined && b.time !== undefined) return 1;
  return a.entryIndex - b.entryIndex;
}

/** The version rows of a style file, newest first. `now` dates the descriptions. */
export function versionRows(file: StyleFile, now: number): VersionRow[] {
  const a = file.analysis;
  const byEntry = new Map<number, Finding[]>();
  for (const f of a.findings) {
    if (f.entryIndex === undefined) continue;
    const l = byEntry.get(f.entryIndex);
    if (l) l.push(f);
    else byEntry.set(f.entryIndex, [f]);
  }
  const groupOf = new Map<number, number>();
  a.groups.forEach((g, gi) => g.members.forEach((m) => groupOf.set(m.index, gi)));
  const rows = a.versions.map((v) => {
    const findings = byEntry.get(v.index) ?? [];
    const status = str(v.value, 'status');
    const stale = findings.some((f) => f.code === 'stale-job');
    const state = stateOf(status, stale);
    const gi = groupOf.get(v.index);
    const group = gi === undefined ? undefined : a.groups[gi];
    const kept = group !== undefined && group.winner === v;
    const duplicateOf = group !== undefined && !kept ? shortNameOf(group.winner) : undefined;
    const keptOver = kept ? group.members.length - 1 : 0;
    const inFlight = status !== undefined && IN_FLIGHT.includes(status);
    const url = str(v.value, 'loraUrl');
    const loraUrl = url !== undefined && /^https?:\/\/\S+$/i.test(url.trim()) ? url.trim() : undefined;
    const time = timeOf(v);
    const problemCount = findings.filter(isProblem).length;

    const parts: string[] = [];
    if (duplicateOf !== undefined) parts.push(`duplicate of ${duplicateOf}`);
    else if (keptOver > 0) parts.push(`kept · ${plural(keptOver, 'duplicate')}`);
    if (v.minimal && duplicateOf === undefined) parts.push('minimal');
    if (stale) parts.push('stale');
    if (time !== undefined) parts.push(relativeTime(time, now));
    parts.push(...keyParameters(v.value.parameters));

    const idProp = v.node.byKey.get('id');
    return {
      key: `${file.key}#${v.index}`,
      entryIndex: v.index,
      versionId: v.id,
      label: labelOfVersion(v),
      shortName: shortNameOf(v),
      status,
      state,
      description: parts.join(' · '),
      icon: STATE_ICONS[state],
      contextValue: contextValueOf('version', {
        inFlight,
        stale,
        duplicate: duplicateOf !== undefined,
        kept: keptOver > 0,
        minimal: v.minimal,
        url: loraUrl !== undefined,
        problems: problemCount > 0,
        failed: status === 'failed',
        styleId: file.styleId !== undefined,
      }),
      time,
      duplicateOf,
      keptOver,
      group: gi,
      minimal: v.minimal,
      stale,
      inFlight,
      loraUrl,
      problemCount,
      findings,
      selection: idProp ? { offset: idProp.valueOffset, length: idProp.valueLength } : { offset: v.node.offset, length: v.node.length },
      range: { offset: v.node.offset, length: v.node.length },
    } satisfies VersionRow;
  });
  return rows.sort(compareVersionRows);
}

/** Every field of an entry as (key, short text) rows, for a tooltip. */
export function fieldRows(value: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k === 'parameters' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      out.push([k, entries.length ? entries.map(([pk, pv]) => `${pk}=${typeof pv === 'number' ? formatNumber(pv) : JSON.stringify(pv)}`).join(', ') : '{}']);
    } else {
      out.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
    }
  }
  return out;
}

/** Totals over every style: what the status bar and the view badge show. */
export interface StyleTotals {
  styles: number;
  versions: number;
  problems: number;
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
}

/**
 * The styles of a workspace, grouped (by workspace folder) and kept sorted. Updates
 * are per file: `upsert` re-summarises one file and keeps the order cached unless the
 * set of styles changed; totals are adjusted, never recounted.
 */
export class StyleTreeModel {
  private readonly entries = new Map<string, Entry>();
  /** Sorted keys per group; dropped when a group's membership changes. */
  private readonly order = new Map<string, string[]>();
  private readonly totalsNow: StyleTotals = { styles: 0, versions: 0, problems: 0, inFlight: 0, stale: 0 };
  /** Show only styles and versions with problems. */
  onlyProblems = false;

  /** Adds or replaces one file. `group` is its workspace folder's key ('' for none). */
  upsert(file: StyleFile, group = ''): UpsertResult {
    const old = this.entries.get(file.key);
    if (old && old.file.analysis === file.analysis && old.group === group && old.file.styleFolder === file.styleFolder) {
      return { added: false, changed: false, problemsFlipped: false, summary: old.summary };
    }
    const summary = summarizeStyle(file);
    if (old) this.count(old.summary, -1);
    this.count(summary, +1);
    const moved = !old || old.group !== group || old.file.styleFolder !== file.styleFolder || old.file.styleId !== file.styleId;
    if (old && moved) this.order.delete(old.group);
    if (moved) this.order.delete(group);
    this.entries.set(file.key, { file, group, summary });
    const problemsFlipped = old !== undefined && (old.summary.problemCount > 0) !== (summary.problemCount > 0);
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
    Object.assign(this.totalsNow, { styles: 0, versions: 0, problems: 0, inFlight: 0, stale: 0 });
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

  /** The versions of a style, newest first; only those with problems when `onlyProblems`. */
  versions(key: string, now = Date.now()): VersionRow[] {
    const e = this.entries.get(key);
    if (!e) return [];
    const rows = versionRows(e.file, now);
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
    t.inFlight += sign * s.inFlightCount;
    t.stale += sign * s.staleCount;
  }
}
