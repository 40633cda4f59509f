/** Hover and tooltip texts (src/vscode/hoverText.ts) and the counts of the badge and status bar, as the user reads them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadFiles } from '../../src/cli/common';
import { isProblem } from '../../src/core/catalogue';
import { analyzeStyleFile } from '../../src/core/styleFile';
import { summarizeStyle } from '../../src/core/styleRows';
import { StyleTreeModel } from '../../src/core/styleTreeModel';
import { codeSpan, styleMarkdown, versionMarkdown } from '../../src/vscode/hoverText';
import { totalsTexts } from '../../src/vscode/stylesTreeItems';
import { EXAMPLES, JOB, NOW, PREFIX, acceleratedModelUrl, detailed, file, minimal, regularModelUrl } from '../support/helpers';

const PATH = '/ws/1_ink/training_versions.json';
const styleOf = (text: string) => ({ key: `file://${PATH}`, ...analyzeStyleFile(PATH, text, { now: NOW }) });

describe('hover and tooltip markdown', () => {
  const text = file([
    detailed(`${JOB.a}-e1`, 'V7', { loraUrl: acceleratedModelUrl(1, 'V7') }),
    minimal(1, 'V7'),
    detailed(`${JOB.b}-e2`, 'V8', { loraUrl: regularModelUrl(1, 'V8') }),
  ]);
  const f = styleOf(text);
  const [v7, copy, v8] = f.analysis.versions;

  test('code spans hold keys and ids exactly: no backslash a user would copy', () => {
    const md = versionMarkdown(f, copy);
    assert.ok(md.includes(`\`s3://storyboard-user-files/${PREFIX}style_1_vV7.safetensors\``), md);
    assert.ok(!/`[^`]*\\_[^`]*`/.test(md), `nothing escaped inside a code span: ${md}`);
    assert.ok(versionMarkdown(f, v8).includes(`RunPod job: \`${JOB.b}\` (attempt \`e2\`)`));
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`x'), '`` `x ``');
  });

  test('a duplicate says it once, without the URL warning of the entry the merge removes', () => {
    const md = versionMarkdown(f, copy);
    assert.equal(md.split('Duplicate of').length - 1, 1, md);
    assert.ok(!md.includes('Regular S3 URL'), 'the merge deletes this entry: no upgrade advice');
    const kept = versionMarkdown(f, v7);
    assert.ok(kept.includes('$(copy) Kept: a merge removes "style\\_1\\_vV7.safetensors"'), kept);
    assert.ok(versionMarkdown(f, v8).includes('- $(warning) Regular S3 URL'), 'a kept entry keeps its URL advice');
  });

  test('in the editor, findings whose diagnostic the hover already shows are left out', () => {
    const dupFinding = f.analysis.findings.find((x) => x.code === 'duplicate-version')!;
    const md = versionMarkdown(f, copy, { at: dupFinding.offset + 1 });
    assert.ok(!md.includes('Duplicate of'), md);
    assert.ok(versionMarkdown(f, copy, { at: copy.node.offset }).includes('Duplicate of'), 'elsewhere in the entry it is listed');
  });

  test('an expired job says so in its hover, with when it was checked', () => {
    const t = file([
      detailed(`${JOB.c}-e1`, 'V9', { status: 'training', timestamp: new Date(NOW - 3600_000).toISOString(), completedAt: undefined }),
    ]);
    const sf = styleOf(t);
    const v = sf.analysis.versions[0];
    assert.ok(!versionMarkdown(sf, v).includes('expired'));
    const md = versionMarkdown({ ...sf, expiredJobs: new Map([[`${JOB.c}-e1`, Date.UTC(2025, 9, 15, 8, 30)]]) }, v);
    assert.ok(md.includes('RunPod: expired (checked 2025-10-15 08:30 UTC)'), md);
  });

  test('the tooltip lists every field, keys as code', () => {
    const md = versionMarkdown(f, copy, { fields: true });
    assert.ok(md.includes('`description`: Synced from S3'), md);
    assert.ok(md.includes('`id`: style\\_1\\_vV7'), 'prose values escaped outside code spans (rendered as written)');
  });

  test('a style tooltip lists every kind of finding behind its count, notes marked as such', () => {
    const s = summarizeStyle(f);
    assert.equal(s.problemCount, 3);
    const md = styleMarkdown(s, '1_ink/training_versions.json');
    assert.ok(md.includes('- $(warning) 1 duplicate entry to merge'), md);
    assert.ok(md.includes('- $(warning) 2 regular S3 URLs to upgrade'), md);
    assert.ok(!md.includes('minimal'), 'the minimal copy has a duplicate: no minimal-entry finding');
    assert.ok(md.includes('`1_ink/training_versions.json`'));
  });
});

describe('one set of counts', () => {
  test('badge, status bar tooltip and style rows count the same problems; styles with problems, not all styles', () => {
    const m = new StyleTreeModel();
    const dirty = styleOf(file([detailed(`${JOB.a}-e1`, 'V7', { loraUrl: regularModelUrl(1, 'V7') })]));
    m.upsert(dirty);
    m.upsert({
      key: 'file:///ws/2_b/training_versions.json',
      ...analyzeStyleFile('/ws/2_b/training_versions.json', file([]), { now: NOW }),
    });
    const t = m.totals();
    assert.deepEqual([t.styles, t.stylesWithProblems, t.problems], [2, 1, 1]);
    const texts = totalsTexts(t);
    assert.equal(texts.problems, '1 problem in 1 style (of 2)');
    assert.equal(texts.badgeTooltip, 'Training Versions: 1 problem in 1 style (of 2)');
    assert.ok(texts.tooltip.includes('1 problem in 1 style (of 2)'), texts.tooltip);
    assert.equal(
      m.styles().reduce((n, s) => n + s.problemCount, 0),
      t.problems,
      'style rows add up to the badge',
    );
    assert.equal(totalsTexts({ ...t, problems: 0, stylesWithProblems: 0 }).problems, 'no problems');
  });

  test('the tree counts over examples/ what `training-versions check` counts as errors and warnings', async () => {
    const files = await loadFiles([EXAMPLES], { now: NOW });
    assert.ok(files.length >= 5);
    const m = new StyleTreeModel();
    for (const f of files) m.upsert({ key: f.path, ...analyzeStyleFile(f.path, f.text, { now: NOW }) });
    const checked = files.flatMap((f) => f.analysis.findings).filter(isProblem).length;
    const t = m.totals();
    assert.equal(t.problems, checked);
    assert.equal(t.stylesWithProblems, files.filter((f) => f.analysis.findings.some(isProblem)).length);
  });
});
