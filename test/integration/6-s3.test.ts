/**
 * Sync from S3 in the real host (SPEC.md §5) against a real S3 API: s3rver in a
 * child process on 127.0.0.1 (test/support/s3rver.ts), reached through the
 * extension's own lister (the AWS SDK from dist/s3.js) with the settings
 * `trainingVersions.s3.*` pointed at it. Credentials go in through the lister
 * factory (`api.s3.useListerFactory`), never through settings.
 *
 * Each test works on style folders of its own (3-cleanup rewrote the examples)
 * and the suite removes them, the settings and the server afterwards.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyze } from '../../src/core/findings';
import type { S3Lister, S3Settings } from '../../src/services/s3';
import { syncWorkspace } from '../../src/flows/sync';
import { openWorkspaceSettings, type SyncS3Result } from '../../src/vscode/commands/syncS3';
import { S3RVER_ENV, type S3rverHandle, startS3rver } from '../support/s3rver';
import { type TestedApi, api, EXTENSION_ID, fileIn, folderUri, readDisk, removeStyles, waitFor, writeStyle } from './helpers';

const BUCKET = 'storyboard-user-files';
const PREFIX = 'actor_maker_user/custom-styles-models/';
const REGION = 'us-west-1';
const key = (stem: string) => `${PREFIX}${stem}.safetensors`;
const regularUrl = (stem: string) => `https://${BUCKET}.s3.${REGION}.amazonaws.com/${key(stem)}`;
const fastUrl = (stem: string) => `https://${BUCKET}.s3-accelerate.amazonaws.com/${key(stem)}`;

/** Style ids no example folder has (examples: 1, 3, 7, 10, 12, 59). */
const URLS = '661_s3_urls';
const BY_NAME = '662_s3_by_name';
const BROKEN = '663_s3_broken';
const STYLES = [URLS, BY_NAME, BROKEN];

type Entry = Record<string, unknown>;

function detailed(id: string, name: string, extra: Entry = {}): Entry {
  return {
    id,
    name,
    timestamp: '2025-10-01T10:00:00.000Z',
    parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 },
    status: 'completed',
    selectionSetId: 3,
    imageCount: 40,
    ...extra,
  };
}

function render(entries: Entry[], indent = 2, eol = '\n'): string {
  return JSON.stringify({ versions: entries }, null, indent).split('\n').join(eol) + eol;
}

const URLS_TEXT = render([
  detailed('661a0001-0000-4000-8000-000000000001-e1', 'V1', {
    completedAt: '2025-10-01T10:30:00.000Z',
    loraUrl: regularUrl('style_661_vV1'),
  }),
  detailed('661a0002-0000-4000-8000-000000000002-e1', 'V2', { completedAt: '2025-10-02T10:30:00.000Z', loraUrl: fastUrl('style_661_vV2') }),
]);
// CRLF and 4-space indentation: both must survive the sync.
const BY_NAME_TEXT = render([detailed('662a0004-0000-4000-8000-000000000004-e1', 'V4', { status: 'training' })], 4, '\r\n');
const BROKEN_TEXT = '{\n  "versions": [\n    { "id": "style_663_vV1", "name": "V1", }\n';

const OBJECTS = [
  key('style_661_vV1'),
  key('style_661_vV2'),
  key('style_662_vV4'),
  key('style_662_vV5'),
  key('style_663_vV1'),
  key('style_664_vV1'), // no style folder 664 anywhere
  `${PREFIX}README.txt`, // not a model file
];

let tv: TestedApi;
let server: S3rverHandle;
let factory: vscode.Disposable | undefined;
let listerCalls: S3Settings[] = [];

function s3Config() {
  return vscode.workspace.getConfiguration('trainingVersions.s3');
}

/** Points syncs at s3rver with its credentials (plus `extra`), recording the settings each sync asked for. */
function useS3rver(extra: Partial<S3Settings> = {}, wrap: (l: S3Lister) => S3Lister = (l) => l): void {
  factory?.dispose();
  factory = tv.s3.useListerFactory(async (settings) => {
    listerCalls.push(settings);
    return wrap(await tv.s3.createLister({ ...settings, env: { ...S3RVER_ENV }, ...extra }));
  });
}

