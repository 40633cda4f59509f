/**
 * Parses training_versions.json into entries with offsets.
 *
 * Speed matters (files of 12 MB exist): values come from the native
 * `JSON.parse`, and a light scanner that trusts the already-validated text
 * records only the offsets we need (top-level keys, each version, each
 * version's own properties). Nested values are skipped, never materialised twice.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** A property of an object: where its key and value are in the text. */
export interface PropertyNode {
  key: string;
  keyOffset: number;
  keyLength: number;
  valueOffset: number;
  valueLength: number;
}

/** One element of the `versions` array. */
export interface ElementNode {
  index: number;
  offset: number;
  length: number;
  /** The parsed value (from JSON.parse). */
  value: unknown;
  /** Own properties in text order (objects only; duplicates kept in order). */
  properties: PropertyNode[];
  /** Last occurrence of each key, the one JSON.parse keeps. */
  byKey: Map<string, PropertyNode>;
  /** `byKey.get(key)`, without locating the other properties when they are not needed yet. */
  property(key: string): PropertyNode | undefined;
  isObject: boolean;
  /** 0-based line of `offset`, and the offset where that line starts (lines end as in `LineIndex`). */
  line: number;
  lineStart: number;
}

export interface JsonSyntaxError {
  message: string;
  offset: number;
  length: number;
}

export interface ParsedDocument {
  text: string;
  /** Offset where JSON starts (1 after a BOM). */
  start: number;
  bom: boolean;
  eol: '\n' | '\r\n';
  syntaxError?: JsonSyntaxError;
  /** The parsed root, when the text is JSON. */
  root?: unknown;
  rootOffset: number;
  rootLength: number;
  /** Top-level properties (when the root is an object). */
  rootProperties: PropertyNode[];
  /** The `versions` property, when present. */
  versionsProperty?: PropertyNode;
  /** The elements of `versions`, when it is an array. */
  elements?: ElementNode[];
  /** Each key that repeats an earlier key of the same object, anywhere in the file (§1: `invalid-schema`). */
  repeatedKeys: RepeatedKey[];
}

/** A key written a second (or later) time in one object. */
export interface RepeatedKey {
  key: string;
  keyOffset: number;
  keyLength: number;
}

const QUOTE = 34,
  COLON = 58,
  BACKSLASH = 92,
  LBRACE = 123,
  RBRACE = 125,
  LBRACK = 91,
  RBRACK = 93,
  COMMA = 44;

/** Parses the text; never throws. */
export function parseDocument(text: string): ParsedDocument {
  const bom = text.charCodeAt(0) === 0xfeff;
  const start = bom ? 1 : 0;
  const nl = text.indexOf('\n');
  const eol: '\n' | '\r\n' = nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
  const doc: ParsedDocument = { text, start, bom, eol, rootOffset: start, rootLength: 0, rootProperties: [], repeatedKeys: [] };
  let root: unknown;
  try {
    root = JSON.parse(bom ? text.slice(1) : text);
  } catch (e) {
    doc.syntaxError = locateSyntaxError(text, start, e);
    return doc;
  }
  doc.root = root;
  const keys = new Int32Array(1);
  const s = new Scanner(text, start, keys);
  s.ws();
  doc.rootOffset = s.pos;
  if (isPlainObject(root)) {
    // One pass over the text: the elements of each "versions" array are located
    // while the root's properties are (JSON.parse keeps the last "versions").
    const spans = new Map<PropertyNode, ElementTable>();
    doc.rootProperties = s.objectProperties((p) => {
      if (p.key === 'versions' && text.charCodeAt(s.pos) === LBRACK) {
        const at = positionsAt(text, [s.pos])[0];
        const table = scanElements(text, s.pos, at.line, s.pos - at.character, keys);
        s.pos = table.end;
        spans.set(p, table);
      }
    });
    doc.rootLength = s.pos - doc.rootOffset;
    const versions = lastByKey(doc.rootProperties, 'versions');
    if (versions) {
      doc.versionsProperty = versions;
      const arr = (root as Record<string, unknown>).versions;
      const sp = spans.get(versions);
      if (Array.isArray(arr) && sp) doc.elements = elementsOf(text, sp, arr);
    }
  } else {
    s.skipValue();
    doc.rootLength = s.pos - doc.rootOffset;
  }
  // JSON.parse keeps one value per key: when the text has more keys than the parsed
  // value, some object repeats a key. Counting is cheap; locating them is rare.
  if (keys[0] + doc.rootProperties.length !== countKeys(root)) {
    const r = new Scanner(text, doc.rootOffset);
    r.repeatedKeys(doc.repeatedKeys);
  }
  return doc;
}

