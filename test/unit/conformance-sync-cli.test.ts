/**
 * Held-out conformance cases for `training-versions sync` (SPEC.md §5, §7) against
 * s3rver on 127.0.0.1, derived from the text of SPEC.md: `--format json` prints the
 * plan and outcome as one JSON document; URLs on an IP-address endpoint are
 * path-style with keys percent-encoded per segment; files with no style folder are
 * reported grouped by style; a second run changes only lastSynced.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import { captureIO, snapshot, tempDir } from '../support/helpers';
import { putObjects, S3RVER_ENV, type S3rverHandle, seedClient, startS3rver } from '../support/s3rver';

const BUCKET = 'conformance-models';
const PREFIX = 'team a/models/';
const JOB = '5f0c2a9e-1b7d-4c3e-9a8b-0d1e2f3a4b5c';
let server: S3rverHandle;
const temps: { remove: () => Promise<void> }[] = [];

before(async () => {
  server = await startS3rver({ buckets: [BUCKET] });
  const client = seedClient(server.endpoint);
  await putObjects(client, BUCKET, [
    { key: `${PREFIX}style_4_vV1.safetensors` },
    { key: `${PREFIX}style_4_v2.safetensors`, metadata: { runpod_job_id: JOB } },
    { key: `${PREFIX}style_8_vV1.safetensors` },
    { key: `${PREFIX}style_8_vV2.safetensors` },
    { key: `${PREFIX}notes.txt` },
  ]);
  client.destroy();
});

after(async () => {
  await server?.stop();
  for (const t of temps) await t.remove();
});

async function workspace(): Promise<{ dir: string; file: string }> {
  const t = await tempDir('tv-conf-sync-');
  temps.push(t);
  await fs.mkdir(path.join(t.dir, '4_pastel'));
  const file = path.join(t.dir, '4_pastel', 'training_versions.json');
  await fs.writeFile(
    file,
    JSON.stringify(
      { versions: [{ id: `${JOB}-e1`, name: 'V2', parameters: { network_dim: 8 }, status: 'training', imageCount: 12 }] },
      null,
      4,
    ) + '\n',
  );
  return { dir: t.dir, file };
}

function io() {
  const c = captureIO();
  c.env = { ...S3RVER_ENV };
  return c;
}

interface Change {
  field: string;
  from: unknown;
  to: unknown;
}
interface FileJson {
  path: string;
  status: string;
  backup?: string;
  updates: { rule: string; changes: Change[] }[];
  additions: { entry: Record<string, string> }[];
}
interface SyncJson {
  apply: boolean;
  endpoint: string;
  endpointSource: string;
  outcome: string;
  written: number;
  files: FileJson[];
  unplaced: { styleId: string; count: number }[];
  error: { host: string };
}

const args = (dir: string, ...more: string[]) => [
  'sync',
  '--bucket',
  BUCKET,
  '--prefix',
  PREFIX,
  '--endpoint',
  server.endpoint,
  '--read-metadata',
  ...more,
  dir,
];
const url = (key: string) => `${server.endpoint}/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`;

describe('training-versions sync, as SPEC.md §5 and §7 say', { timeout: 120_000 }, () => {
  test('--format json: the dry run prints the plan as one JSON document and writes nothing', async () => {
    const { dir, file } = await workspace();
    const before = await snapshot(dir);
    const out = io();
    assert.equal(await main(args(dir, '--format', 'json'), out), 0);
    assert.deepEqual(await snapshot(dir), before, 'dry run first: nothing written');
    const doc = JSON.parse(out.outText) as SyncJson;
    assert.equal(doc.apply, false);
    assert.equal(doc.written, 0);
    // Which endpoint was used, and where it came from (§5).
    assert.equal(doc.endpoint, server.endpoint);
    assert.equal(doc.endpointSource, 'setting');
    assert.equal(doc.files.length, 1);
    const f = doc.files[0];
    assert.equal(f.path, file);
    assert.equal(f.status, 'planned');
    // Metadata (runpod_job_id, the base id) matches the detailed entry: no new entry for it.
    assert.equal(f.updates.length, 1);
    assert.equal(f.updates[0].rule, 'job-id');
    assert.deepEqual(
      f.updates[0].changes.find((c) => c.field === 'loraUrl'),
      { field: 'loraUrl', from: null, to: url(`${PREFIX}style_4_v2.safetensors`) },
    );
    // The other object becomes a minimal entry; on 127.0.0.1 the URL is path-style, the key encoded per segment.
    assert.equal(f.additions.length, 1);
    assert.equal(f.additions[0].entry.id, 'style_4_vV1');
    assert.equal(f.additions[0].entry.loraUrl, url(`${PREFIX}style_4_vV1.safetensors`));
    assert.match(f.additions[0].entry.loraUrl, /\/team%20a\/models\/style_4_vV1\.safetensors$/);
    // Files with no style folder: reported grouped by style.
    assert.deepEqual(
      doc.unplaced.map((g) => [g.styleId, g.count]),
      [['8', 2]],
    );
  });

  test('--format json --apply: backup, write, the summary counts what was written; twice changes only lastSynced', async () => {
    const { dir, file } = await workspace();
    const original = await fs.readFile(file, 'utf8');
    const out = io();
    assert.equal(await main(args(dir, '--format', 'json', '--apply'), out), 0);
    const doc = JSON.parse(out.outText) as SyncJson;
    assert.equal(doc.apply, true);
    assert.equal(doc.files[0].status, 'written');
    assert.equal(doc.files[0].backup, `${file}.backup`);
    assert.equal(doc.written, 1);
    assert.equal(await fs.readFile(`${file}.backup`, 'utf8'), original);
    const first = JSON.parse(await fs.readFile(file, 'utf8')) as { versions: Record<string, unknown>[] };
    assert.equal(first.versions.length, 2);
    assert.equal(first.versions[0].status, 'completed');
    assert.deepEqual(first.versions[0].parameters, { network_dim: 8 }, 'keep everything else');

    const again = io();
    assert.equal(await main(args(dir, '--format', 'json', '--apply'), again), 0);
    const second = JSON.parse(await fs.readFile(file, 'utf8')) as { versions: Record<string, unknown>[] };
    const strip = (d: { versions: Record<string, unknown>[] }) => d.versions.map(({ lastSynced: _l, ...rest }) => rest);
    assert.deepEqual(strip(second), strip(first));
    const doc2 = JSON.parse(again.outText) as SyncJson;
    for (const u of doc2.files[0].updates)
      assert.deepEqual(
        u.changes.map((c) => c.field),
        ['lastSynced'],
      );
    assert.equal(doc2.files[0].additions.length, 0);
  });

  test('--format json on a listing that fails: a JSON document, exit 1, nothing written', async () => {
    const { dir } = await workspace();
    const before = await snapshot(dir);
    const out = io();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const code = await main(
      ['sync', '--bucket', BUCKET, '--endpoint', 'http://127.0.0.1:9', '--timeout-ms', '500', '--format', 'json', dir],
      out,
    );
    assert.equal(code, 1);
    const doc = JSON.parse(out.outText) as SyncJson;
    assert.equal(doc.outcome, 'failed');
    assert.equal(doc.error.host, '127.0.0.1:9');
    assert.equal(doc.written, 0);
    assert.deepEqual(await snapshot(dir), before);
  });

  test('--apply where one file cannot be written: the summary counts only the file written; exit 1', async () => {
    const { dir, file } = await workspace();
    // A second style folder whose backup path is a folder: its backup, so its write, fails.
    const other = path.join(dir, '8_ink', 'training_versions.json');
    await fs.mkdir(path.dirname(other));
    const otherText = '{\n  "versions": []\n}\n';
    await fs.writeFile(other, otherText);
    await fs.mkdir(`${other}.backup`);
    const out = io();
    assert.equal(await main(args(dir, '--apply'), out), 1);
    assert.equal(await fs.readFile(other, 'utf8'), otherText, 'the file that could not be backed up is left as it was');
    assert.notEqual(await fs.readFile(file, 'utf8'), await fs.readFile(`${file}.backup`, 'utf8'));
    assert.match(out.outText, /\. 1 file changed\./);
    assert.match(out.outText, /Wrote 1 file; 1 could not be written\./);
    await fs.rm(`${other}.backup`, { recursive: true });
    await fs.mkdir(`${other}.backup`);
    const json = io();
    await fs.writeFile(file, JSON.stringify({ versions: [] }));
    assert.equal(await main(args(dir, '--apply', '--format', 'json'), json), 1);
    const doc = JSON.parse(json.outText) as SyncJson;
    assert.deepEqual(
      doc.files.map((f) => [path.basename(path.dirname(f.path)), f.status]),
      [
        ['4_pastel', 'written'],
        ['8_ink', 'failed'],
      ],
    );
    assert.equal(doc.written, 1);
  });

  test('--format is listed in sync --help and a bad value is bad usage (2)', async () => {
    const help = io();
    assert.equal(await main(['sync', '--help'], help), 0);
    assert.match(help.outText + help.errText, /--format text\|json/);
    const bad = io();
    assert.equal(await main(['sync', '--bucket', BUCKET, '--format', 'sarif', '.'], bad), 2);
  });
});
