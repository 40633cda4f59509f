/** Offsets of the core → vscode positions, ranges and edits. The only place that converts. */
import * as vscode from 'vscode';
import { LineIndex } from '../core/document';
import type { TextEdit } from '../core/edits';

/** Converts offsets of one text; cached line index per text. */
export class OffsetConverter {
  private index: LineIndex | undefined;
  constructor(private readonly text: string) {}
  position(offset: number): vscode.Position {
    this.index ??= new LineIndex(this.text);
    const p = this.index.position(offset);
    return new vscode.Position(p.line, p.character);
  }
  range(offset: number, length: number): vscode.Range {
    return new vscode.Range(this.position(offset), this.position(offset + length));
  }
  edit(e: TextEdit): vscode.TextEdit {
    return new vscode.TextEdit(this.range(e.offset, e.length), e.newText);
  }
}

const converters = new WeakMap<object, OffsetConverter>();

/** A converter for an analysed text, memoised on the analysis object. */
export function converterFor(key: object, text: string): OffsetConverter {
  let c = converters.get(key);
  if (!c) {
    c = new OffsetConverter(text);
    converters.set(key, c);
  }
  return c;
}
