/**
 * The orders people see: paths and names with their numbers compared by value
 * (`2_style` before `10_style`), as ICU's English collation sorts them. Each collator
 * is made on first use: making one loads collation data, a few milliseconds that the
 * extension's activation and a command's start-up should not pay.
 */

let paths: Intl.Collator | undefined;
let labels: Intl.Collator | undefined;

/** The order of files and paths (`localeCompare(b, 'en', { numeric: true })`). */
export function comparePaths(a: string, b: string): number {
  return (paths ??= new Intl.Collator('en', { numeric: true })).compare(a, b);
}

/** The order of style and version labels in the sidebar: as `comparePaths`, and case- and accent-blind. */
export function compareLabels(a: string, b: string): number {
  return (labels ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' })).compare(a, b);
}
