/**
 * SPEC.md §3: the finding catalogue, and `analyze`, which turns a file's text
 * into findings with offsets. Also the fixes: per finding and for the whole file.
 */
import { FINDING_DOCS, type FindingCode, type Severity } from './catalogue';
import { type ParsedDocument, elementAt, isPlainObject, parseDocument } from './document';
import { type DuplicateGroup, RULE_TITLES, describeVersion, explainMember, findDuplicateGroups, sortSmall } from './duplicates';
import { type TextEdit } from './edits';
import { type PropertyChange, removeElementsEdits, setPropertiesEdits } from './jsonEdit';
import { acceleratedUrl, canAccelerate, isPresigned } from './s3Url';
import { mergeChanges, mergeGroupEdits, upgradeUrlEdits, withUrlUpgrade } from './merge';
import { hasAcceleratedUrl, IN_FLIGHT, STATUSES, type Version, str, versionsOf } from './versions';

export type { FindingCode, Severity } from './catalogue';

export interface RelatedLocation {
  offset: number;
  length: number;
  message: string;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  offset: number;
  length: number;
  /** The `id` of the version concerned, when there is one. */
  versionId: string | null;
  /** Index of the entry in `versions`, when the finding is about one. */
  entryIndex?: number;
  related: RelatedLocation[];
  /** For `duplicate-version`: index of its group in `Analysis.groups`. */
  group?: number;
}

export interface AnalyzeOptions {
  /** The folder's style id (`styleIdOfFolder`); rule 3 of §2 needs it. */
  styleId?: string;
  preferAcceleratedUrls?: boolean;
  staleAfterHours?: number;
  /** The time to judge staleness against (ms since epoch): the caller's clock, read once at the edge. */
  now: number;
}

export interface Analysis {
  doc: ParsedDocument;
  /** Object entries of `versions` (empty when the file is not usable). */
  versions: Version[];
  groups: DuplicateGroup[];
  findings: Finding[];
  /** False when the file does not parse or `versions` is unusable: never write it. */
  writable: boolean;
  options: Required<Omit<AnalyzeOptions, 'styleId'>> & { styleId?: string };
}

const KNOWN_TYPES: Record<string, 'string' | 'number' | 'object'> = {
  name: 'string',
  timestamp: 'string',
  parameters: 'object',
  status: 'string',
  selectionSetId: 'number',
  imageCount: 'number',
  loraUrl: 'string',
  completedAt: 'string',
  failedAt: 'string',
  error: 'string',
  lastSynced: 'string',
  description: 'string',
};