/** Own keys of every object in a parsed JSON value. */
function countKeys(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null) n += countKeys(x);
    }
    return n;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    n++;
    const x = o[k];
    if (typeof x === 'object' && x !== null) n += countKeys(x);
  }
  return n;
}

/**
 * What one pass over a `versions` array records, flat (no object per element or per key):
 * per element `ROW` numbers (offset, length, line, line start, and the range of its own
 * keys in `keys`), and the offset of each element's own keys (their opening quote).
 */
interface ElementTable {
  end: number;
  /** `ROW` numbers per element; only the first `count * ROW` are used. */
  rows: Int32Array;
  count: number;
  keys: Int32Array;
}
const ROW = 6;

/**
 * At an array's `[` in valid JSON: its elements' spans, lines and own keys, in one pass
 * (the hot loop: locals only). Counts every key it passes (a colon outside strings) into
 * `keyCount[0]`. A string is skipped with `indexOf`, so the loop sees only structure and
 * whitespace, where every line end of valid JSON is (strings cannot hold a raw one).
 */
function scanElements(t: string, p: number, line: number, lineStart: number, keyCount: Int32Array): ElementTable {
  // Typed arrays: their contents live outside the JS heap, so the collector never copies them.
  let rows: Int32Array = new Int32Array(ROW * 64),
    rowCount = 0;
  let keys: Int32Array = new Int32Array(512),
    keysUsed = 0;
  const n = t.length;
  let colons = 0;
  p++; // [
  for (;;) {
    // Whitespace before an element, a comma or the closing bracket.
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 32 || c === 9) p++;
      else if (c === 10 || (c === 13 && t.charCodeAt(p + 1) !== 10)) {
        line++;
        lineStart = ++p;
      } else if (c === 13) p++;
      else break;
    }
    const start = p;
    const first = t.charCodeAt(p);
    if (first === RBRACK) break;
    if (first === COMMA) {
      p++;
      continue;
    }
    const elLine = line,
      elLineStart = lineStart,
      keyFrom = keysUsed;
    if (first === LBRACE || first === LBRACK) {
      let depth = 0;
      let lastString = -1;
      while (p < n) {
        const d = t.charCodeAt(p);
        if (d === 32) {
          p++;
          continue;
        }
        if (d === QUOTE) {
          if (depth === 1) lastString = p;
          p = stringEnd(t, p);
          continue;
        }
        if (d < LBRACK) {
          if (d === 10) {
            // A line end, then its indentation, skipped in a tight loop.
            line++;
            lineStart = ++p;
            while (t.charCodeAt(p) === 32) p++;
            continue;
          }
          if (d === COLON) {
            colons++;
            if (depth === 1) {
              if (keysUsed === keys.length) keys = grown(keys);
              keys[keysUsed++] = lastString;
            }
          } else if (d === 13 && t.charCodeAt(p + 1) !== 10) {
            line++;
            lineStart = p + 1;
          }
        } else if (d === LBRACE || d === LBRACK) depth++;
        else if (d === RBRACE || d === RBRACK) {
          if (--depth === 0) {
            p++;
            break;
          }
        }
        p++;
      }
    } else p = valueEnd(t, p, undefined); // a string or a scalar: no line end inside
    if (rowCount === rows.length) rows = grown(rows);
    rows[rowCount] = start;
    rows[rowCount + 1] = p - start;
    rows[rowCount + 2] = elLine;
    rows[rowCount + 3] = elLineStart;
    rows[rowCount + 4] = keyFrom;
    rows[rowCount + 5] = keysUsed;
    rowCount += ROW;
  }
  keyCount[0] += colons;
  return { end: p + 1, rows, count: rowCount / ROW, keys };
}

/** A copy of `a` with twice the room. */
function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Elements from their table; an object's own properties are located on first use. */
function elementsOf(text: string, table: ElementTable, values: unknown[]): ElementNode[] {
  const out: ElementNode[] = new Array(table.count);
  for (let i = 0; i < out.length; i++) out[i] = new Element(text, i, table, values[i]);
  return out;
}

/**
 * Most entries never need their properties' offsets (only those with a finding or
 * an edit do): the scan kept where each own key starts, and a property is read from
 * there on first use, its value skipped to find its end.
 */
