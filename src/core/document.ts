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
  isObject: boolean;
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
}

const QUOTE = 34, BACKSLASH = 92, LBRACE = 123, RBRACE = 125, LBRACK = 91, RBRACK = 93, COMMA = 44;

/** Parses the text; never throws. */
export function parseDocument(text: string): ParsedDocument {
  const bom = text.charCodeAt(0) === 0xfeff;
  const start = bom ? 1 : 0;
  const nl = text.indexOf('\n');
  const eol: '\n' | '\r\n' = nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
  const doc: ParsedDocument = { text, start, bom, eol, rootOffset: start, rootLength: 0, rootProperties: [] };
  let root: unknown;
  try {
    root = JSON.parse(bom ? text.slice(1) : text);
  } catch (e) {
    doc.syntaxError = locateSyntaxError(text, start, e);
    return doc;
  }
  doc.root = root;
  const s = new Scanner(text, start);
  s.ws();
  doc.rootOffset = s.pos;
  if (isPlainObject(root)) {
    doc.rootProperties = s.objectProperties();
    const versions = lastByKey(doc.rootProperties, 'versions');
    if (versions) {
      doc.versionsProperty = versions;
      const arr = (root as Record<string, unknown>).versions;
      if (Array.isArray(arr)) {
        s.pos = versions.valueOffset;
        doc.elements = s.arrayElements(arr);
      }
    }
  } else {
    s.skipValue();
  }
  s.pos = doc.rootOffset;
  s.skipValue();
  doc.rootLength = s.pos - doc.rootOffset;
  return doc;
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
    return { message: describeParseError(printParseErrorCode(first.error)), offset, length };
  }
  // jsonc-parser is more lenient than JSON.parse in a few corners; fall back on V8's position.
  const msg = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(msg);
  const offset = Math.min(text.length, start + (m ? Number(m[1]) : 0));
  return { message: msg, offset, length: offset < text.length ? 1 : 0 };
}

function describeParseError(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Offset scanner over text already known to be valid JSON. */
class Scanner {
  constructor(private readonly text: string, public pos: number) {}

  ws(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.pos = p;
  }

  /** Skips a string starting at pos (on the opening quote). */
  skipString(): void {
    const t = this.text;
    let p = this.pos + 1;
    for (;;) {
      const q = t.indexOf('"', p);
      if (q < 0) {
        this.pos = t.length;
        return;
      }
      let bs = 0;
      for (let k = q - 1; t.charCodeAt(k) === BACKSLASH; k--) bs++;
      p = q + 1;
      if ((bs & 1) === 0) break;
    }
    this.pos = p;
  }

  skipValue(): void {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === QUOTE) return this.skipString();
    if (c === LBRACE || c === LBRACK) {
      let depth = 0;
      let p = this.pos;
      const n = t.length;
      while (p < n) {
        const d = t.charCodeAt(p);
        if (d === QUOTE) {
          this.pos = p;
          this.skipString();
          p = this.pos;
          continue;
        }
        if (d === LBRACE || d === LBRACK) depth++;
        else if (d === RBRACE || d === RBRACK) {
          depth--;
          if (depth === 0) {
            this.pos = p + 1;
            return;
          }
        }
        p++;
      }
      this.pos = n;
      return;
    }
    // number, true, false, null
    let p = this.pos;
    for (;;) {
      const d = t.charCodeAt(p);
      if (d === COMMA || d === RBRACE || d === RBRACK || d === 32 || d === 10 || d === 13 || d === 9 || Number.isNaN(d)) break;
      p++;
    }
    this.pos = p;
  }

  private readKey(): { key: string; offset: number; length: number } {
    const offset = this.pos;
    this.skipString();
    const raw = this.text.slice(offset + 1, this.pos - 1);
    const key = raw.includes('\\') ? (JSON.parse('"' + raw + '"') as string) : raw;
    return { key, offset, length: this.pos - offset };
  }

  /** At an object's `{`: its properties; leaves pos after the `}`. */
  objectProperties(): PropertyNode[] {
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
      this.skipValue();
      props.push({ key: k.key, keyOffset: k.offset, keyLength: k.length, valueOffset, valueLength: this.pos - valueOffset });
      this.ws();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c !== COMMA) return props;
    }
  }

  /** At an array's `[`: its elements, with own properties of object elements. */
  arrayElements(values: unknown[]): ElementNode[] {
    const out: ElementNode[] = [];
    const t = this.text;
    this.pos++; // [
    this.ws();
    if (t.charCodeAt(this.pos) === RBRACK) {
      this.pos++;
      return out;
    }
    for (let index = 0; ; index++) {
      this.ws();
      const offset = this.pos;
      const value = values[index];
      const isObject = isPlainObject(value);
      let properties: PropertyNode[] = [];
      if (isObject) properties = this.objectProperties();
      else this.skipValue();
      const byKey = new Map<string, PropertyNode>();
      for (const p of properties) byKey.set(p.key, p);
      out.push({ index, offset, length: this.pos - offset, value, properties, byKey, isObject });
      this.ws();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c !== COMMA) return out;
    }
  }
}

/** Maps offsets to 0-based lines and UTF-16 columns. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; character: number } {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
}