const KNOWN_KEYS = Object.keys(KNOWN_TYPES);
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** Analyses one training_versions.json text. */
export function analyze(text: string, options: AnalyzeOptions): Analysis {
  const opts = {
    styleId: options.styleId,
    preferAcceleratedUrls: options.preferAcceleratedUrls ?? true,
    staleAfterHours: options.staleAfterHours ?? 24,
    now: options.now,
  };
  const doc = parseDocument(text);
  const result: Analysis = { doc, versions: [], groups: [], findings: [], writable: false, options: opts };
  const findings = result.findings;
  const add = (f: Omit<Finding, 'severity' | 'related'> & { related?: RelatedLocation[] }) =>
    findings.push({ severity: FINDING_DOCS[f.code].severity, related: [], ...f });

  if (doc.syntaxError) {
    const e = doc.syntaxError;
    add({
      code: 'invalid-json',
      message: `Not valid JSON: ${e.message}. Fix the syntax; the file is left untouched until it parses.`,
      offset: e.offset,
      length: e.length,
      versionId: null,
    });
    return result;
  }
  const done = () => {
    sortSmall(findings, (a, b) => a.offset - b.offset);
    return result;
  };
  for (const r of doc.repeatedKeys) {
    const el = elementAt(doc, r.keyOffset);
    const id = el && isPlainObject(el.value) && typeof el.value.id === 'string' ? el.value.id : null;
    add({
      code: 'invalid-schema',
      message: `The key ${JSON.stringify(r.key)} appears a second time in the same object: JSON readers disagree about which value wins. Keep one of them.`,
      offset: r.keyOffset,
      length: r.keyLength,
      versionId: id,
      ...(el ? { entryIndex: el.index } : {}),
    });
  }
  if (!isPlainObject(doc.root)) {
    add({
      code: 'invalid-schema',
      message: `The file must be an object with a "versions" array, not ${typeName(doc.root)}.`,
      offset: doc.rootOffset,
      length: doc.rootLength,
      versionId: null,
    });
    return done();
  }
  const vp = doc.versionsProperty;
  if (!vp) {
    add({
      code: 'invalid-schema',
      message: 'Missing "versions": the file must be an object with a "versions" array.',
      offset: doc.rootOffset,
      length: 1,
      versionId: null,
    });
    return done();
  }
  if (!doc.elements) {
    add({
      code: 'invalid-schema',
      message: `"versions" must be an array, not ${typeName(doc.root.versions)}.`,
      offset: vp.valueOffset,
      length: vp.valueLength,
      versionId: null,
    });
    return done();
  }
  result.writable = true;

  // Schema of each entry. Types are checked on the parsed values; a property's
  // offsets are looked up only for the findings (most entries have none).
  // Index loops on the per-entry paths: they run once per file, often before the
  // optimiser steps in, and a for…of there allocates an iterator result per entry.
  const elements = doc.elements;
  for (let e = 0; e < elements.length; e++) {
    const el = elements[e];
    if (!el.isObject) {
      add({
        code: 'invalid-schema',
        message: `Version #${el.index + 1} must be an object, not ${typeName(el.value)}.`,
        offset: el.offset,
        length: el.length,
        versionId: null,
        entryIndex: el.index,
      });
      continue;
    }
    const value = el.value as Record<string, unknown>;
    const versionId = typeof value.id === 'string' ? value.id : null;
    if (!hasOwn(value, 'id')) {
      add({
        code: 'invalid-schema',
        message: `Version #${el.index + 1} has no "id": every version needs a string id (the RunPod job id or the file stem).`,
        offset: el.offset,
        length: el.length,
        versionId,
        entryIndex: el.index,
      });
    } else if (typeof value.id !== 'string') {
      const idProp = el.property('id')!;
      add({
        code: 'invalid-schema',
        message: `"id" must be a string, not ${typeName(value.id)}.`,
        offset: idProp.valueOffset,
        length: idProp.valueLength,
        versionId,
        entryIndex: el.index,
      });
    }
    for (let k = 0; k < KNOWN_KEYS.length; k++) {
      const key = KNOWN_KEYS[k];
      // None of these keys is on Object.prototype, and JSON has no undefined: undefined means absent.
      const v = value[key];
      if (v === undefined || v === null) continue;
      const expected = KNOWN_TYPES[key];
      const ok = expected === 'object' ? isPlainObject(v) : typeof v === expected && (expected !== 'number' || Number.isFinite(v));
      if (!ok) {
        const p = el.property(key)!;
        add({
          code: 'invalid-schema',
          message: `"${key}" must be ${expected === 'object' ? 'an object' : `a ${expected}`}, not ${typeName(v)}.`,
          offset: p.valueOffset,
          length: p.valueLength,
          versionId,
          entryIndex: el.index,
        });
      } else if (key === 'status' && !(STATUSES as readonly string[]).includes(v as string)) {
        const p = el.property(key)!;
        add({
          code: 'invalid-schema',
          message: `Unknown status "${String(v)}": use one of ${STATUSES.join(', ')}.`,
          offset: p.valueOffset,
          length: p.valueLength,
          versionId,
          entryIndex: el.index,
        });
      }
    }
  }

  const versions = versionsOf(doc);
  result.versions = versions;
  result.groups = findDuplicateGroups(versions, opts.styleId);
  // Entry indices in a group (a flag per element: no Set entry per member).
  const inGroup = new Uint8Array(elements.length);

  result.groups.forEach((g, gi) => {
    const w = g.winner;
    const wId = w.node.property('id');
    const wLoc = wId ? { offset: wId.valueOffset, length: wId.valueLength } : { offset: w.node.offset, length: 1 };
    for (const m of g.members) {
      inGroup[m.index] = 1;
      if (m === w) continue;
      const link = explainMember(g, m.index);
      const why = link ? `${RULE_TITLES[link.rule]}: ${link.detail}` : 'linked through other duplicates';
      const idp = m.node.property('id');
      add({
        code: 'duplicate-version',
        message: `Duplicate of ${describeVersion(w)}, which is kept (${why}). Merge them: the kept entry takes every field this one adds.`,
        offset: idp ? idp.valueOffset : m.node.offset,
        length: idp ? idp.valueLength : 1,
        versionId: m.id ?? null,
        entryIndex: m.index,
        group: gi,
        related: [{ ...wLoc, message: `Kept entry ${describeVersion(w)}` }],
      });
    }
  });

  const staleMs = opts.staleAfterHours * 3600_000;
  for (let k = 0; k < versions.length; k++) {
    const v = versions[k];
    const versionId = v.id ?? null;
    if (v.minimal && inGroup[v.index] === 0) {
      add({
        code: 'minimal-entry',
        message:
          `${describeVersion(v)} is a minimal entry (no parameters, imageCount or selectionSetId), ` +
          `typically written by an S3 sync, and no detailed entry exists to merge it with. Add its ` +
          `training details if you have them.`,
        offset: v.node.offset,
        length: v.node.length,
        versionId,
        entryIndex: v.index,
      });
    }
    // v.location is parseS3Url(loraUrl), parsed on first use: not for the (usual) accelerated hosts.
    const loc = opts.preferAcceleratedUrls && !hasAcceleratedUrl(v) ? v.location : undefined;
    if (loc !== undefined && !loc.accelerated && canAccelerate(loc.bucket) && !isPresigned(loc.suffix)) {
      const up = acceleratedUrl(loc);
      if (up !== undefined) {
        const p = v.node.property('loraUrl')!;
        add({
          code: 'non-accelerated-url',
          message: `Regular S3 URL: the accelerated form ${up} downloads faster. Upgrade it.`,
          offset: p.valueOffset,
          length: p.valueLength,
          versionId,
          entryIndex: v.index,
        });
      }
    }
    const status = str(v.value, 'status');
    if (status !== undefined && IN_FLIGHT.includes(status)) {
      const ts = str(v.value, 'timestamp');
      const t = ts === undefined ? NaN : Date.parse(ts);
      if (!Number.isNaN(t) && opts.now - t > staleMs) {
        const p = v.node.property('status')!;
        const hours = Math.floor((opts.now - t) / 3600_000);
        const age = hours >= 72 ? `${Math.floor(hours / 24)} days` : `${hours} h`;
        add({
          code: 'stale-job',
          message:
            `Still "${status}" ${age} after it started (more than ${opts.staleAfterHours} h): RunPod ` +
            `has likely forgotten this job, so its status can no longer be asked. ` +
            (inGroup[v.index] === 1
              ? 'It has duplicates: merge them first (a sync would match the model file to a duplicate and leave this entry stale).'
              : 'Run an S3 sync to find its model file.'),
          offset: p.valueOffset,
          length: p.valueLength,
          versionId,
          entryIndex: v.index,
        });
      }
    }
  }
  return done();
}