class Element implements ElementNode {
  readonly isObject: boolean;
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly lineStart: number;
  private props: PropertyNode[] | undefined;
  private keys: Map<string, PropertyNode> | undefined;
  constructor(
    private readonly text: string,
    readonly index: number,
    private readonly table: ElementTable,
    readonly value: unknown,
  ) {
    const r = index * ROW,
      rows = table.rows;
    this.offset = rows[r];
    this.length = rows[r + 1];
    this.line = rows[r + 2];
    this.lineStart = rows[r + 3];
    this.isObject = isPlainObject(value);
  }
  get properties(): PropertyNode[] {
    if (!this.props) {
      const props: PropertyNode[] = [];
      if (this.isObject) {
        const r = this.index * ROW + 4;
        for (let k = this.table.rows[r]; k < this.table.rows[r + 1]; k++) props.push(propertyAt(this.text, this.table.keys[k]));
      }
      this.props = props;
    }
    return this.props;
  }
  get byKey(): Map<string, PropertyNode> {
    if (!this.keys) {
      this.keys = new Map();
      for (const p of this.properties) this.keys.set(p.key, p);
    }
    return this.keys;
  }
  property(key: string): PropertyNode | undefined {
    if (this.keys) return this.keys.get(key);
    if (this.props || !this.isObject) return this.byKey.get(key);
    // The last one of that name: the one JSON.parse keeps.
    const t = this.text,
      keys = this.table.keys,
      r = this.index * ROW + 4;
    for (let k = this.table.rows[r + 1] - 1; k >= this.table.rows[r]; k--) {
      const at = keys[k];
      // Written as is: `key` then the closing quote. Written with escapes: longer than `key`, so the
      // character after `key`'s length is no closing quote (or one escaped by a backslash).
      const after = t.charCodeAt(at + 1 + key.length);
      if (after === QUOTE && t.charCodeAt(at + key.length) !== BACKSLASH && t.startsWith(key, at + 1)) return propertyAt(t, at);
      if ((after !== QUOTE || t.charCodeAt(at + key.length) === BACKSLASH) && propertyKeyIs(t, at, key)) return propertyAt(t, at);
    }
    return undefined;
  }
}

/** True when the key whose quote is at `at` is written with escapes and decodes to `key`. */
function propertyKeyIs(t: string, at: number, key: string): boolean {
  const end = stringEnd(t, at);
  return end - at > key.length + 2 && hasBackslash(t, at + 1, end - 1) && JSON.parse(t.slice(at, end)) === key;
}

/** The property whose key's opening quote is at `at` (valid JSON). */
function propertyAt(t: string, at: number): PropertyNode {
  const keyEnd = stringEnd(t, at);
  const valueOffset = wsEnd(t, wsEnd(t, keyEnd) + 1); // past the colon
  const end = valueEnd(t, valueOffset, undefined);
  return { key: keyText(t, at, keyEnd), keyOffset: at, keyLength: keyEnd - at, valueOffset, valueLength: end - valueOffset };
}

/** The key written from `at` (its opening quote) to `end` (after its closing quote), unescaped. */
function keyText(t: string, at: number, end: number): string {
  const raw = t.slice(at + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse('"' + raw + '"') as string) : raw;
}

/** The offset after the whitespace at `p`. */
function wsEnd(t: string, p: number): number {
  for (;;) {
    const c = t.charCodeAt(p);
    if (c === 32 || c === 10 || c === 13 || c === 9) p++;
    else return p;
  }
}

