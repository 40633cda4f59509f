/**
 * The rows of the sidebar as data: one per style (a training_versions.json) and one
 * per version, with their texts, state, counts and order. No icon or menu flag:
 * those are the tree's (src/vscode/stylesTreeItems.ts).
 */
import { type FindingCode, type Severity, isProblem } from './catalogue';
import type { Finding } from './findings';
import { linkUrl } from './s3Url';
import { type StyleFile, digestOf } from './styleFile';
import { keyParameters, plural, relativeTime } from './versionText';
import { IN_FLIGHT, STATUSES, type Version, str } from './versions';
import { compareLabels } from './order';

/** One style row. */
export interface StyleSummary {
  key: string;
  label: string;
  styleId?: string;
  description: string;
  versionCount: number;
  /** Findings at warning or error severity, file-level ones included. */
  problemCount: number;
  /** Versions pending, starting or training, neither stale nor found expired on RunPod. */
  inFlightCount: number;
  /** Versions in flight by their status that a RunPod check found expired. */
  expiredCount: number;
  staleCount: number;
  /** Entries a merge would remove. */
  duplicateCount: number;
  minimalCount: number;
  /** How many findings of each code the file has (every severity). */
  codeCounts: Partial<Record<FindingCode, number>>;
  /** False when the file does not parse or has no usable `versions` array. */
  writable: boolean;
  /**
   * The file does not parse now (often a moment while typing): versions, jobs in flight
   * and stale jobs are those of the last text that did; problems are today's.
   */
  outOfDate: boolean;
}

export type VersionState = 'queued' | 'training' | 'completed' | 'failed' | 'stale' | 'expired' | 'none' | 'unknown';

/** One version row. */
export interface VersionRow {
  /** `<file key>#<entry index>`: unique in the tree. */
  key: string;
  entryIndex: number;
  versionId?: string;
  /** The style id of its folder, if any. */
  styleId?: string;
  label: string;
  /** The version as people say it: `V7`, else the label. */
  versionLabel: string;
  status?: string;
  state: VersionState;
  description: string;
  /** ms since epoch, when `timestamp` parses. */
  time?: number;
  /** Version label of the kept entry, for a duplicate that a merge removes. */
  duplicateOf?: string;
  /** For the kept entry of a group: how many entries its merge removes. */
  keptOver: number;
  /** Index into `analysis.groups` when the version is in a duplicate group. */
  group?: number;
  minimal: boolean;
  stale: boolean;
  inFlight: boolean;
  /** When a RunPod status check found this job expired (its status can no longer be asked). */
  expiredAt?: number;
  loraUrl?: string;
  problemCount: number;
  /** The highest severity of its findings, if it has any. */
  worst?: Severity;
  findings: Finding[];
  /** From the last text that parsed: the file does not parse now (offsets are of that text). */
  outOfDate?: boolean;
  /** What opening the version selects: the `id` value, else the whole entry. */
  selection: { offset: number; length: number };
  /** The whole entry. */
  range: { offset: number; length: number };
}

/**
 * The row of one style file. `lastGood`, for a file that does not parse now, is the
 * last analysis of it that did: its versions stay visible, marked out of date.
 */
export function summarizeStyle(file: StyleFile, lastGood?: StyleFile): StyleSummary {
  const a = digestOf(file);
  const shown = lastGood ? digestOf(lastGood) : a;
  let problemCount = 0,
    minimalCount = 0,
    inFlight = 0;
  const staleEntries = new Set<number>();
  const codeCounts: Partial<Record<FindingCode, number>> = {};
  for (const f of a.findings) {
    codeCounts[f.code] = (codeCounts[f.code] ?? 0) + 1;
    if (isProblem(f)) problemCount++;
    if (f.code === 'minimal-entry') minimalCount++;
  }
  for (const f of shown.findings) if (f.code === 'stale-job' && f.entryIndex !== undefined) staleEntries.add(f.entryIndex);
  let expiredCount = 0;
  for (const v of shown.inFlight) {
    if (v.id !== undefined && file.expiredJobs?.has(v.id)) expiredCount++;
    else if (!staleEntries.has(v.index)) inFlight++;
  }
  const duplicateCount = a.duplicateCount;
  const versionCount = shown.versionCount;
  const outOfDate = lastGood !== undefined;
  // Problems first (a narrow sidebar cuts the end); the label already names the style.
  const parts: string[] = [];
  if (!a.writable) parts.push(a.syntaxError ? 'invalid JSON' : 'invalid file');
  if (problemCount) parts.push(plural(problemCount, 'problem'));
  if (outOfDate) parts.push(`${plural(versionCount, 'version')} (out of date)`);
  else if (a.writable) parts.push(plural(versionCount, 'version'));
  if (inFlight) parts.push(`${inFlight} in flight`);
  if (expiredCount) parts.push(`${expiredCount} expired`);
  if (file.styleId === undefined) parts.push('no style id');
  return {
    key: file.key,
    label: file.styleFolder,
    styleId: file.styleId,
    description: parts.join(' · '),
    versionCount,
    problemCount,
    inFlightCount: inFlight,
    expiredCount,
    staleCount: staleEntries.size,
    duplicateCount,
    minimalCount,
    codeCounts,
    writable: a.writable,
    outOfDate,
  };
}

