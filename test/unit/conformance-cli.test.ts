/**
 * Held-out conformance cases for the command line (SPEC.md §7), derived from its
 * usage lines: `webhook [--payload FILE | -]` takes a bare `-` for standard input.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import { UsageError } from '../../src/cli/common';
import { runWebhook } from '../../src/cli/webhook';
import { captureIO, tempDir } from '../support/helpers';

const JOB = '3e248bb6-012c-4384-ae6c-4b19c126d093';
const temps: { remove: () => Promise<void> }[] = [];
after(async () => {
  for (const t of temps) await t.remove();
});

async function styleFile(): Promise<{ dir: string; file: string; text: string }> {
  const t = await tempDir('tv-conf-cli-');
  temps.push(t);
  await fs.mkdir(path.join(t.dir, '9_wash'));
  const file = path.join(t.dir, '9_wash', 'training_versions.json');
  const text = JSON.stringify({ versions: [{ id: `${JOB}-e1`, name: 'V1', status: 'training', parameters: { a: 1 } }] }, null, 2) + '\n';
  await fs.writeFile(file, text);
  return { dir: t.dir, file, text };
}

describe('webhook [--payload FILE | -] (SPEC.md §7)', () => {
  const body = JSON.stringify({ id: `${JOB}-e1`, status: 'IN_QUEUE' });

  test('a bare - reads the payload from standard input; the paths after it are searched', async () => {
    const { dir, file, text } = await styleFile();
    const io = captureIO();
    assert.equal(await runWebhook(['-', dir, '--format', 'json'], io, async () => body), 0);
    const doc = JSON.parse(io.outText) as { outcome: string; match: { path: string; versionId: string } };
    assert.equal(doc.outcome, 'planned');
    assert.equal(doc.match.path, file);
    assert.equal(doc.match.versionId, `${JOB}-e1`);
    assert.equal(await fs.readFile(file, 'utf8'), text, 'dry run: nothing written');
  });

  test('- with --apply writes the update and its backup', async () => {
    const { dir, file, text } = await styleFile();
    assert.equal(await runWebhook(['--apply', '-', dir], captureIO(), async () => body), 0);
    assert.equal(await fs.readFile(`${file}.backup`, 'utf8'), text);
    assert.equal((JSON.parse(await fs.readFile(file, 'utf8')) as { versions: { status: string }[] }).versions[0].status, 'pending');
  });

  test('the payload given twice (--payload FILE and -) is bad usage (exit 2 from main)', async () => {
    const { dir } = await styleFile();
    const stdin = async () => body;
    await assert.rejects(runWebhook(['--payload', path.join(dir, 'x.json'), '-', dir], captureIO(), stdin), UsageError);
    await assert.rejects(runWebhook(['-', '-', dir], captureIO(), stdin), UsageError);
    // main maps a UsageError to exit 2; this one is found before any input is read.
    assert.equal(await main(['webhook', '--payload', path.join(dir, 'x.json'), '-', dir], captureIO()), 2);
  });
});
