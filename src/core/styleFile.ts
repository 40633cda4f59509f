/**
 * The entry point of one training_versions.json as the sidebar and the index read
 * it: its style folder and style id from the path, and the analysis of its text.
 */
import { type Analysis, type AnalyzeOptions, analyze } from './findings';
import { styleIdOfFolder } from './identity';

/** One analysed training_versions.json. */
export interface StyleFile {
  /** Unique key of the file (its URI as a string). */
  key: string;
  /** Name of the folder holding the file (`1_ink_intensity`). */
  styleFolder: string;
  styleId?: string;
  analysis: Analysis;
  /** Jobs a RunPod status check found expired: version id → when (ms since epoch). */
  expiredJobs?: ReadonlyMap<string, number>;
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