async function sync(arg: Record<string, unknown> = {}): Promise<SyncS3Result> {
  const r = await vscode.commands.executeCommand<SyncS3Result>('trainingVersions.syncS3', { preview: false, ...arg });
  assert.ok(r, 'the command returns its result');
  for (const secret of Object.values(S3RVER_ENV)) assert.ok(!r.message.includes(secret), 'no credential in the message');
  return r;
}

async function writeAll(): Promise<void> {
  await writeStyle(tv, URLS, URLS_TEXT);
  await writeStyle(tv, BY_NAME, BY_NAME_TEXT);
  await writeStyle(tv, BROKEN, BROKEN_TEXT);
}

function backupOf(style: string): vscode.Uri {
  return vscode.Uri.joinPath(folderUri(), style, 'training_versions.json.backup');
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

function versionsOf(text: string): Entry[] {
  return (JSON.parse(text.replace(/^\uFEFF/, '')) as { versions: Entry[] }).versions;
}

async function texts(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of STYLES) out[s] = await readDisk(fileIn(s));
  return out;
}

async function logText(): Promise<string> {
  return readDisk(tv.runpod.logFile).catch(() => '');
}

function extensionPath(): string {
  return vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
}

function sdkBundleLoaded(): boolean {
  return Object.keys(require.cache).includes(path.join(extensionPath(), 'dist', 's3.js'));
}

/** Waits until the log, past `from` characters, holds `text`. */
async function logged(text: string, from: number): Promise<string> {
  return waitFor(`"${text}" in the log`, async () => {
    const t = (await logText()).slice(from);
    return t.includes(text) ? t : undefined;
  });
}

