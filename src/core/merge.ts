/**
 * SPEC.md §2 merge rules: what the kept entry of a duplicate group holds after
 * the merge, and the text edits that get it there.
 */
import type { ParsedDocument } from './document';
import type { DuplicateGroup } from './duplicates';
import { acceleratedUrl, parseS3Url } from './s3Url';
import { type PropertyChange, removeElementsEdits, setPropertiesEdits } from './jsonEdit';
import type { TextEdit } from './edits';
import { type Version, SYNCED_FROM_S3, isEmptyValue, locationOf, urlUpgradeOf } from './versions';

/** The JSON text of an entry's own property value, as written in the file. */
export function rawValue(doc: ParsedDocument, v: Version, key: string): string | undefined {
  const p = v.node.byKey.get(key);
  return p ? doc.text.substr(p.valueOffset, p.valueLength) : undefined;
}

/** An entry's own value of `key`: never one inherited from Object.prototype (`toString`, `constructor`…). */
function ownValue(v: Version, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(v.value, key) ? v.value[key] : undefined;
}

function timeMs(x: unknown): number {
  if (typeof x !== 'string') return NaN;
  return Date.parse(x);
}

/** What the merge of `group` sets on its winner (keys in order: winner's, then new ones). */
export function mergeChanges(doc: ParsedDocument, group: DuplicateGroup): PropertyChange[] {
  const members = group.members;
  const w = group.winner;
  const others = members.slice(1);
  const anyDetailed = members.some((m) => !m.minimal);
  const completedBy = w.value.status === 'completed' ? w : members.find((m) => m.value.status === 'completed');
  const endsCompleted = completedBy !== undefined;

  const keys: string[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    for (const p of m.node.properties) {
      if (!seen.has(p.key)) {
        seen.add(p.key);
        keys.push(p.key);
      }
    }
  }

  const changes: PropertyChange[] = [];
  const set = (key: string, from: Version) => {
    const raw = rawValue(doc, from, key);
    if (raw !== undefined && from !== w) changes.push({ key, raw });
  };
  const fill = (key: string, accept: (m: Version) => boolean = () => true) => {
    if (!isEmptyValue(ownValue(w, key))) return;
    const from = others.find((m) => !isEmptyValue(ownValue(m, key)) && accept(m));
    if (from) set(key, from);
  };

  for (const key of keys) {
    switch (key) {
      case 'status':
        if (completedBy && w.value.status !== 'completed') set(key, completedBy);
        else fill(key);
        break;
      case 'completedAt':
        if (completedBy && completedBy !== w && !isEmptyValue(completedBy.value.completedAt)) set(key, completedBy);
        else fill(key);
        break;
      case 'loraUrl': {
        if (locationOf(w)?.accelerated) break;
        const fast = others.find((m) => locationOf(m)?.accelerated === true);
        if (fast) set(key, fast);
        else if (locationOf(w) === undefined) {
          // The winner's loraUrl names no S3 object (none, not a URL, another host) while the group may
          // have one: the merged entry takes the URL of that object (§2 "never drop a real model"). Else
          // the merged entry would name no object, and an entry the group's object kept apart from it
          // would be its duplicate on the next analysis (§3: after every fix, no duplicate-version).
          const named = others.find((m) => locationOf(m) !== undefined);
          if (named) set(key, named);
          else fill(key);
        } // else the winner's URL names the group's object: it stays
        break;
      }
      case 'lastSynced': {
        let latest: Version | undefined;
        let best = timeMs(w.value.lastSynced);
        for (const m of others) {
          const t = timeMs(m.value.lastSynced);
          if (!Number.isNaN(t) && (Number.isNaN(best) || t > best)) {
            best = t;
            latest = m;
          }
        }
        if (latest) set(key, latest);
        else fill(key);
        break;
      }
      case 'error':
      case 'failedAt':
        // A failed attempt's error never lands on an entry that ends up completed;
        // a failed winner the merge completes loses its own (§2).
        if (!endsCompleted) fill(key);
        else if (w.value.status !== 'completed' && Object.prototype.hasOwnProperty.call(w.value, key))
          changes.push({ key, raw: '', remove: true });
        break;
      case 'description':
        fill(key, (m) => !(anyDetailed && m.value.description === SYNCED_FROM_S3));
        break;
      default:
        fill(key);
    }
  }
  return changes;
}

/** The accelerated form of a regular S3 URL, when one exists (never for a presigned URL). */
export function upgradeUrl(url: string): string | undefined {
  const loc = parseS3Url(url);
  // acceleratedUrl: none for a bucket with dots, nor for a presigned URL.
  return loc && !loc.accelerated ? acceleratedUrl(loc) : undefined;
}

/** Adds the URL upgrade to a set of changes for `v`, looking at its final loraUrl. */
export function withUrlUpgrade(v: Version, changes: PropertyChange[]): PropertyChange[] {
  const i = changes.findIndex((c) => c.key === 'loraUrl');
  let up: string | undefined;
  if (i < 0) {
    up = urlUpgradeOf(v); // its own loraUrl, as the entry already split it
  } else {
    const current = JSON.parse(changes[i].raw) as unknown;
    if (typeof current === 'string') up = upgradeUrl(current);
  }
  if (up === undefined) return changes;
  const change = { key: 'loraUrl', raw: JSON.stringify(up) };
  return i >= 0 ? changes.map((c, k) => (k === i ? change : c)) : [...changes, change];
}

/** Edits that merge one group: the winner's changes, the other members removed. */
export function mergeGroupEdits(doc: ParsedDocument, group: DuplicateGroup): TextEdit[] {
  const remove = new Set(group.members.slice(1).map((m) => m.index));
  return [...setPropertiesEdits(doc, group.winner.node, mergeChanges(doc, group)), ...removeElementsEdits(doc, remove)];
}

/** Edit that rewrites one entry's loraUrl to its accelerated form. */
export function upgradeUrlEdits(doc: ParsedDocument, v: Version): TextEdit[] {
  return setPropertiesEdits(doc, v.node, withUrlUpgrade(v, []));
}
