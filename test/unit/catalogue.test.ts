/** The finding catalogue (src/core/catalogue.ts): one row per code, read by findings, the README and the fixes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { FINDING_CODES, FINDING_DOCS, isFixable, isProblem } from '../../src/core/catalogue';
import { applyEdits } from '../../src/core/edits';
import { analyze, fixAllEdits, fixFor } from '../../src/core/findings';
import { JOB, NOW, ROOT, acceleratedModelUrl, detailed, file, minimal, regularModelUrl } from '../support/helpers';

describe('finding catalogue', () => {
  test('every code has a README section under its docs anchor, headed with its severity', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const code of FINDING_CODES) {
      const row = FINDING_DOCS[code];
      assert.ok(readme.includes(`<a id="${row.docs}"></a>\n### \`${code}\` (${row.severity})`), `README section for ${code}`);
    }
  });

  test('findings take their severity from the row; fixable rows have a fix title and a fix', () => {
    const a = analyze(
      file([
        detailed(`${JOB.a}-e1`, 'V7', { loraUrl: regularModelUrl(1, 'V7') }),
        minimal(1, 'V7'),
        minimal(1, 'V9'),
        detailed(`${JOB.b}-e1`, 'V8', {
          status: 'training',
          timestamp: new Date(NOW - 72 * 3600_000).toISOString(),
          completedAt: undefined,
        }),
      ]),
      { styleId: '1', now: NOW },
    );
    const codes = new Set(a.findings.map((f) => f.code));
    for (const c of ['duplicate-version', 'minimal-entry', 'non-accelerated-url', 'stale-job'] as const) assert.ok(codes.has(c), c);
    for (const f of a.findings) {
      assert.equal(f.severity, FINDING_DOCS[f.code].severity, f.code);
      assert.equal(fixFor(a, f) !== undefined, isFixable(f.code), `${f.code}: a fix exactly when the row says fixable`);
      if (isFixable(f.code)) assert.ok(FINDING_DOCS[f.code].fixTitle, `${f.code} has a fix title`);
    }
  });

  test('a problem is an error or a warning; information is not', () => {
    assert.deepEqual(
      FINDING_CODES.filter((c) => isProblem(FINDING_DOCS[c])),
      ['invalid-json', 'invalid-schema', 'duplicate-version', 'non-accelerated-url', 'stale-job'],
    );
  });

  test('stale-job advice resolves the case it is shown on: with a duplicate, merge first (and the merge clears it)', () => {
    const old = new Date(NOW - 30 * 24 * 3600_000).toISOString();
    const text = file([
      detailed(`${JOB.a}-e2`, 'V4', { status: 'training', timestamp: old, completedAt: undefined, loraUrl: undefined }),
      minimal(59, 'V4', { loraUrl: acceleratedModelUrl(59, 'V4') }),
    ]);
    const a = analyze(text, { styleId: '59', now: NOW });
    const stale = a.findings.find((f) => f.code === 'stale-job')!;
    assert.match(stale.message, /merge them first/);
    assert.doesNotMatch(stale.message, /Run an S3 sync/);
    const merged = analyze(applyEdits(text, fixAllEdits(a)), { styleId: '59', now: NOW });
    assert.deepEqual(
      merged.findings.filter((f) => f.code === 'stale-job'),
      [],
      'the merge takes the completed status of the S3 copy',
    );
    const alone = analyze(file([detailed(`${JOB.b}-e1`, 'V5', { status: 'training', timestamp: old, completedAt: undefined })]), {
      styleId: '59',
      now: NOW,
    });
    assert.match(alone.findings.find((f) => f.code === 'stale-job')!.message, /Run an S3 sync/);
  });
});
