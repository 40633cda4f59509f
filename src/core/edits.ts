/** Text edits over offsets: what every fix of the engine produces. */

export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

/** Sorts edits by offset and drops any that overlap an earlier one. */
export function normaliseEdits(edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset || a.length - b.length);
  const out: TextEdit[] = [];
  let end = -1;
  for (const e of sorted) {
    if (e.offset < end || (e.offset === end && e.length === 0 && out.length > 0 && out[out.length - 1].length === 0)) continue;
    out.push(e);
    end = e.offset + e.length;
  }
  return out;
}

/** Applies non-overlapping edits to the text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = normaliseEdits(edits);
  const parts: string[] = [];
  let pos = 0;
  for (const e of sorted) {
    parts.push(text.slice(pos, e.offset), e.newText);
    pos = e.offset + e.length;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}
