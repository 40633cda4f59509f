/**
 * Shared helpers of the unit tests: realistic entries, files rendered in any
 * layout (indent, EOL, BOM), the §1 URL spellings of one object, applying every
 * fix, comparing the bytes outside edits, and a captured CLI io.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from '../../src/core/document';
import { applyEdits, normaliseEdits, type TextEdit } from '../../src/core/edits';
import { analyze, type Analysis, type AnalyzeOptions, type Finding, fixAllEdits } from '../../src/core/findings';
import type { CliIO } from '../../src/cli/common';

export const BUCKET = 'storyboard-user-files';
export const PREFIX = 'actor_maker_user/custom-styles-models/';
export const REGION = 'us-west-1';
/** A fixed "now" for stale-job tests: 2025-10-16T00:00:00Z. */
export const NOW = Date.parse('2025-10-16T00:00:00.000Z');

export type Entry = Record<string, unknown>;

/** Every §1 URL spelling of one (bucket, key); `accelerated*` only when the bucket has no dot. */
export function urlSpellings(bucket: string, key: string, region = REGION): Record<string, string> {
  const s: Record<string, string> = {
    virtualHostedRegion: `https://${bucket}.s3.${region}.amazonaws.com/${key}`,
    virtualHostedDash: `https://${bucket}.s3-${region}.amazonaws.com/${key}`,
    global: `https://${bucket}.s3.amazonaws.com/${key}`,
    dualStack: `https://${bucket}.s3.dualstack.${region}.amazonaws.com/${key}`,
    pathStyle: `https://s3.${region}.amazonaws.com/${bucket}/${key}`,
  };
  if (!bucket.includes('.')) {
    s.accelerated = `https://${bucket}.s3-accelerate.amazonaws.com/${key}`;
    s.acceleratedDualStack = `https://${bucket}.s3-accelerate.dualstack.amazonaws.com/${key}`;
  }
  return s;
}

export function modelKey(styleId: string | number, label: string): string {
  return `${PREFIX}style_${styleId}_v${label}.safetensors`;
}

export function acceleratedModelUrl(styleId: string | number, label: string, bucket = BUCKET): string {
  return `https://${bucket}.s3-accelerate.amazonaws.com/${modelKey(styleId, label)}`;
}

export function regularModelUrl(styleId: string | number, label: string, bucket = BUCKET): string {
  return `https://${bucket}.s3.${REGION}.amazonaws.com/${modelKey(styleId, label)}`;
}

/** A detailed (webhook) entry; `extra` overrides or adds fields. */
export function detailed(id: string, name: string, extra: Entry = {}): Entry {
  return {
    id,
    name,
    timestamp: '2025-10-12T08:14:00.884Z',
    parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 },
    status: 'completed',
    selectionSetId: 1,
    imageCount: 43,
    completedAt: '2025-10-12T08:41:05.201Z',
    ...extra,
  };
}

/** A minimal (S3 sync) entry for the file `style_<styleId>_v<label>.safetensors`. */
export function minimal(styleId: string | number, label: string, extra: Entry = {}): Entry {
  const stem = `style_${styleId}_v${label}`;
  return {
    id: stem,
    name: `${stem}.safetensors`,
    status: 'completed',
    loraUrl: regularModelUrl(styleId, label),
    timestamp: '2025-10-12T08:41:02+00:00',
    lastSynced: '2025-10-12T09:46:20.075Z',
    parameters: {},
    description: 'Synced from S3',
    ...extra,
  };
}

export const JOB = {
  a: '3e248bb6-012c-4384-ae6c-4b19c126d093',
  b: 'b91f0c2e-6a1d-4f7e-9c55-2d8e0a7b3c41',
  c: '26945dbf-4e87-4574-ad26-b1f71e865942',
  d: '0c6d7e21-93b4-4d02-8f1a-7a5e4c3b2a10',
};

export interface Layout {
  indent?: number | string;
  eol?: '\n' | '\r\n';
  bom?: boolean;
}

