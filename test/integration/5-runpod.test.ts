/**
 * RunPod in the real host (SPEC.md §4): the status check against a RunPod-like
 * server of ours on 127.0.0.1 (pointed at through `runpod.apiUrl`), webhook
 * payloads, undo, polling, and the API key kept out of every message and log.
 * Each test writes its own style folders and removes them: 3-cleanup rewrote
 * the examples, and unknown job ids answer 404 (expired) like RunPod does.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analyze } from '../../src/core/findings';
import { type JobLookup, applyWebhookPayload, planStatusFile, selectStatusTargets, validateStatusBody } from '../../src/core/runpod';
import type { TrainingVersionsApi } from '../../src/extension';
import type { CheckStatusResult } from '../../src/vscode/commands/checkStatus';
import type { ApplyWebhookResult } from '../../src/vscode/commands/applyWebhookPayload';
import { type FakeRunpod, startFakeRunpod, statusBody } from '../support/fakeRunpod';
import { api, fileIn, folderUri, readDisk, removeStyles, waitFor, writeStyle } from './helpers';

const KEY = 'rpa_TV5RUNPODTESTKEY0123456789abcdef';
const ENDPOINT = 'tvtest-endpoint-5';
const BUCKET = 'storyboard-user-files';
const PREFIX = 'actor_maker_user/custom-styles-models/';
const regularUrl = (style: string, label: string) => `https://${BUCKET}.s3.us-west-1.amazonaws.com/${PREFIX}style_${style}_v${label}.safetensors`;
const fastUrl = (style: string, label: string) => `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}style_${style}_v${label}.safetensors`;

const JOB_DONE = '5a000001-0000-4000-8000-000000000001';
const JOB_GONE = '5a000002-0000-4000-8000-000000000002';
const JOB_RUN = '5a000003-0000-4000-8000-000000000003';
const JOB_QUEUED = '5a000004-0000-4000-8000-000000000004';
const JOB_ECHO = '5a000005-0000-4000-8000-000000000005';
const HOOK_BASE = '5a000006-0000-4000-8000-000000000006';
const HOOK_EXACT = '5a000007-0000-4000-8000-000000000007';
const JOB_UNDO = '5a000008-0000-4000-8000-000000000008';
const JOB_POLL = '5a000009-0000-4000-8000-000000000009';

type Entry = Record<string, unknown>;

function version(id: string, name: string, status: string, extra: Entry = {}): Entry {
  return { id, name, timestamp: new Date(Date.now() - 3_600_000).toISOString(), parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 }, status, selectionSetId: 1, imageCount: 40, ...extra };
}

function render(entries: Entry[], indent = 2, eol = '\n'): string {
  return JSON.stringify({ versions: entries }, null, indent).split('\n').join(eol) + eol;
}

let tv: TrainingVersionsApi;
let fake: FakeRunpod;

function runpodConfig() {
  return vscode.workspace.getConfiguration('trainingVersions.runpod');
}

async function check(arg?: unknown): Promise<CheckStatusResult> {
  const r = await vscode.commands.executeCommand<CheckStatusResult>('trainingVersions.checkStatus', arg);
  assert.ok(!r.message.includes(KEY), 'the key is never in a message');
  for (const j of r.jobs) assert.ok(!j.message.includes(KEY), 'the key is never in a job report');
  return r;
}

/** The text the engine plans for `before` given these answers, at `now` (the check's own clock, read back from the file). */
function engineText(before: string, styleId: string, answers: Record<string, JobLookup>, now: number): string {
  const analysis = analyze(before, { styleId });
  const plan = planStatusFile('f', analysis, selectStatusTargets(analysis), new Map(Object.entries(answers)), { now });
  return plan.newText;
}

function result(body: Entry): JobLookup {
  const r = validateStatusBody(body);
  assert.ok(r.ok);
  return { kind: 'result', result: r.result };
}

