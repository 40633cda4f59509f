/**
 * The entry point of one training_versions.json as the sidebar and the index read
 * it: its style folder and style id from the path, and the analysis of its text.
 */
import { type Analysis, type AnalyzeOptions, type Finding, analyze } from './findings';
import { styleIdOfFolder } from './identity';
import { selectStatusTargets } from './runpodPlan';
import { IN_FLIGHT } from './versions';

/** One analysed training_versions.json. */
export interface StyleFile {
  /** Unique key of the file (its URI as a string). */
  key: string;
  /** Name of the folder holding the file (`1_ink_intensity`). */
  styleFolder: string;
  styleId?: string;
  analysis: Analysis;
  /**
   * What the sidebar's first level, the diagnostics and polling read of `analysis`,
   * when the caller keeps it apart (`indexStyleFile`); else derived from `analysis`.
   */
  digest?: AnalysisDigest;
  /** Jobs a RunPod status check found expired: version id → when (ms since epoch). */
  expiredJobs?: ReadonlyMap<string, number>;
}

/**
 * The little an index keeps of an analysis between uses: the findings (diagnostics),
 * the counts of the style's row, and the jobs polling asks about. A few findings
 * per file instead of every entry's parsed value, element and version.
 */
export interface AnalysisDigest {
  findings: Finding[];
  writable: boolean;
  syntaxError: boolean;
  versionCount: number;
  /** Entries a merge would remove. */
  duplicateCount: number;
  /** Entries whose status is pending, starting or training: entry index and id. */
  inFlight: { index: number; id?: string }[];
  /** Ids of the jobs a status check of the whole file selects (`selectStatusTargets`). */
  statusTargets: string[];
}

/** Options of `analyzeStyleFile`: the clock is the caller's (`now`, ms since epoch). */
export type StyleFileOptions = Omit<AnalyzeOptions, 'styleId' | 'now'> & { now: number };

/** The name of the folder holding a file (either slash); '' for a bare file name. */
function styleFolderNameOf(filePath: string): string {
  const parts = filePath.split(/[\\/]/);
  return parts.length >= 2 ? parts[parts.length - 2] : '';
}

/** Reads the style folder and style id from a file path (either slash) and analyses the text. */
export function analyzeStyleFile(filePath: string, text: string, options: StyleFileOptions): Omit<StyleFile, 'key'> {
  const styleFolder = styleFolderNameOf(filePath);
  const styleId = styleIdOfFolder(styleFolder);
  return { styleFolder, styleId, analysis: analyze(text, { ...options, styleId }) };
}

const digests = new WeakMap<Analysis, AnalysisDigest>();

/** The digest of an analysis (memoised on it, for the style files that carry none). */
export function digestOfAnalysis(a: Analysis): AnalysisDigest {
  let d = digests.get(a);
  if (!d) {
    d = computeDigest(a);
    digests.set(a, d);
  }
  return d;
}

function computeDigest(a: Analysis): AnalysisDigest {
  const inFlight: AnalysisDigest['inFlight'] = [];
  for (const v of a.versions) {
    const s = v.value.status;
    if (typeof s === 'string' && IN_FLIGHT.includes(s)) inFlight.push({ index: v.index, id: v.id });
  }
  let duplicateCount = 0;
  for (const g of a.groups) duplicateCount += g.members.length - 1;
  return {
    findings: a.findings,
    writable: a.writable,
    syntaxError: a.doc.syntaxError !== undefined,
    versionCount: a.versions.length,
    duplicateCount,
    inFlight,
    statusTargets: inFlight.length ? selectStatusTargets(a).targets.map((t) => t.id) : [],
  };
}

/** The digest of a style file: its own, else its analysis's. */
export function digestOf(file: StyleFile): AnalysisDigest {
  return file.digest ?? digestOfAnalysis(file.analysis);
}

/**
 * The analyses recomputed lately (most recent last), held so that one use that reads
 * `analysis` more than once (a tooltip, a command) computes it once and sees one object.
 */
const recent: LazyAnalysis[] = [];
const RECENT = 4;

/**
 * An analysis that is not kept: `get()` recomputes it from the text, with the same
 * options and clock, so the result is the same; the last few recomputed are held.
 * `keep` holds it for good (an open editor's file: hovers and code actions).
 * Not a WeakRef: V8's minor collections keep weak targets alive, so every analysis of a
 * scan would be promoted to the old generation, costing time and peak memory.
 */
class LazyAnalysis {
  readonly digest: AnalysisDigest;
  private held: Analysis | undefined;
  constructor(
    private readonly compute: () => Analysis,
    private readonly keep: boolean,
  ) {
    const a = compute();
    this.digest = computeDigest(a);
    if (keep) this.held = a;
  }
  get(): Analysis {
    if (this.held) return this.held;
    const a = this.compute();
    this.held = a;
    recent.push(this);
    if (recent.length > RECENT) {
      const old = recent.shift()!;
      if (!old.keep && !recent.includes(old)) old.held = undefined;
    }
    return a;
  }
}

/** How `indexStyleFile` analyses and keeps a file. */
export interface IndexStyleFileOptions {
  /** Keep the whole analysis (an open editor's file). */
  keep?: boolean;
  /** Applied to every analysis of the text (for instance `refusedAsNonUtf8`). */
  refine?: (a: Analysis) => Analysis;
  /**
   * The bytes `text` was decoded from (a file read from disk): kept instead of the text,
   * which is decoded from them again when asked (leniently, without a BOM, as
   * `TextDecoder` does). Bytes live outside the JS heap: the garbage collector never copies them.
   */
  bytes?: Uint8Array;
}

/** The text of bytes that may not be UTF-8 (U+FFFD for a bad byte), without a BOM, as VS Code decodes them. */
export function decodeLeniently(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * A style file as an index holds it: analysed now, but only its digest kept; the
 * whole analysis (parsed values, entries, groups) is recomputed from the text when
 * something reads `analysis`. `analysis` and `text` are own enumerable getters, so a
 * spread copy (`{ ...file }`) reads them.
 */
export function indexStyleFile(
  key: string,
  filePath: string,
  text: string,
  options: StyleFileOptions,
  how: IndexStyleFileOptions = {},
): StyleFile & { digest: AnalysisDigest; readonly text: string } {
  const styleFolder = styleFolderNameOf(filePath);
  const styleId = styleIdOfFolder(styleFolder);
  const opts = { ...options, styleId };
  const { refine, bytes } = how;
  // No closure names `text` (a captured parameter would keep it alive): with bytes only `first`
  // holds it, until the first analysis.
  const held = bytes ? undefined : text;
  const textNow = (): string => (bytes ? decodeLeniently(bytes) : held!);
  let first: string | undefined = text;
  const lazy = new LazyAnalysis(() => {
    const a = analyze(first ?? textNow(), opts);
    first = undefined;
    return refine ? refine(a) : a;
  }, how.keep === true);
  return {
    key,
    styleFolder,
    styleId,
    digest: lazy.digest,
    get analysis() {
      return lazy.get();
    },
    get text() {
      return textNow();
    },
  };
}
