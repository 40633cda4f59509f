/**
 * The cleanup plan of one file: which groups merge into which entry, which URLs
 * are upgraded, and the resulting text. What the CLI prints and the editor previews.
 */
import { RULE_TITLES, describeVersion, explainMember } from './duplicates';
import { applyEdits, type TextEdit } from './edits';
import { type Analysis, fixAllEdits } from './findings';
import { mergeChanges, withUrlUpgrade } from './merge';
import type { PropertyChange } from './jsonEdit';
import { str, urlUpgradeOf } from './versions';

export interface MergePlan {
  kept: { id: string | null; label: string; index: number };
  removed: { id: string | null; label: string; index: number; rule: string; reason: string }[];
  /** Fields the kept entry takes or changes. */
  fields: string[];
  /** Fields the kept entry loses (a failed winner's own error / failedAt once the merge completes it). */
  dropped: string[];
}

export interface UrlUpgradePlan {
  id: string | null;
  label: string;
  from: string;
  to: string;
}

export interface CleanupPlan {
  merges: MergePlan[];
  urlUpgrades: UrlUpgradePlan[];
  edits: TextEdit[];
  /** The text after every fix; equal to the input when there is nothing to do. */
  newText: string;
  changed: boolean;
}

/** Plans every fix of the analysed file (§2 merges and accelerated URLs). */
export function planCleanup(analysis: Analysis): CleanupPlan {
  const text = analysis.doc.text;
  if (!analysis.writable) return { merges: [], urlUpgrades: [], edits: [], newText: text, changed: false };
  const prefer = analysis.options.preferAcceleratedUrls;
  const urlUpgrades: UrlUpgradePlan[] = [];
  // Worked out once, for the plan and for its edits (`fixAllEdits`).
  const groupChanges: PropertyChange[][] = [];
  const merges: MergePlan[] = analysis.groups.map((g) => {
    const changes = mergeChanges(analysis.doc, g);
    const final = prefer ? withUrlUpgrade(g.winner, changes) : changes;
    groupChanges.push(final);
    if (prefer) {
      // The kept entry's final URL may be upgraded too: that is an upgrade, not a field taken from a duplicate.
      const taken = changes.find((c) => c.key === 'loraUrl');
      const upgraded = final.find((c) => c.key === 'loraUrl');
      const from = taken ? (JSON.parse(taken.raw) as unknown) : g.winner.value.loraUrl;
      if (upgraded && upgraded.raw !== taken?.raw && typeof from === 'string') {
        urlUpgrades.push({ id: g.winner.id ?? null, label: describeVersion(g.winner), from, to: JSON.parse(upgraded.raw) as string });
      }
    }
    return {
      kept: { id: g.winner.id ?? null, label: describeVersion(g.winner), index: g.winner.index },
      removed: g.members.slice(1).map((m) => {
        const link = explainMember(g, m.index);
        return {
          id: m.id ?? null,
          label: describeVersion(m),
          index: m.index,
          rule: link ? RULE_TITLES[link.rule] : 'linked',
          reason: link?.detail ?? 'linked through other duplicates',
        };
      }),
      fields: changes.filter((c) => !c.remove).map((c) => c.key),
      dropped: changes.filter((c) => c.remove).map((c) => c.key),
    };
  });
  const grouped = new Set(analysis.groups.flatMap((g) => g.members.map((m) => m.index)));
  if (prefer) {
    for (const v of analysis.versions) {
      if (grouped.has(v.index)) continue;
      const url = str(v.value, 'loraUrl');
      const to = url === undefined ? undefined : urlUpgradeOf(v);
      if (url !== undefined && to !== undefined) urlUpgrades.push({ id: v.id ?? null, label: describeVersion(v), from: url, to });
    }
  }
  const edits = fixAllEdits(analysis, { groupChanges });
  const newText = edits.length ? applyEdits(text, edits) : text;
  return { merges, urlUpgrades, edits, newText, changed: newText !== text };
}

/** The first error finding of a file that cannot be cleaned up. */
export interface CleanupRefusal {
  code: string;
  message: string;
}

/** One file's clean-up: refused (it does not parse or is not usable), nothing to do, or a plan that changes its text. */
export type FileCleanup = { kind: 'skipped'; refusal?: CleanupRefusal } | { kind: 'clean' } | { kind: 'planned'; plan: CleanupPlan };

/** Plans one analysed file; what the clean-up flow and the library's `cleanup` both start from. */
export function planFileCleanup(analysis: Analysis): FileCleanup {
  if (!analysis.writable) {
    const first = analysis.findings.find((x) => x.severity === 'error');
    return first ? { kind: 'skipped', refusal: { code: first.code, message: first.message } } : { kind: 'skipped' };
  }
  const plan = planCleanup(analysis);
  return plan.changed ? { kind: 'planned', plan } : { kind: 'clean' };
}
