/**
 * SPEC.md §3, one row per finding code: its severity, title, explanation, advice,
 * documentation anchor and fix. Findings, diagnostics, code actions, the CLI (text,
 * JSON, SARIF `helpUri`) and the README read these rows; nothing restates them.
 */

export type Severity = 'error' | 'warning' | 'information';
export type FindingCode = 'invalid-json' | 'invalid-schema' | 'duplicate-version' | 'minimal-entry' | 'non-accelerated-url' | 'stale-job';

export interface FindingDoc {
  severity: Severity;
  title: string;
  explanation: string;
  /** What to do, in one sentence. */
  fix: string;
  /** The anchor of the code's section in README.md ("The findings"): `README.md#<docs>`. */
  docs: string;
  /** A quick fix rewrites the file (and *Fix All* includes it). */
  fixable: boolean;
  /** The title of that quick fix, where it does not depend on the entries. */
  fixTitle?: string;
}

export const FINDING_DOCS: Record<FindingCode, FindingDoc> = {
  'invalid-json': {
    severity: 'error',
    title: 'The file is not valid JSON',
    explanation:
      'The text does not parse as JSON (comments and trailing commas are not allowed). Nothing else can be checked until it parses.',
    fix: 'Fix the syntax at the reported position. The tools never rewrite a file that does not parse.',
    docs: 'invalid-json',
    fixable: false,
  },
  'invalid-schema': {
    severity: 'error',
    title: 'The file does not have the expected shape',
    explanation:
      '"versions" is missing or not an array, an entry is not an object, an id is missing or not ' +
      'a string, a known field has the wrong type, a status is not one of pending, starting, ' +
      'training, completed, failed, or a key is written twice in one object.',
    fix: 'Correct the value at the reported position.',
    docs: 'invalid-schema',
    fixable: false,
  },
  'duplicate-version': {
    severity: 'warning',
    title: 'The same model appears twice',
    explanation:
      "Two entries name the same model: the same S3 object, an id equal to the other's file stem, " +
      "a version name equal to the other's file label, or the same RunPod job. Typically the " +
      'webhook wrote a detailed entry and the S3 sync a minimal one.',
    fix: 'Merge the group: the best entry is kept and takes every field it lacks from the others.',
    docs: 'duplicate-version',
    fixable: true,
    fixTitle: 'Merge duplicates',
  },
  'minimal-entry': {
    severity: 'information',
    title: 'A minimal entry with nothing to merge with',
    explanation:
      'The entry has no parameters, imageCount or selectionSetId (as the S3 sync writes them) and no detailed entry of the same model exists.',
    fix: 'Nothing is wrong; add the training details if you have them.',
    docs: 'minimal-entry',
    fixable: false,
  },
  'non-accelerated-url': {
    severity: 'warning',
    title: 'A regular S3 URL where an accelerated one exists',
    explanation: 'loraUrl uses a regular S3 endpoint although the bucket supports S3 Transfer Acceleration, which downloads faster.',
    fix: 'Rewrite the URL to https://<bucket>.s3-accelerate.amazonaws.com/<key> (setting preferAcceleratedUrls).',
    docs: 'non-accelerated-url',
    fixable: true,
    fixTitle: 'Upgrade to the accelerated S3 URL',
  },
  'stale-job': {
    severity: 'warning',
    title: 'A job still pending or training long after it started',
    explanation:
      'The entry is pending, starting or training and older than staleAfterHours. RunPod keeps ' +
      'job data only for a limited time, so its status can no longer be asked.',
    fix:
      'Run an S3 sync: a finished model file in S3 completes the entry. When the entry has ' +
      'duplicates, merge them first: a sync matches the file to one entry only.',
    docs: 'stale-job',
    fixable: false,
  },
};

/** Every finding code, in catalogue order. */
export const FINDING_CODES = Object.keys(FINDING_DOCS) as FindingCode[];

/**
 * What every count of "problems" counts (tree, badge, status bar, `check`'s exit code):
 * errors and warnings. Information is a note, shown but not counted.
 */
export function isProblem(f: { severity: Severity }): boolean {
  return f.severity !== 'information';
}

/** Whether a finding of this code has a quick fix that rewrites the file. */
export function isFixable(code: FindingCode): boolean {
  return FINDING_DOCS[code].fixable;
}