describe('Sync from S3', function () {
  this.timeout(60_000);

  before(async () => {
    tv = await api();
    server = await startS3rver({
      root: extensionPath(),
      buckets: [BUCKET],
      seed: [{ bucket: BUCKET, objects: OBJECTS.map((k) => ({ key: k })) }],
    });
    await s3Config().update('bucket', BUCKET, vscode.ConfigurationTarget.Workspace);
    await s3Config().update('prefix', PREFIX, vscode.ConfigurationTarget.Workspace);
    await s3Config().update('region', REGION, vscode.ConfigurationTarget.Workspace);
    await s3Config().update('endpoint', server.endpoint, vscode.ConfigurationTarget.Workspace);
    await s3Config().update('forcePathStyle', true, vscode.ConfigurationTarget.Workspace);
    useS3rver();
    await writeAll();
  });

  after(async () => {
    factory?.dispose();
    for (const k of ['bucket', 'prefix', 'region', 'endpoint', 'forcePathStyle'])
      await s3Config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
    await removeStyles(tv, ...STYLES);
    await server?.stop();
  });

  beforeEach(() => {
    listerCalls = [];
    useS3rver();
  });

  it('loads the AWS SDK only when a sync runs, from dist/s3.js next to the extension bundle', async () => {
    const main = readFileSync(path.join(extensionPath(), 'dist', 'extension.js'), 'utf8');
    assert.ok(!main.includes('S3Client') && !main.includes('@aws-sdk'), 'the SDK is not in the main bundle');
    assert.equal(sdkBundleLoaded(), false, 'activation (and every command so far) left the SDK unloaded');
    assert.equal(tv.loadedChunks().includes('sync'), false, 'no command so far loaded the sync bundle (dist/sync.js)');
    // A one-style sync is enough to need the SDK.
    const r = await sync({ styleFolder: vscode.Uri.joinPath(folderUri(), BY_NAME) });
    assert.equal(r.ran, true);
    assert.equal(sdkBundleLoaded(), true, 'the sync loaded dist/s3.js');
    assert.ok(tv.loadedChunks().includes('sync'), 'the sync loaded dist/sync.js');
    // Back to the files this suite starts from.
    await writeAll();
  });

  it(
    'syncs every style: upgrades a regular URL, keeps an accelerated one, matches V4 by name, ' +
      'appends one minimal entry, reports what it cannot place; exactly the planned texts, with backups',
    async () => {
      const before = await texts();
      const r = await sync();

      // The settings reached the lister (credentials did not come from them).
      assert.equal(listerCalls.length, 1);
      const { onRetry, ...passed } = listerCalls[0];
      assert.equal(typeof onRetry, 'function', 'retries are announced back to the command');
      assert.deepEqual(passed, {
        bucket: BUCKET,
        prefix: PREFIX,
        region: REGION,
        endpoint: server.endpoint,
        forcePathStyle: true,
        profile: undefined,
        readMetadata: false,
        timeoutMs: 30_000,
      });
      assert.equal(r.ran, true);
      assert.equal(r.applied, true);
      assert.equal(r.objects, OBJECTS.length);
      assert.equal(r.models, OBJECTS.length - 1);
      assert.ok(r.pages >= 1);
      assert.deepEqual(
        new Set(r.written),
        new Set([fileIn(URLS).toString(), fileIn(BY_NAME).toString()]),
        'only the two files with model files (examples have none in this bucket)',
      );
      assert.deepEqual(new Set(r.changes.map((c) => c.uri)), new Set(r.written));

      // Each file on disk is the text the sync planned, and the engine plans the same on its own.
      const lister = await tv.s3.createLister({
        bucket: BUCKET,
        prefix: PREFIX,
        region: REGION,
        endpoint: server.endpoint,
        forcePathStyle: true,
        env: { ...S3RVER_ENV },
      });
      let engine;
      try {
        engine = await syncWorkspace(
          [URLS, BY_NAME].map((s) => ({
            path: s,
            text: before[s],
            analysis: analyze(before[s], { now: Date.now(), styleId: s.split('_')[0], preferAcceleratedUrls: true }),
          })),
          lister,
          {
            bucket: BUCKET,
            prefix: PREFIX,
            region: REGION,
            endpoint: server.endpoint,
            forcePathStyle: true,
            preferAcceleratedUrls: true,
            now: new Date(r.syncedAt!),
          },
        );
      } finally {
        lister.destroy();
      }
      const listed = await (async () => {
        const l = await tv.s3.createLister({
          bucket: BUCKET,
          prefix: PREFIX,
          endpoint: server.endpoint,
          forcePathStyle: true,
          env: { ...S3RVER_ENV },
        });
        try {
          return await l.list(PREFIX, () => undefined);
        } finally {
          l.destroy();
        }
      })();
      for (const s of [URLS, BY_NAME]) {
        const disk = await readDisk(fileIn(s));
        const planned = r.changes.find((c) => c.uri === fileIn(s).toString());
        assert.ok(planned, `${s} is in the plan`);
        assert.equal(planned.oldText, before[s]);
        assert.equal(disk, planned.newText, `${s} holds exactly the planned text`);
        assert.equal(disk, engine.plan.files.find((f) => f.path === s)?.newText, `${s} holds what syncWorkspace plans for it`);
        assert.equal(await readDisk(backupOf(s)), before[s], `${s} was backed up first`);
      }

      // 661: the regular URL is upgraded, the accelerated one kept; nothing else of the detailed entries moves.
      const urls = versionsOf(await readDisk(fileIn(URLS)));
      const urlsBefore = versionsOf(before[URLS]);
      assert.equal(urls.length, 2, 'no entry added for objects that matched');
      assert.equal(urls[0].loraUrl, fastUrl('style_661_vV1'));
      assert.equal(urls[1].loraUrl, fastUrl('style_661_vV2'));
      for (const [i, v] of urls.entries()) {
        assert.equal(v.lastSynced, r.syncedAt);
        const { loraUrl: _a, lastSynced: _b, ...rest } = v;
        const { loraUrl: _c, ...restBefore } = urlsBefore[i];
        assert.deepEqual(rest, restBefore, 'parameters and every other field are kept');
      }

      // 662: V4 matched by its version name (CRLF, 4 spaces kept); V5 appended as exactly one minimal entry.
      const byNameText = await readDisk(fileIn(BY_NAME));
      assert.ok(byNameText.includes('\r\n    "versions"') && !/[^\r]\n/.test(byNameText), 'CRLF and 4-space indentation survive');
      const byName = versionsOf(byNameText);
      assert.equal(byName.length, 2);
      assert.equal(byName[0].id, '662a0004-0000-4000-8000-000000000004-e1');
      assert.equal(byName[0].status, 'completed');
      assert.equal(
        byName[0].loraUrl,
        `${server.endpoint}/${BUCKET}/${key('style_662_vV4')}`,
        "on a custom endpoint the URL written is the object's URL there",
      );
      assert.deepEqual(byName[0].parameters, { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 });
      const v5Modified = listed.find((o) => o.key === key('style_662_vV5'))?.lastModified;
      assert.ok(v5Modified, 'the listing has style_662_vV5');
      assert.deepEqual(byName[1], {
        id: 'style_662_vV5',
        name: 'style_662_vV5.safetensors',
        status: 'completed',
        loraUrl: `${server.endpoint}/${BUCKET}/${key('style_662_vV5')}`,
        timestamp: new Date(v5Modified).toISOString(),
        lastSynced: r.syncedAt,
        parameters: {},
        description: 'Synced from S3',
      });
      assert.deepEqual([r.updated, r.added, r.refreshed], [2, 1, 1], 'V1 and V4 updated, V5 added, V2 only re-synced');

      // Reported, not written: the model file with no style folder, and the file that does not parse.
      assert.deepEqual(
        r.unplaced.filter((u) => u.styleId === '664').map((u) => u.key),
        [key('style_664_vV1')],
      );
      assert.deepEqual(
        r.unplaced.filter((u) => u.styleId === '663').map((u) => u.key),
        [key('style_663_vV1')],
      );
      assert.match(r.unplaced.find((u) => u.styleId === '663')!.reason, /does not parse/);
      assert.deepEqual(
        r.skipped.map((s) => s.uri).filter((u) => u.includes(BROKEN)),
        [fileIn(BROKEN).toString()],
      );
      assert.equal(await readDisk(fileIn(BROKEN)), BROKEN_TEXT, 'the file that does not parse is untouched');
      assert.equal(await exists(backupOf(BROKEN)), false);
      assert.match(r.message, /^Synced from S3: 2 entries updated, 1 added, 1 re-synced \(lastSynced only\) in 2 files/);
      assert.match(r.message, /1 model file has no style folder here \(style 664\): written nowhere/);
      assert.match(
        r.message,
        /1 file was skipped because it does not parse \(663_s3_broken\/training_versions\.json; 1 model file waits for it\)/,
      );

      // The log names every change, and holds no credential.
      const log = await waitFor('the log has the sync', async () => {
        const t = await logText();
        return t.includes('S3 sync: Synced from S3') ? t : undefined;
      });
      assert.match(
        log,
        /661_s3_urls\/training_versions\.json: update "V1" \(661a0001-[^)]*\) ← style_661_vV1\.safetensors \(same S3 object\): loraUrl: "https:\/\/storyboard-user-files\.s3\.us-west-1\.[^"]*" → "https:\/\/storyboard-user-files\.s3-accelerate\.[^"]*"; lastSynced: \(none\) → "/,
      );
      assert.match(
        log,
        /662_s3_by_name\/training_versions\.json: update "V4" \(662a0004-[^)]*\) ← style_662_vV4\.safetensors \(version name is the file label\): loraUrl: \(none\) → "http:\/\/127\.0\.0\.1:\d+\/[^"]*"; status: "training" → "completed"/,
      );
      assert.match(log, /662_s3_by_name\/training_versions\.json: add "style_662_vV5" ← style_662_vV5\.safetensors/);
      assert.match(log, /No style folder for style_664_vV1\.safetensors/);
      assert.match(log, /663_s3_broken\/training_versions\.json: skipped, left untouched/);
      assert.match(
        log,
        /S3 sync: listing s3:\/\/storyboard-user-files\/actor_maker_user\/custom-styles-models\/ on http:\/\/127\.0\.0\.1:\d+ \(from trainingVersions\.s3\.endpoint, path-style; region us-west-1\) for \d+ files\./,
        'the log says which endpoint and where it came from',
      );
      for (const secret of Object.values(S3RVER_ENV)) assert.ok(!log.includes(secret), 'no credential in the log');
    },
  );

  it('ends in the write decision (SPEC.md §9): nothing is written while it is open, nothing after Cancel', async () => {
    const before = await texts();
    const from = (await logText()).length;
    let written: Record<string, string> | undefined;
    // The decision is answered through the test API (scripts/ui-test-writes.mjs clicks the real dialog).
    const answering = tv.writes.answerWith(async () => {
      await logged('update "V1"', from); // the plan is in the log while the decision is open
      written = await texts();
      return 'cancel' as const;
    });
    let r: SyncS3Result;
    try {
      r = await vscode.commands.executeCommand<SyncS3Result>('trainingVersions.syncS3');
    } finally {
      answering.dispose();
    }
    assert.deepEqual(written, before, 'nothing written while the decision is open');
    assert.equal(r.applied, false);
    assert.deepEqual(r.written, []);
    assert.ok(r.changes.length >= 2, 'there was a plan to decide on');
    assert.match(r.message, /^The S3 sync was cancelled; nothing was written/);
    assert.deepEqual(await texts(), before, 'nothing written after Cancel');
  });

  it('a second sync changes nothing but lastSynced', async () => {
    const before = await texts();
    const r = await sync();
    assert.equal(r.applied, true);
    assert.deepEqual([r.updated, r.added, r.refreshed], [0, 0, 4], 'V1, V2, V4 and the V5 added last time');
    for (const s of [URLS, BY_NAME]) {
      const after = await readDisk(fileIn(s));
      assert.notEqual(after, before[s], `${s}: lastSynced moved`);
      const strip = (t: string) => t.replace(/"lastSynced": "[^"]*"/g, '"lastSynced": "…"');
      assert.equal(strip(after), strip(before[s]), `${s}: nothing else changed, byte for byte`);
      for (const v of versionsOf(after)) assert.equal(v.lastSynced, r.syncedAt);
    }
    assert.equal(await readDisk(fileIn(BROKEN)), BROKEN_TEXT);
  });

  it("a one-style sync ({ styleFolder }) touches only that style's file and reports only that style's objects", async () => {
    const before = await texts();
    const r = await sync({ styleFolder: vscode.Uri.joinPath(folderUri(), URLS) });
    assert.equal(r.applied, true);
    assert.deepEqual(r.written, [fileIn(URLS).toString()]);
    assert.equal(r.models, 2, 'the two model files of style 661');
    assert.deepEqual(r.unplaced, [], "objects of other styles are not this sync's business");
    assert.deepEqual(r.skipped, []);
    assert.equal(await readDisk(fileIn(BY_NAME)), before[BY_NAME], 'the other style is untouched');
    assert.notEqual(await readDisk(fileIn(URLS)), before[URLS]);
    for (const v of versionsOf(await readDisk(fileIn(URLS)))) assert.equal(v.lastSynced, r.syncedAt);

    // The file itself names its style as well (as the quick fix and the tree pass folders, a script may pass the file).
    const r2 = await sync({ styleFolder: fileIn(BY_NAME) });
    assert.deepEqual(r2.written, [fileIn(BY_NAME).toString()]);
  });

  it('a style whose file does not parse: nothing written, and the message says why', async () => {
    const r = await sync({ styleFolder: vscode.Uri.joinPath(folderUri(), BROKEN) });
    assert.equal(r.applied, false);
    assert.deepEqual(r.written, []);
    assert.deepEqual(
      r.skipped.map((s) => s.uri),
      [fileIn(BROKEN).toString()],
    );
    assert.match(r.message, /does not parse/);
    assert.equal(await readDisk(fileIn(BROKEN)), BROKEN_TEXT);
  });

  it('a bucket that does not exist (NoSuchBucket from the server): says so, points at the setting, writes nothing', async () => {
    const before = await texts();
    const backup = await readDisk(backupOf(URLS));
    await s3Config().update('bucket', 'tv-no-such-bucket', vscode.ConfigurationTarget.Workspace);
    try {
      const r = await sync();
      assert.equal(r.ran, true);
      assert.equal(r.error, 'no-such-bucket');
      assert.equal(r.applied, false);
      assert.deepEqual(r.written, []);
      assert.equal(
        r.message,
        `The bucket "tv-no-such-bucket" does not exist on ${server.endpoint}. Check trainingVersions.s3.bucket and trainingVersions.s3.endpoint.`,
      );
    } finally {
      await s3Config().update('bucket', BUCKET, vscode.ConfigurationTarget.Workspace);
    }
    assert.deepEqual(await texts(), before, 'no file changed');
    assert.equal(await readDisk(backupOf(URLS)), backup, 'no backup rewritten');
    const log = await waitFor('the log has the error', async () => {
      const t = await logText();
      return t.includes('"tv-no-such-bucket" does not exist') ? t : undefined;
    });
    assert.match(log, /\[error\] S3 sync: The bucket "tv-no-such-bucket" does not exist/);
  });

  it('credentials the server rejects: a credentials error that names neither key, nothing written', async () => {
    const badKey = 'AKIATVREJECTED000042';
    const badSecret = 'tvRejectedSecret/0123456789abcdefABCDEF';
    useS3rver({ env: { AWS_ACCESS_KEY_ID: badKey, AWS_SECRET_ACCESS_KEY: badSecret } });
    const before = await texts();
    const r = await sync();
    assert.equal(r.error, 'credentials');
    assert.match(r.message, /rejected your credentials \(InvalidAccessKeyId\)/);
    assert.ok(!r.message.includes(badKey) && !r.message.includes(badSecret));
    assert.deepEqual(await texts(), before);
    const log = await waitFor('the log has the error', async () => {
      const t = await logText();
      return t.includes('InvalidAccessKeyId') ? t : undefined;
    });
    assert.ok(!log.includes(badKey) && !log.includes(badSecret), 'no credential in the log');
  });

  it('a server that is gone: a network error, nothing written', async () => {
    // A port nothing listens on: bound, then closed again.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await s3Config().update('endpoint', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Workspace);
    useS3rver({ maxAttempts: 1 });
    const before = await texts();
    try {
      const r = await sync();
      assert.equal(r.error, 'network');
      assert.match(r.message, /Lost the connection to http:\/\/127\.0\.0\.1:\d+ .*\(ECONNREFUSED\).*nothing was written/);
    } finally {
      await s3Config().update('endpoint', server.endpoint, vscode.ConfigurationTarget.Workspace);
    }
    assert.deepEqual(await texts(), before);
  });

  it('cancelling while S3 is listed writes nothing', async () => {
    const ac = new AbortController();
    // Cancel as soon as the first page is in, as the notification's Cancel button would.
    useS3rver({}, (l) => ({
      ...l,
      list: (prefix, onPage, signal) =>
        l.list(
          prefix,
          (p) => {
            onPage(p);
            ac.abort();
          },
          signal,
        ),
    }));
    const before = await texts();
    const r = await sync({ signal: ac.signal });
    assert.equal(ac.signal.aborted, true);
    assert.equal(r.error, 'cancelled');
    assert.equal(r.message, 'The sync was cancelled; nothing was written.');
    assert.equal(r.applied, false);
    assert.deepEqual(await texts(), before);
  });

  it('without a bucket: asks nothing, points at the setting', async () => {
    await s3Config().update('bucket', undefined, vscode.ConfigurationTarget.Workspace);
    try {
      const r = await sync();
      assert.equal(r.ran, false);
      assert.equal(r.problem, 'no-bucket');
      assert.match(r.message, /No S3 bucket is set: set trainingVersions\.s3\.bucket .*and trainingVersions\.s3\.prefix/);
      assert.deepEqual(
        r.settings,
        ['trainingVersions.s3.bucket', 'trainingVersions.s3.prefix'],
        'Open Settings shows every setting the message names',
      );
      // The button's action: the Settings editor opens (on the Workspace tab, filtered to those settings).
      await openWorkspaceSettings(r.settings!);
      await waitFor(
        'the Settings editor is open',
        async () => vscode.window.tabGroups.activeTabGroup.activeTab?.label.includes('Settings') || undefined,
      );
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      assert.equal(listerCalls.length, 0, 'no lister was built');
    } finally {
      await s3Config().update('bucket', BUCKET, vscode.ConfigurationTarget.Workspace);
    }
  });
});