/**
 * The analysis of a file whose bytes were not valid UTF-8: they decoded to U+FFFD,
 * so writing the text back would lose them. A new Analysis, not writable, with an
 * `invalid-json` finding first; the given one is left as it was.
 */
export function refusedAsNonUtf8(analysis: Analysis): Analysis {
  const text = analysis.doc.text;
  const at = Math.max(0, text.indexOf('\ufffd'));
  const refusal: Finding = {
    code: 'invalid-json',
    severity: FINDING_DOCS['invalid-json'].severity,
    versionId: null,
    related: [],
    offset: at,
    length: Math.min(1, text.length - at),
    message: 'The file is not valid UTF-8. Save it as UTF-8: the tools never rewrite it, so that no byte is lost.',
  };
  return { ...analysis, writable: false, findings: [refusal, ...analysis.findings] };
}

/** The edits of one finding's fix, or undefined when it has none. */
export function fixFor(analysis: Analysis, finding: Finding): TextEdit[] | undefined {
  if (!analysis.writable) return undefined;
  if (finding.code === 'duplicate-version' && finding.group !== undefined)
    return mergeGroupEdits(analysis.doc, analysis.groups[finding.group]);
  if (finding.code === 'non-accelerated-url' && finding.entryIndex !== undefined) {
    const v = analysis.versions.find((x) => x.index === finding.entryIndex);
    return v ? upgradeUrlEdits(analysis.doc, v) : undefined;
  }
  return undefined;
}

/**
 * What a caller (the clean-up plan) has already worked out for `fixAllEdits`, so that
 * it is not worked out twice: each group's final changes (`withUrlUpgrade` applied when
 * accelerated URLs are preferred).
 */
export interface FixAllWork {
  groupChanges: readonly PropertyChange[][];
}

/** Every fix of the file at once: all groups merged, every remaining regular URL upgraded. */
export function fixAllEdits(analysis: Analysis, work?: FixAllWork): TextEdit[] {
  if (!analysis.writable) return [];
  const doc = analysis.doc;
  const prefer = analysis.options.preferAcceleratedUrls;
  const edits: TextEdit[] = [];
  const remove = new Set<number>();
  const inGroup = new Set<number>();
  for (let gi = 0; gi < analysis.groups.length; gi++) {
    const g = analysis.groups[gi];
    let changes = work ? work.groupChanges[gi] : mergeChanges(doc, g);
    if (prefer && !work) changes = withUrlUpgrade(g.winner, changes);
    edits.push(...setPropertiesEdits(doc, g.winner.node, changes));
    for (const m of g.members) {
      inGroup.add(m.index);
      if (m !== g.winner) remove.add(m.index);
    }
  }
  if (prefer) {
    for (const v of analysis.versions) if (!inGroup.has(v.index)) edits.push(...upgradeUrlEdits(doc, v));
  }
  edits.push(...removeElementsEdits(doc, remove));
  return edits;
}