/** Renders a root object as a file in the given layout (final EOL included). */
export function render(root: unknown, layout: Layout = {}): string {
  const eol = layout.eol ?? '\n';
  const body =
    JSON.stringify(root, null, layout.indent ?? 2)
      .split('\n')
      .join(eol) + eol;
  return (layout.bom ? '\ufeff' : '') + body;
}

/** Renders `{ versions }`. */
export function file(versions: unknown[], layout: Layout = {}): string {
  return render({ versions }, layout);
}

/** Parses a file's text (BOM tolerated). */
export function parseText(text: string): { versions: Entry[] } & Record<string, unknown> {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { versions: Entry[] } & Record<string, unknown>;
}

export function versionsOfText(text: string): Entry[] {
  return parseText(text).versions;
}

/** The text a finding points at. */
export function textAt(text: string, f: { offset: number; length: number }): string {
  return text.substr(f.offset, f.length);
}

export function codes(a: Analysis): string[] {
  return a.findings.map((f) => f.code);
}

export function findingsOf(a: Analysis, code: Finding['code']): Finding[] {
  return a.findings.filter((f) => f.code === code);
}

/** Applies every fix of the file and returns the new text and the edits. */
export function fixAll(text: string, options: Partial<AnalyzeOptions> = {}): { text: string; edits: TextEdit[]; analysis: Analysis } {
  const analysis = analyze(text, { now: Date.now(), ...options });
  const edits = fixAllEdits(analysis);
  return { text: applyEdits(text, edits), edits, analysis };
}

/**
 * Asserts that `after` is `before` with exactly `edits` applied, and that every
 * byte outside the edit ranges is unchanged (compared piece by piece).
 */
export function assertOnlyEditsChanged(before: string, after: string, edits: TextEdit[]): void {
  const sorted = normaliseEdits(edits);
  let pos = 0;
  let out = 0;
  for (const e of sorted) {
    const keep = before.slice(pos, e.offset);
    assert.equal(after.slice(out, out + keep.length), keep, `bytes before offset ${e.offset} changed`);
    out += keep.length;
    assert.equal(after.slice(out, out + e.newText.length), e.newText, `edit at ${e.offset} not applied as planned`);
    out += e.newText.length;
    pos = e.offset + e.length;
  }
  assert.equal(after.slice(out), before.slice(pos), 'bytes after the last edit changed');
}

/** Asserts that the text uses only `eol` line breaks (no lone LF in CRLF, no CR in LF). */
export function assertEol(text: string, eol: '\n' | '\r\n'): void {
  if (eol === '\r\n') assert.ok(!/(^|[^\r])\n/.test(text), 'a lone LF in a CRLF file');
  else assert.ok(!text.includes('\r'), 'a CR in an LF file');
}

/** Asserts the text parses as JSON with a `versions` array, and through our own parser too. */
export function assertParses(text: string): void {
  const doc = parseDocument(text);
  assert.equal(doc.syntaxError, undefined, `does not parse: ${doc.syntaxError?.message}`);
  assert.ok(Array.isArray(parseText(text).versions));
}

/** A CliIO that records what the command prints. */
export interface CapturedIO extends CliIO {
  stdout: string[];
  stderr: string[];
  readonly outText: string;
  readonly errText: string;
}

export function captureIO(cwd = process.cwd()): CapturedIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (s) => stdout.push(s),
    err: (s) => stderr.push(s),
    env: {},
    cwd,
    color: false,
    get outText() {
      return stdout.join('\n');
    },
    get errText() {
      return stderr.join('\n');
    },
  };
}

export const ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLES = path.join(ROOT, 'examples');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');

/** A fresh temporary folder; removed by the returned function. */
export async function tempDir(prefix = 'tv-test-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Copies examples/ into a temporary folder; returns its path. */
export async function copyExamples(into: string): Promise<string> {
  const dest = path.join(into, 'examples');
  await fs.cp(EXAMPLES, dest, { recursive: true });
  return dest;
}

/** Every file under `dir` (relative path → bytes). */
export async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(dir, p), await fs.readFile(p));
    }
  };
  await walk(dir);
  return out;
}
