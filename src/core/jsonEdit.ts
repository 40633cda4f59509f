/**
 * Minimal edits to a training_versions.json text: set properties of one entry,
 * remove entries, append entries. Each edit touches only the bytes it must, and
 * new text follows the file's own layout (EOL, indentation, `": "` spacing).
 */
import type { ElementNode, ParsedDocument } from './document';
import type { TextEdit } from './edits';

/** A property to set on an entry: its new value as JSON text. */
export interface PropertyChange {
  key: string;
  raw: string;
  /** Remove the property (every occurrence of the key) instead of setting it; `raw` is ignored. */
  remove?: boolean;
}

/** Leading whitespace of the line that holds `offset`. */
function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = lineStart;
  while (end < offset && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(lineStart, end);
}

/** Edits that set `changes` on the object element `node` (replace in place, or append). */
export function setPropertiesEdits(doc: ParsedDocument, node: ElementNode, changes: PropertyChange[]): TextEdit[] {
  if (changes.length === 0) return []; // most entries of a clean-up: nothing to set
  const text = doc.text;
  const edits: TextEdit[] = [];
  const inserts: PropertyChange[] = [];
  const removed = new Set<string>();
  for (const c of changes) {
    if (c.remove) {
      if (node.byKey.has(c.key)) removed.add(c.key);
      continue;
    }
    const p = node.byKey.get(c.key);
    if (p) {
      if (text.substr(p.valueOffset, p.valueLength) !== c.raw) edits.push({ offset: p.valueOffset, length: p.valueLength, newText: c.raw });
    } else inserts.push(c);
  }
  if (removed.size > 0) {
    if (inserts.length > 0 && node.properties.every((p) => removed.has(p.key))) {
      // Nothing of the object stays: write its new properties in place of the old.
      const inner = inserts.map((c) => `${JSON.stringify(c.key)}: ${c.raw}`).join(', ');
      return [{ offset: node.offset + 1, length: node.length - 2, newText: ` ${inner} ` }];
    }
    edits.push(...removePropertiesEdits(node, removed));
  }
  if (inserts.length === 0) return edits;

  const props = node.properties;
  if (props.length === 0) {
    const inner = inserts.map((c) => `${JSON.stringify(c.key)}: ${c.raw}`).join(', ');
    edits.push({ offset: node.offset + 1, length: node.length - 2, newText: ` ${inner} ` });
    return edits;
  }
  const first = props[0];
  const last = props[props.length - 1];
  const between = text.slice(node.offset + 1, first.keyOffset);
  const multiline = between.includes('\n');
  const sep = multiline ? doc.eol + lineIndent(text, first.keyOffset) : ' ';
  const colon = text.slice(first.keyOffset + first.keyLength, first.valueOffset);
  const added = inserts.map((c) => `,${sep}${JSON.stringify(c.key)}${colon}${c.raw}`).join('');
  edits.push({ offset: last.valueOffset + last.valueLength, length: 0, newText: added });
  return edits;
}

/**
 * Edits that remove the properties named in `keys` from the object `node`, with their
 * separating commas, run by run (a run of removed properties is one edit: none overlap,
 * and an insertion after the last property stays valid).
 */
function removePropertiesEdits(node: ElementNode, keys: ReadonlySet<string>): TextEdit[] {
  const props = node.properties;
  const edits: TextEdit[] = [];
  const end = (k: number) => props[k].valueOffset + props[k].valueLength;
  let i = 0;
  while (i < props.length) {
    if (!keys.has(props[i].key)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < props.length && keys.has(props[j + 1].key)) j++;
    if (j + 1 < props.length) edits.push({ offset: props[i].keyOffset, length: props[j + 1].keyOffset - props[i].keyOffset, newText: '' });
    else if (i > 0) edits.push({ offset: end(i - 1), length: end(j) - end(i - 1), newText: '' });
    else edits.push({ offset: props[0].keyOffset, length: end(j) - props[0].keyOffset, newText: '' });
    i = j + 1;
  }
  return edits;
}

/**
 * Edits that remove the given elements of `versions` together with their
 * separating commas and whitespace, run by run, so that edits never overlap.
 */
export function removeElementsEdits(doc: ParsedDocument, remove: ReadonlySet<number>): TextEdit[] {
  const els = doc.elements ?? [];
  const edits: TextEdit[] = [];
  let i = 0;
  while (i < els.length) {
    if (!remove.has(i)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < els.length && remove.has(j + 1)) j++;
    const endOf = (k: number) => els[k].offset + els[k].length;
    if (i > 0) {
      // From the end of the kept element before the run to the end of the run.
      edits.push({ offset: endOf(i - 1), length: endOf(j) - endOf(i - 1), newText: '' });
    } else if (j + 1 < els.length) {
      // The run opens the array: up to the start of the first kept element.
      edits.push({ offset: els[0].offset, length: els[j + 1].offset - els[0].offset, newText: '' });
    } else {
      // Every element goes: empty the array between its brackets.
      const vp = doc.versionsProperty!;
      edits.push({ offset: vp.valueOffset + 1, length: vp.valueLength - 2, newText: '' });
    }
    i = j + 1;
  }
  return edits;
}

/** The file's indentation unit, guessed from the first entry (two spaces by default). */
function indentUnit(doc: ParsedDocument): string {
  const el = doc.elements?.find((e) => e.properties.length > 0 && doc.text.slice(e.offset, e.properties[0].keyOffset).includes('\n'));
  if (el) {
    const outer = lineIndent(doc.text, el.offset);
    const inner = lineIndent(doc.text, el.properties[0].keyOffset);
    if (inner.startsWith(outer) && inner.length > outer.length) return inner.slice(outer.length);
  }
  const vp = doc.versionsProperty;
  if (vp) {
    const ind = lineIndent(doc.text, vp.keyOffset);
    if (ind) return ind;
  }
  return '  ';
}

/** Formats an entry object in the file's layout, at the indentation of `elementIndent`. */
function formatEntry(doc: ParsedDocument, entry: Record<string, unknown>, elementIndent: string): string {
  const unit = indentUnit(doc);
  const eol = doc.eol;
  const body = JSON.stringify(entry, null, unit)
    .split('\n')
    .join(eol + elementIndent);
  return body;
}

/** Edit that appends entries at the end of `versions`, laid out like the file. */
export function appendElementsEdit(doc: ParsedDocument, entries: Record<string, unknown>[]): TextEdit | undefined {
  const vp = doc.versionsProperty;
  if (!vp || !doc.elements || entries.length === 0) return undefined;
  const els = doc.elements;
  const unit = indentUnit(doc);
  if (els.length > 0) {
    const last = els[els.length - 1];
    const multiline = doc.text.slice(vp.valueOffset, els[0].offset).includes('\n');
    const indent = multiline ? lineIndent(doc.text, els[0].offset) : '';
    const sep = multiline ? doc.eol + indent : ' ';
    const newText = entries.map((e) => `,${sep}${formatEntry(doc, e, indent)}`).join('');
    return { offset: last.offset + last.length, length: 0, newText };
  }
  const outer = lineIndent(doc.text, vp.keyOffset);
  const indent = outer + unit;
  const inner = entries.map((e) => doc.eol + indent + formatEntry(doc, e, indent)).join(',');
  return { offset: vp.valueOffset + 1, length: vp.valueLength - 2, newText: inner + doc.eol + outer };
}