/** The offset after the value that starts at `p`; adds the keys of a composite value to `keys[0]`, when given. */
function valueEnd(t: string, p: number, keys: Int32Array | undefined): number {
  const c = t.charCodeAt(p);
  if (c === QUOTE) return stringEnd(t, p);
  if (c === LBRACE || c === LBRACK) return compositeEnd(t, p, keys);
  // number, true, false, null
  for (;;) {
    const d = t.charCodeAt(p);
    if (d === COMMA || d === RBRACE || d === RBRACK || d === 32 || d === 10 || d === 13 || d === 9 || Number.isNaN(d)) return p;
    p++;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lastByKey(props: PropertyNode[], key: string): PropertyNode | undefined {
  for (let i = props.length - 1; i >= 0; i--) if (props[i].key === key) return props[i];
  return undefined;
}

function locateSyntaxError(text: string, start: number, e: unknown): JsonSyntaxError {
  const errors: ParseError[] = [];
  parseJsonc(text.slice(start), errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const first = errors[0];
    const offset = Math.min(start + first.offset, text.length);
    const length = Math.max(0, Math.min(first.length, text.length - offset));
    // jsonc-parser reports a raw control character as the whole string token: point at the character itself.
    if (text.charCodeAt(offset) === QUOTE) {
      for (let q = offset + 1; q <= offset + length && q < text.length; q++) {
        const c = text.charCodeAt(q);
        if (c < 0x20)
          return {
            message: `Raw control character ${controlName(c)} inside a string (write it as an escape, such as \\t or \\n)`,
            offset: q,
            length: 1,
          };
      }
    }
    return { message: describeParseError(printParseErrorCode(first.error)), offset, length };
  }
  // jsonc-parser is more lenient than JSON.parse in a few corners; fall back on V8's position.
  const msg = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(msg);
  const offset = Math.min(text.length, start + (m ? Number(m[1]) : 0));
  return { message: msg, offset, length: offset < text.length ? 1 : 0 };
}

function controlName(c: number): string {
  const names: Record<number, string> = { 9: 'tab', 10: 'line feed', 13: 'carriage return' };
  return names[c]
    ? `(${names[c]}, U+${c.toString(16).toUpperCase().padStart(4, '0')})`
    : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeParseError(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The offset after the string that starts (with its quote) at `p`. */
function stringEnd(t: string, p: number): number {
  let q = p + 1;
  for (;;) {
    q = t.indexOf('"', q);
    if (q < 0) return t.length;
    let bs = 0;
    for (let k = q - 1; t.charCodeAt(k) === BACKSLASH; k--) bs++;
    q++;
    if ((bs & 1) === 0) return q;
  }
}

/**
 * The offset after the object or array that starts at `p` (the hot loop: one pass,
 * locals only). Adds the keys it passes (colons outside strings) to `keys[0]`.
 */
function compositeEnd(t: string, p: number, keys: Int32Array | undefined): number {
  const n = t.length;
  let depth = 0;
  let colons = 0;
  while (p < n) {
    const d = t.charCodeAt(p);
    // Below '[' only the quote and the colon matter (whitespace, digits and ',' are the usual bytes).
    if (d < LBRACK) {
      if (d === QUOTE) {
        p = stringEnd(t, p);
        continue;
      }
      if (d === COLON) colons++;
    } else if (d === LBRACE || d === LBRACK) depth++;
    else if (d === RBRACE || d === RBRACK) {
      if (--depth === 0) {
        if (keys) keys[0] += colons;
        return p + 1;
      }
    }
    p++;
  }
  if (keys) keys[0] += colons;
  return n;
}

function hasBackslash(t: string, from: number, to: number): boolean {
  for (let q = from; q < to; q++) if (t.charCodeAt(q) === BACKSLASH) return true;
  return false;
}

/** Offset scanner over text already known to be valid JSON. */
class Scanner {
  /**
   * @param keys when given, counts the keys inside the composite values skipped
   */
  constructor(
    private readonly text: string,
    public pos: number,
    readonly keys?: Int32Array,
  ) {}

  /** At any value: appends to `out` each key that repeats one of the same object (the slow, rare path). */
  repeatedKeys(out: RepeatedKey[]): void {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === LBRACE) {
      const seen = new Set<string>();
      this.pos++;
      this.ws();
      if (t.charCodeAt(this.pos) === RBRACE) {
        this.pos++;
        return;
      }
      for (;;) {
        this.ws();
        const k = this.readKey();
        if (seen.has(k.key)) out.push({ key: k.key, keyOffset: k.offset, keyLength: k.length });
        else seen.add(k.key);
        this.ws();
        this.pos++; // :
        this.ws();
        this.repeatedKeys(out);
        this.ws();
        const d = t.charCodeAt(this.pos++);
        if (d !== COMMA) return;
      }
    }
    if (c === LBRACK) {
      this.pos++;
      this.ws();
      if (t.charCodeAt(this.pos) === RBRACK) {
        this.pos++;
        return;
      }
      for (;;) {
        this.ws();
        this.repeatedKeys(out);
        this.ws();
        const d = t.charCodeAt(this.pos++);
        if (d !== COMMA) return;
      }
    }
    this.skipValue();
  }

  ws(): void {
    this.pos = wsEnd(this.text, this.pos);
  }

  /** Skips a string starting at pos (on the opening quote). */
  skipString(): void {
    this.pos = stringEnd(this.text, this.pos);
  }

  skipValue(): void {
    this.pos = valueEnd(this.text, this.pos, this.keys);
  }

  readKey(): { key: string; offset: number; length: number } {
    const offset = this.pos;
    this.skipString();
    return { key: keyText(this.text, offset, this.pos), offset, length: this.pos - offset };
  }

  /**
   * At an object's `{`: its properties; leaves pos after the `}`. `atValue`, when
   * given, is called at each value's start and may consume the value itself.
   */
  objectProperties(atValue?: (p: PropertyNode) => void): PropertyNode[] {
    const props: PropertyNode[] = [];
    const t = this.text;
    this.pos++; // {
    this.ws();
    if (t.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return props;
    }
    for (;;) {
      this.ws();
      const k = this.readKey();
      this.ws();
      this.pos++; // :
      this.ws();
      const valueOffset = this.pos;
      const p: PropertyNode = { key: k.key, keyOffset: k.offset, keyLength: k.length, valueOffset, valueLength: 0 };
      if (atValue) atValue(p);
      if (this.pos === valueOffset) this.skipValue();
      p.valueLength = this.pos - valueOffset;
      props.push(p);
      this.ws();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c !== COMMA) return props;
    }
  }
}

/** Maps offsets to 0-based lines and UTF-16 columns; a line ends at LF, CRLF or a lone CR (as VS Code counts them). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    const starts = this.starts;
    if (text.indexOf('\r') < 0) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
  }
  position(offset: number): { line: number; character: number } {
    let lo = 0,
      hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
}

/** The element of `versions` whose text holds `offset` (its end included), if any. */
export function elementAt(doc: ParsedDocument, offset: number): ElementNode | undefined {
  const els = doc.elements;
  if (!els) return undefined;
  let lo = 0,
    hi = els.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = els[mid];
    if (offset < e.offset) hi = mid - 1;
    else if (offset > e.offset + e.length) lo = mid + 1;
    else return e;
  }
  return undefined;
}

/**
 * The 0-based line and UTF-16 column of each offset of the document's text (line ends
 * as in `LineIndex`). An offset in an element of `versions` is counted from that
 * element's own line, which the scan recorded: a report on a large file reads only the
 * elements it points into. Other offsets (a root-level finding) go through `positionsAt`.
 */
export function documentPositions(doc: ParsedDocument, offsets: readonly number[]): { line: number; character: number }[] {
  const text = doc.text;
  const hasCr = text.indexOf('\r') >= 0;
  const out: { line: number; character: number }[] = new Array(offsets.length);
  const rest: number[] = [];
  const restAt: number[] = [];
  for (let i = 0; i < offsets.length; i++) {
    const o = offsets[i];
    const el = elementAt(doc, o);
    if (!el) {
      rest.push(o);
      restAt.push(i);
      continue;
    }
    let line = el.line,
      lineStart = el.lineStart;
    if (!hasCr) {
      for (let nl = text.indexOf('\n', el.offset); nl >= 0 && nl < o; nl = text.indexOf('\n', nl + 1)) {
        line++;
        lineStart = nl + 1;
      }
    } else {
      for (let q = el.offset; q < o; q++) {
        const c = text.charCodeAt(q);
        if (c === 10 || (c === 13 && text.charCodeAt(q + 1) !== 10)) {
          line++;
          lineStart = q + 1;
        }
      }
    }
    out[i] = { line, character: o - lineStart };
  }
  if (rest.length > 0) {
    const ps = positionsAt(text, rest);
    for (let j = 0; j < ps.length; j++) out[restAt[j]] = ps[j];
  }
  return out;
}

/**
 * The 0-based line and UTF-16 column of each offset, in one forward pass over the text
 * (line ends as in `LineIndex`): for a report of a few thousand findings in a large
 * file, without an array of every line start. Offsets may come in any order.
 */
export function positionsAt(text: string, offsets: readonly number[]): { line: number; character: number }[] {
  const order = new Float64Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) order[i] = offsets[i];
  order.sort();
  const lines = new Map<number, number>(); // offset → line start, then line
  const hasCr = text.indexOf('\r') >= 0;
  let line = 0,
    lineStart = 0,
    pos = 0;
  const starts = new Map<number, number>();
  for (let k = 0; k < order.length; k++) {
    const target = order[k];
    if (lines.has(target)) continue;
    // Advance to the line holding `target`.
    for (;;) {
      let nl: number;
      if (hasCr) {
        nl = -1;
        for (let q = pos; q < target && q < text.length; q++) {
          const c = text.charCodeAt(q);
          if (c === 10 || c === 13) {
            nl = q;
            break;
          }
        }
      } else {
        nl = text.indexOf('\n', pos);
        if (nl >= target) nl = -1;
      }
      if (nl < 0 || nl >= target) break;
      const next = text.charCodeAt(nl) === 13 && text.charCodeAt(nl + 1) === 10 ? nl + 2 : nl + 1;
      if (next > target) break; // the offset sits between a CR and its LF: still that line
      line++;
      lineStart = next;
      pos = next;
    }
    lines.set(target, line);
    starts.set(target, lineStart);
  }
  return offsets.map((o) => ({ line: lines.get(o)!, character: o - starts.get(o)! }));
}