/** Orders styles: by style id as a number, then folder name; folders without a style id last, by name. */
export function compareStyles(
  a: { styleId?: string; label: string; key: string },
  b: { styleId?: string; label: string; key: string },
): number {
  if (a.styleId !== undefined && b.styleId !== undefined) {
    // Style ids are digit strings without leading zeros: longer is larger, then by text.
    if (a.styleId.length !== b.styleId.length) return a.styleId.length - b.styleId.length;
    if (a.styleId !== b.styleId) return a.styleId < b.styleId ? -1 : 1;
  } else if (a.styleId !== undefined) return -1;
  else if (b.styleId !== undefined) return 1;
  return compareLabels(a.label, b.label) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The version label of a version: `V7` from its name or file, else its row label. */
export function versionLabelOf(v: Version): string {
  return v.versionName ?? v.file?.label ?? rowLabelOf(v);
}

/** The row label of a version: its `name`, else its `id`, else its position. */
export function rowLabelOf(v: Version): string {
  return str(v.value, 'name') ?? v.id ?? `#${v.index + 1}`;
}

const SEVERITY_RANK: Record<Severity, number> = { information: 0, warning: 1, error: 2 };

/** The attempt suffix of a RunPod job id (`e2` of `…-e2`), if any. */
function attemptOf(v: Version): string | undefined {
  return v.id !== undefined && v.baseId !== undefined && v.baseId !== v.id ? v.id.slice(v.baseId.length + 1) : undefined;
}

/**
 * How the row of `self` names `other` so that the two read differently: its version
 * label (`V7`); with the attempt when that is also `self`'s label (`V2 · duplicate of
 * V2 (e1)`); else its row label or position.
 */
function distinctName(other: Version, self: Version): string {
  const name = versionLabelOf(other);
  if (name !== rowLabelOf(self)) return name;
  const attempt = attemptOf(other);
  if (attempt !== undefined && attempt !== attemptOf(self)) return `${name} (${attempt})`;
  const label = rowLabelOf(other);
  return label !== rowLabelOf(self) ? label : `#${other.index + 1}`;
}

function stateOf(status: string | undefined, stale: boolean, expired: boolean): VersionState {
  if (status === undefined) return 'none';
  if (!(STATUSES as readonly string[]).includes(status)) return 'unknown';
  if (IN_FLIGHT.includes(status)) return expired ? 'expired' : stale ? 'stale' : status === 'training' ? 'training' : 'queued';
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
    const inFlight = status !== undefined && IN_FLIGHT.includes(status);
    const expiredAt = inFlight && v.id !== undefined ? file.expiredJobs?.get(v.id) : undefined;
    const state = stateOf(status, stale, expiredAt !== undefined);
    const gi = groupOf.get(v.index);
    const group = gi === undefined ? undefined : a.groups[gi];
    const kept = group !== undefined && group.winner === v;
    const duplicateOf = group !== undefined && !kept ? distinctName(group.winner, v) : undefined;
    const keptOver = kept ? group.members.length - 1 : 0;
    const url = str(v.value, 'loraUrl');
    const loraUrl = linkUrl(url);
    const time = timeOf(v);
    const problemCount = findings.filter(isProblem).length;
    let worst: Severity | undefined;
    for (const f of findings) if (worst === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;

    // What is wrong first, then what it is: a narrow sidebar cuts the end.
    const parts: string[] = [];
    if (duplicateOf !== undefined) parts.push(`duplicate of ${duplicateOf}`);
    if (stale) parts.push('stale');
    if (expiredAt !== undefined) parts.push('expired on RunPod');
    if (findings.some((f) => f.code === 'non-accelerated-url')) parts.push('regular URL');
    const invalid = findings.filter((f) => f.code === 'invalid-schema').length;
    if (invalid) parts.push(invalid === 1 ? 'invalid value' : `${invalid} invalid values`);
    if (keptOver > 0) parts.push(`kept · ${plural(keptOver, 'duplicate')}`);
    if (v.minimal && duplicateOf === undefined) parts.push('minimal');
    if (time !== undefined) parts.push(relativeTime(time, now));
    parts.push(...keyParameters(v.value.parameters));

    const idProp = v.node.byKey.get('id');
    return {
      key: `${file.key}#${v.index}`,
      entryIndex: v.index,
      versionId: v.id,
      styleId: file.styleId,
      label: rowLabelOf(v),
      versionLabel: versionLabelOf(v),
      status,
      state,
      description: parts.join(' · '),
      time,
      duplicateOf,
      keptOver,
      group: gi,
      minimal: v.minimal,
      stale,
      inFlight,
      expiredAt,
      loraUrl,
      problemCount,
      worst,
      findings,
      selection: idProp ? { offset: idProp.valueOffset, length: idProp.valueLength } : { offset: v.node.offset, length: v.node.length },
      range: { offset: v.node.offset, length: v.node.length },
    } satisfies VersionRow;
  });
  return rows.sort(compareVersionRows);
}