function entryOf(text: string, id: string): Entry {
  const e = (JSON.parse(text) as { versions: Entry[] }).versions.find((v) => v.id === id);
  assert.ok(e, `entry ${id} is in the file`);
  return e;
}

describe('RunPod status, webhooks and polling', function () {
  this.timeout(60_000);

  before(async () => {
    tv = await api();
    fake = await startFakeRunpod({ apiKey: KEY, endpointId: ENDPOINT });
    await runpodConfig().update('apiUrl', fake.apiUrl, vscode.ConfigurationTarget.Workspace);
    await runpodConfig().update('endpointId', ENDPOINT, vscode.ConfigurationTarget.Workspace);
    await tv.runpod.setApiKey(KEY);
  });

  after(async () => {
    await runpodConfig().update('pollSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    await runpodConfig().update('apiUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await runpodConfig().update('endpointId', undefined, vscode.ConfigurationTarget.Workspace);
    await tv.runpod.clearApiKey();
    await fake?.close();
  });

  describe('Check RunPod Status', () => {
    const CHECKED = '90_runpod_checked';
    const RUNNING = '91_runpod_running';
    const doneBody = statusBody(JOB_DONE, 'COMPLETED', { output: { loraUrl: regularUrl('90', 'V1') } });
    let checkedText: string;
    let runningText: string;

    before(async () => {
      fake.setJob(JOB_DONE, { kind: 'status', body: doneBody });
      fake.setJob(JOB_RUN, { kind: 'status', body: statusBody(JOB_RUN, 'IN_PROGRESS') });
      fake.setJob(JOB_QUEUED, { kind: 'status', body: statusBody(JOB_QUEUED, 'IN_QUEUE') });
      // JOB_GONE is unknown to the server: 404, as RunPod answers past its retention.
      checkedText = render([version(`${JOB_DONE}-e2`, 'V1', 'pending'), version(`${JOB_GONE}-e1`, 'V2', 'training')]);
      runningText = render([version(JOB_RUN, 'V1', 'pending'), version(JOB_QUEUED, 'V2', 'pending')], 4, '\r\n');
      await writeStyle(tv, CHECKED, checkedText);
      await writeStyle(tv, RUNNING, runningText);
    });
    after(() => removeStyles(tv, CHECKED, RUNNING));

    it('checks every in-flight version: completed as the engine maps it, expired kept and reported, asked by base id, written as one edit with backups', async () => {
      const runningUri = fileIn(RUNNING);
      const doc = await vscode.workspace.openTextDocument(runningUri);
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.isDirty, false);
      fake.reset();
      const t0 = Date.now();
      const r = await check();
      const t1 = Date.now();
      assert.equal(r.ran, true);

      // The -e2 entry is asked by its base id, with the key in the authorization header.
      assert.equal(fake.requestsFor(`${JOB_DONE}-e2`).length, 0, 'never asked by the suffixed id');
      const asked = fake.requestsFor(JOB_DONE);
      assert.equal(asked.length, 1);
      assert.equal(asked[0].path, `/v2/${ENDPOINT}/status/${JOB_DONE}`);
      assert.equal(asked[0].headers.authorization, KEY);

      const checked = await readDisk(fileIn(CHECKED));
      const completedAt = String(entryOf(checked, `${JOB_DONE}-e2`).completedAt);
      const at = Date.parse(completedAt);
      assert.ok(at >= t0 - 1000 && at <= t1 + 1000, `completedAt ${completedAt} is the time of the check`);
      assert.equal(checked, engineText(checkedText, '90', { [JOB_DONE]: result(doneBody), [JOB_GONE]: { kind: 'expired' } }, at));
      assert.equal(entryOf(checked, `${JOB_DONE}-e2`).status, 'completed');
      assert.equal(entryOf(checked, `${JOB_DONE}-e2`).loraUrl, fastUrl('90', 'V1'), 'the regular URL from RunPod is stored in its accelerated form');

      // The expired job keeps its status, is never marked failed, and the summary says expired.
      assert.equal(entryOf(checked, `${JOB_GONE}-e1`).status, 'training');
      assert.equal(r.jobs.find((j) => j.id === `${JOB_GONE}-e1`)?.outcome, 'expired');
      assert.ok((r.summary?.expired ?? 0) >= 1);
      assert.match(r.message, /\d+ expired/);
      assert.match(r.message, /run an S3 sync/);
      assert.ok(r.expiredStyles.includes(vscode.Uri.joinPath(folderUri(), CHECKED).toString()), 'the expired style is offered an S3 sync');

      // The open CRLF document got the edit and was saved (it was clean before).
      const running = await readDisk(runningUri);
      assert.equal(doc.getText(), running);
      assert.equal(doc.isDirty, false);
      assert.equal(running, engineText(runningText, '91', { [JOB_RUN]: result(statusBody(JOB_RUN, 'IN_PROGRESS')), [JOB_QUEUED]: result(statusBody(JOB_QUEUED, 'IN_QUEUE')) }, at));
      assert.equal(entryOf(running, JOB_RUN).status, 'training');
      assert.ok(running.includes('\r\n    "versions"'), 'CRLF and 4-space indentation survive');
      assert.equal(r.jobs.find((j) => j.id === JOB_RUN)?.running, true);
      assert.match(r.message, /still running/);

      assert.deepEqual(new Set(r.written), new Set([fileIn(CHECKED).toString(), runningUri.toString()]));
      assert.equal(await readDisk(vscode.Uri.joinPath(folderUri(), CHECKED, 'training_versions.json.backup')), checkedText, 'backup holds the old text');
      assert.equal(await readDisk(vscode.Uri.joinPath(folderUri(), RUNNING, 'training_versions.json.backup')), runningText);
    });

    it('checks one version only when given { uri, versionId }', async () => {
      fake.reset();
      const r = await check({ uri: fileIn(RUNNING), versionId: JOB_RUN });
      assert.deepEqual(fake.requests.map((q) => q.jobId), [JOB_RUN], 'only that job was asked (not the queued one beside it)');
      assert.deepEqual(r.jobs.map((j) => [j.id, j.outcome, j.running]), [[JOB_RUN, 'unchanged', true]]);
    });

    it('asks a finished job only once per session', async () => {
      fake.reset();
      const r = await check({ uri: fileIn(CHECKED), versionId: `${JOB_DONE}-e2` });
      assert.equal(fake.requests.length, 0, 'the COMPLETED answer is remembered');
      assert.deepEqual(r.jobs.map((j) => [j.id, j.outcome]), [[`${JOB_DONE}-e2`, 'unchanged']]);
    });

    it('a refused key (401) changes nothing and says so', async () => {
      const before = [await readDisk(fileIn(CHECKED)), await readDisk(fileIn(RUNNING))];
      fake.reset();
      await tv.runpod.setApiKey('rpa_WRONG5KEY');
      try {
        const r = await check();
        assert.equal(r.stopped, 'unauthorized');
        assert.match(r.message, /RunPod refused the API key/);
        assert.match(r.message, /nothing changed/);
        assert.deepEqual(r.written, []);
        assert.ok(fake.requests.length >= 1 && fake.requests.every((q) => q.headers.authorization === 'rpa_WRONG5KEY'));
        assert.ok(!r.message.includes('rpa_WRONG5KEY'));
      } finally {
        await tv.runpod.setApiKey(KEY);
      }
      assert.deepEqual([await readDisk(fileIn(CHECKED)), await readDisk(fileIn(RUNNING))], before);
    });

    it('without an endpoint id it asks nothing and points at the setting', async () => {
      fake.reset();
      await runpodConfig().update('endpointId', undefined, vscode.ConfigurationTarget.Workspace);
      try {
        const r = await check();
        assert.equal(r.problem, 'no-endpoint');
        assert.match(r.message, /trainingVersions\.runpod\.endpointId/);
        assert.equal(fake.requests.length, 0);
      } finally {
        await runpodConfig().update('endpointId', ENDPOINT, vscode.ConfigurationTarget.Workspace);
      }
    });
  });

  describe('the API key', () => it('never goes to a message or the log, even when RunPod echoes it back', async () => {
    const ECHO = '92_runpod_echo';
    fake.setJob(JOB_ECHO, { kind: 'http-error', status: 400, times: 1, echoHeaders: true });
    const uri = await writeStyle(tv, ECHO, render([version(`${JOB_ECHO}-e1`, 'V1', 'pending')]));
    try {
      const r = await check({ uri, versionId: `${JOB_ECHO}-e1` });
      assert.equal(fake.requestsFor(JOB_ECHO).length, 1, 'the server did receive the key (and echoed it)');
      assert.equal(r.jobs[0].outcome, 'error');
      assert.match(r.jobs[0].message, /upstream refused authorization \*\*\*/);
      const log = await waitFor('the echo reaches the log file', async () => {
        const text = await readDisk(tv.runpod.logFile).catch(() => '');
        return text.includes('upstream refused authorization ***') ? text : undefined;
      });
      assert.ok(log.includes('RunPod API key stored'), 'the log is the extension\'s own');
      assert.match(log, /RunPod status: 0 updated, 0 still running, 0 expired, 1 error/);
      assert.ok(!log.includes(KEY), 'the key is not in the log');
      assert.ok(!log.includes(KEY.slice(4, 20)), 'not even in part');
    } finally {
      await removeStyles(tv, ECHO);
    }
  }));

  describe('Apply Webhook Payload', () => {
    const HOOKS = '93_runpod_hooks';
    let uri: vscode.Uri;
    before(async () => {
      uri = await writeStyle(tv, HOOKS, render([version(`${HOOK_BASE}-e1`, 'V1', 'pending'), version(HOOK_EXACT, 'V2', 'training')]));
    });
    after(() => removeStyles(tv, HOOKS));

    const apply = (payload: string, file?: vscode.Uri) => vscode.commands.executeCommand<ApplyWebhookResult>('trainingVersions.applyWebhookPayload', { payload, uri: file });

    it('applies a payload to the entry with the same id', async () => {
      const before = await readDisk(uri);
      const payload = JSON.stringify(statusBody(HOOK_EXACT, 'FAILED', { error: 'CUDA out of memory' }));
      const r = await apply(payload);
      assert.equal(r.ok, true, r.message);
      assert.equal(r.by, 'id');
      assert.equal(r.versionId, HOOK_EXACT);
      const after = await readDisk(uri);
      const failed = entryOf(after, HOOK_EXACT);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error, 'CUDA out of memory');
      const want = applyWebhookPayload(before, payload, { now: Date.parse(String(failed.failedAt)), styleId: '93' });
      assert.ok(want.ok);
      assert.equal(after, want.newText, 'exactly the engine\'s edit');
    });

    it('applies a payload carrying the base id to the suffixed entry, searching past the file given first', async () => {
      const before = await readDisk(uri);
      const payload = JSON.stringify(statusBody(HOOK_BASE, 'COMPLETED', { output: { loraUrl: fastUrl('93', 'V1') } }));
      const r = await apply(payload, fileIn('10_clean_line'));
      assert.equal(r.ok, true, r.message);
      assert.equal(r.by, 'base-id');
      assert.equal(r.versionId, `${HOOK_BASE}-e1`);
      assert.equal(r.uri, uri.toString());
      const after = await readDisk(uri);
      const done = entryOf(after, `${HOOK_BASE}-e1`);
      assert.equal(done.status, 'completed');
      assert.equal(done.loraUrl, fastUrl('93', 'V1'));
      const want = applyWebhookPayload(before, payload, { now: Date.parse(String(done.completedAt)), styleId: '93' });
      assert.ok(want.ok);
      assert.equal(after, want.newText);
    });

    it('says so when nothing matches, or the payload is not JSON, and changes nothing', async () => {
      const before = await readDisk(uri);
      const stranger = '5affffff-0000-4000-8000-00000000ffff';
      const none = await apply(JSON.stringify(statusBody(`${stranger}-e3`, 'COMPLETED')));
      assert.equal(none.ok, false);
      assert.equal(none.reason, 'no-match');
      assert.ok(none.message.includes(`${stranger}-e3`) && none.message.includes(`base id ${stranger}`), none.message);
      assert.match(none.message, /nothing changed/);
      const bad = await apply('{"id": "x", "status": ');
      assert.equal(bad.reason, 'invalid-payload');
      assert.match(bad.message, /not JSON/);
      assert.equal(await readDisk(uri), before);
    });
  });

  describe('undo', () => it('one undo restores an open document the check changed', async () => {
    const UNDO = '94_runpod_undo';
    fake.setJob(JOB_UNDO, { kind: 'status', body: statusBody(JOB_UNDO, 'COMPLETED', { output: { loraUrl: fastUrl('94', 'V1') } }) });
    const uri = await writeStyle(tv, UNDO, render([version(`${JOB_UNDO}-e1`, 'V1', 'pending')]));
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const before = doc.getText();
      const r = await check({ uri, versionId: `${JOB_UNDO}-e1` });
      assert.deepEqual(r.written, [uri.toString()]);
      assert.notEqual(doc.getText(), before);
      assert.equal(entryOf(doc.getText(), `${JOB_UNDO}-e1`).status, 'completed');
      await vscode.commands.executeCommand('undo');
      await waitFor('undo restores the text', () => doc.getText() === before);
      assert.equal(doc.getText(), before);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } finally {
      await removeStyles(tv, UNDO);
    }
  }));

  describe('polling', () => it('polls while jobs run, stops when the setting goes to 0, starts again when it changes, and stops when none are left', async () => {
    const POLL = '95_runpod_poll';
    fake.setJob(JOB_POLL, { kind: 'status', body: statusBody(JOB_POLL, 'IN_PROGRESS') });
    const uri = await writeStyle(tv, POLL, render([version(JOB_POLL, 'V1', 'pending')]));
    try {
      await runpodConfig().update('pollSeconds', 1, vscode.ConfigurationTarget.Workspace);
      await waitFor('a poll writes training', async () => entryOf(await readDisk(uri), JOB_POLL).status === 'training');
      // The item follows the count once the poll's answers are in (other styles' unknown jobs turn out expired).
      const on = await waitFor('the status bar shows the jobs being polled', () => {
        const st = tv.runpod.polling();
        return st.checks >= 1 && st.statusBarText === `$(radio-tower) ${st.jobs}` ? st : undefined;
      });
      assert.equal(on.polling, true, on.reason);
      assert.ok(on.jobs >= 1, 'the running job is polled');

      await runpodConfig().update('pollSeconds', 0, vscode.ConfigurationTarget.Workspace);
      const off = await waitFor('polling off', () => (tv.runpod.polling().polling ? undefined : tv.runpod.polling()));
      assert.match(off.reason, /pollSeconds is 0/);
      assert.equal(off.statusBarText, undefined);

      const askedBefore = fake.requestsFor(JOB_POLL).length;
      fake.setJob(JOB_POLL, { kind: 'status', body: statusBody(JOB_POLL, 'COMPLETED', { output: { loraUrl: fastUrl('95', 'V1') } }) });
      await runpodConfig().update('pollSeconds', 1, vscode.ConfigurationTarget.Workspace);
      await waitFor('a poll writes completed', async () => entryOf(await readDisk(uri), JOB_POLL).status === 'completed');
      assert.ok(fake.requestsFor(JOB_POLL).length > askedBefore);
      const done = await waitFor('polling stops when no job runs', () => (tv.runpod.polling().polling ? undefined : tv.runpod.polling()));
      assert.match(done.reason, /no job/);
      assert.equal(done.statusBarText, undefined);
    } finally {
      await runpodConfig().update('pollSeconds', undefined, vscode.ConfigurationTarget.Workspace);
      await removeStyles(tv, POLL);
    }
  }));
});
