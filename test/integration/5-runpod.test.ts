/**
 * RunPod in the real host (SPEC.md §4): the status check against a RunPod
 * double of ours on 127.0.0.1 built from RunPod's documentation (pointed at
 * through the machine setting `runpod.apiUrl`), once against the strict double
 * (jobs known only by the id /run returned) and once against the lenient one
 * (base ids answer too); webhook payloads, undo, cancel, polling, /health, a
 * workspace that tries to redirect the key, and the key kept out of every
 * message and log. Each test writes its own style folders and removes them.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analyze } from '../../src/core/findings';
import { type JobLookup, planStatusFile, selectStatusTargets } from '../../src/core/runpodPlan';
import { validateStatusBody } from '../../src/core/runpodSchemas';
import { applyWebhook } from '../../src/core/runpodWebhook';
import type { CancelJobResult } from '../../src/vscode/commands/cancelJob';
import type { CheckStatusResult } from '../../src/vscode/commands/checkStatus';
import type { ApplyWebhookResult } from '../../src/vscode/commands/applyWebhookPayload';
import { defaultRunpodClientFactory } from '../../src/vscode/runpodCheck';
import { checkRunpodKey } from '../../src/vscode/runpodKey';
import { type FakeMode, type FakeRunpod, pythonError, startFakeRunpod, statusBody } from '../support/fakeRunpod';
import { type TestedApi, api, fileIn, folderUri, readDisk, removeStyles, waitFor, writeDisk, writeStyle } from './helpers';

const KEY = 'rpa_TV5RUNPODTESTKEY0123456789abcdef';
const ENDPOINT = 'tvtest-endpoint-5';
const BUCKET = 'storyboard-user-files';
const PREFIX = 'actor_maker_user/custom-styles-models/';
const regularUrl = (style: string, label: string) =>
  `https://${BUCKET}.s3.us-west-1.amazonaws.com/${PREFIX}style_${style}_v${label}.safetensors`;
const fastUrl = (style: string, label: string) =>
  `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}style_${style}_v${label}.safetensors`;

type Entry = Record<string, unknown>;

function version(id: string, name: string, status: string, extra: Entry = {}): Entry {
  return {
    id,
    name,
    timestamp: new Date(Date.now() - 3_600_000).toISOString(),
    parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 },
    status,
    selectionSetId: 1,
    imageCount: 40,
    ...extra,
  };
}

function render(entries: Entry[], indent = 2, eol = '\n'): string {
  return JSON.stringify({ versions: entries }, null, indent).split('\n').join(eol) + eol;
}

let tv: TestedApi;
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

/** The text the engine plans for `before` given these answers (by stored id), at `now` (the check's own clock, read back from the file). */
function engineText(before: string, styleId: string, answers: Record<string, JobLookup>, now: number): string {
  const analysis = analyze(before, { now: Date.now(), styleId });
  const plan = planStatusFile('f', analysis, selectStatusTargets(analysis), new Map(Object.entries(answers)), { now });
  return plan.newText;
}

function result(body: Entry): JobLookup {
  const r = validateStatusBody(body);
  assert.ok(r.ok);
  return { kind: 'result', result: r.value, askedAs: 'id' };
}

function entryOf(text: string, id: string): Entry {
  const e = (JSON.parse(text) as { versions: Entry[] }).versions.find((v) => v.id === id);
  assert.ok(e, `entry ${id} is in the file`);
  return e;
}

// One suite around everything: mocha runs root-level hooks before every file's tests, and the
// endpoint these hooks configure made other files' "no endpoint" cases ask RunPod.
describe('RunPod in the real host (SPEC.md §4)', function () {
  before(async () => {
    tv = await api();
    fake = await startFakeRunpod({ apiKey: KEY, endpointId: ENDPOINT });
    // A machine setting: User settings (Global), never the workspace.
    await runpodConfig().update('apiUrl', fake.apiUrl, vscode.ConfigurationTarget.Global);
    await runpodConfig().update('endpointId', ENDPOINT, vscode.ConfigurationTarget.Workspace);
    await tv.runpod.setApiKey(KEY);
  });

  after(async () => {
    await runpodConfig().update('pollSeconds', undefined, vscode.ConfigurationTarget.Global);
    await runpodConfig().update('apiUrl', undefined, vscode.ConfigurationTarget.Global);
    await runpodConfig().update('endpointId', undefined, vscode.ConfigurationTarget.Workspace);
    await tv.runpod.clearApiKey();
    await fake?.close();
  });

  for (const [m, mode] of (['strict', 'lenient'] as FakeMode[]).entries()) {
    /** Job ids of this mode's run: the session remembers finished jobs, so each run has its own. */
    const job = (n: number) => `5a${m}0000${n}-0000-4000-8000-00000000000${n}`;
    const JOB_DONE = job(1);
    const JOB_GONE = job(2);
    const JOB_RUN = job(3);
    const JOB_QUEUED = job(4);
    const JOB_ECHO = job(5);
    const HOOK_BASE = job(6);
    const HOOK_EXACT = job(7);
    const JOB_UNDO = job(8);
    const JOB_POLL = job(9);

    describe(`RunPod status, webhooks and polling (${mode} RunPod double)`, function () {
      this.timeout(60_000);

      before(() => {
        fake.mode = mode;
      });

      describe('Check RunPod Status', () => {
        const CHECKED = '90_runpod_checked';
        const RUNNING = '91_runpod_running';
        const doneBody = statusBody(`${JOB_DONE}-e2`, 'COMPLETED', {
          output: [{ log: 'epoch 10/10' }, { loraUrl: regularUrl('90', 'V1') }],
        });
        let checkedText: string;
        let runningText: string;

        before(async () => {
          fake.setJob(`${JOB_DONE}-e2`, { kind: 'status', body: doneBody });
          fake.setJob(JOB_RUN, { kind: 'status', body: statusBody(JOB_RUN, 'RUNNING', { output: 'epoch 3/10' }) });
          fake.setJob(JOB_QUEUED, { kind: 'status', body: statusBody(JOB_QUEUED, 'IN_QUEUE') });
          // JOB_GONE is unknown to the server: 404, as RunPod answers past its retention.
          checkedText = render([version(`${JOB_DONE}-e2`, 'V1', 'pending'), version(`${JOB_GONE}-e1`, 'V2', 'training')]);
          runningText = render([version(JOB_RUN, 'V1', 'pending'), version(JOB_QUEUED, 'V2', 'pending')], 4, '\r\n');
          await writeStyle(tv, CHECKED, checkedText);
          await writeStyle(tv, RUNNING, runningText);
        });
        after(() => removeStyles(tv, CHECKED, RUNNING));

        it(
          'checks every in-flight version: completed as the engine maps it, expired kept and ' +
            'reported, asked by the stored id, /health shown, written as one edit with backups',
          async () => {
            const runningUri = fileIn(RUNNING);
            const doc = await vscode.workspace.openTextDocument(runningUri);
            await vscode.window.showTextDocument(doc);
            assert.equal(doc.isDirty, false);
            fake.reset();
            const t0 = Date.now();
            const r = await check();
            const t1 = Date.now();
            assert.equal(r.ran, true);

            // The -e2 entry is asked by its id as stored (RunPod's documentation), with the key as a Bearer token.
            const asked = fake.requestsFor(`${JOB_DONE}-e2`);
            assert.equal(asked.length, 1);
            assert.equal(asked[0].path, `/v2/${ENDPOINT}/status/${JOB_DONE}-e2`);
            assert.equal(asked[0].headers.authorization, `Bearer ${KEY}`);
            assert.equal(fake.requestsFor(JOB_DONE).length, 0, 'the base id only after a 404');
            assert.equal(fake.requestsFor(JOB_GONE).length, 1, 'the unknown -e1 job: its base id asked once after the 404');
            assert.equal(r.jobs.find((j) => j.id === `${JOB_DONE}-e2`)?.askedAs, 'id');
            // The endpoint's queue and workers come with the report.
            assert.equal(r.health.length, 1);
            assert.match(
              r.health[0],
              new RegExp(`endpoint ${ENDPOINT}: \\d+ in queue, \\d+ in progress; workers: \\d+ idle, \\d+ running`),
            );
            assert.ok(r.message.includes(`RunPod endpoint ${ENDPOINT}:`), r.message);

            const checked = await readDisk(fileIn(CHECKED));
            const completedAt = String(entryOf(checked, `${JOB_DONE}-e2`).completedAt);
            const at = Date.parse(completedAt);
            assert.ok(at >= t0 - 1000 && at <= t1 + 1000, `completedAt ${completedAt} is the time of the check`);
            assert.equal(
              checked,
              engineText(
                checkedText,
                '90',
                { [`${JOB_DONE}-e2`]: result(doneBody), [`${JOB_GONE}-e1`]: { kind: 'unknown-id', asked: [`${JOB_GONE}-e1`, JOB_GONE] } },
                at,
              ),
            );
            assert.equal(entryOf(checked, `${JOB_DONE}-e2`).status, 'completed');
            assert.equal(
              entryOf(checked, `${JOB_DONE}-e2`).loraUrl,
              fastUrl('90', 'V1'),
              'the regular URL from RunPod is stored in its accelerated form',
            );

            // The expired job keeps its status, is never marked failed, and the summary says expired.
            assert.equal(entryOf(checked, `${JOB_GONE}-e1`).status, 'training');
            assert.equal(r.jobs.find((j) => j.id === `${JOB_GONE}-e1`)?.outcome, 'expired');
            assert.ok((r.summary?.expired ?? 0) >= 1);
            assert.match(r.message, /\d+ expired/);
            assert.match(r.message, /run an S3 sync/);
            assert.ok(
              r.expiredStyles.includes(vscode.Uri.joinPath(folderUri(), CHECKED).toString()),
              'the expired style is offered an S3 sync',
            );

            // The open CRLF document got the edit and was saved (it was clean before).
            const running = await readDisk(runningUri);
            assert.equal(doc.getText(), running);
            assert.equal(doc.isDirty, false);
            assert.equal(
              running,
              engineText(
                runningText,
                '91',
                {
                  [JOB_RUN]: result(statusBody(JOB_RUN, 'RUNNING', { output: 'epoch 3/10' })),
                  [JOB_QUEUED]: result(statusBody(JOB_QUEUED, 'IN_QUEUE')),
                },
                at,
              ),
            );
            assert.equal(entryOf(running, JOB_RUN).status, 'training');
            assert.ok(running.includes('\r\n    "versions"'), 'CRLF and 4-space indentation survive');
            assert.equal(r.jobs.find((j) => j.id === JOB_RUN)?.running, true);
            assert.match(r.message, /still running/);

            assert.deepEqual(new Set(r.written), new Set([fileIn(CHECKED).toString(), runningUri.toString()]));
            assert.equal(
              await readDisk(vscode.Uri.joinPath(folderUri(), CHECKED, 'training_versions.json.backup')),
              checkedText,
              'backup holds the old text',
            );
            assert.equal(await readDisk(vscode.Uri.joinPath(folderUri(), RUNNING, 'training_versions.json.backup')), runningText);
          },
        );

        it('checks one version only when given { uri, versionId }', async () => {
          fake.reset();
          const r = await check({ uri: fileIn(RUNNING), versionId: JOB_RUN });
          assert.deepEqual(
            fake.requests.filter((q) => q.op === 'status').map((q) => q.jobId),
            [JOB_RUN],
            'only that job was asked (not the queued one beside it)',
          );
          assert.deepEqual(
            r.jobs.map((j) => [j.id, j.outcome, j.running]),
            [[JOB_RUN, 'unchanged', true]],
          );
        });

        it('checks one style only when given { styleFolder }', async () => {
          fake.reset();
          const r = await check({ styleFolder: vscode.Uri.joinPath(folderUri(), RUNNING) });
          assert.deepEqual(new Set(r.jobs.map((j) => j.file)), new Set([fileIn(RUNNING).toString()]));
          assert.deepEqual(
            fake.requests
              .filter((q) => q.op === 'status')
              .map((q) => q.jobId)
              .sort(),
            [JOB_QUEUED, JOB_RUN].sort(),
          );
        });

        it('asks a finished job only once per session', async () => {
          fake.reset();
          const r = await check({ uri: fileIn(CHECKED), versionId: `${JOB_DONE}-e2` });
          assert.equal(fake.requests.filter((q) => q.op === 'status').length, 0, 'the COMPLETED answer is remembered');
          assert.deepEqual(
            r.jobs.map((j) => [j.id, j.outcome]),
            [[`${JOB_DONE}-e2`, 'unchanged']],
          );
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
            assert.ok(fake.requests.length >= 1 && fake.requests.every((q) => q.headers.authorization === 'Bearer rpa_WRONG5KEY'));
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
            assert.match(r.message, /^Set trainingVersions\.runpod\.endpointId /, 'the missing setting is the cause, not a file');
            assert.doesNotMatch(r.message, /training_versions\.json/);
            assert.equal(fake.requests.length, 0);
          } finally {
            await runpodConfig().update('endpointId', ENDPOINT, vscode.ConfigurationTarget.Workspace);
          }
        });
      });

      describe('the API key', () =>
        it('never goes to a message or the log, even when RunPod echoes it back', async () => {
          const ECHO = '92_runpod_echo';
          fake.setJob(JOB_ECHO, { kind: 'http-error', status: 400, times: 1, echoHeaders: true });
          const uri = await writeStyle(tv, ECHO, render([version(`${JOB_ECHO}-e1`, 'V1', 'pending')]));
          try {
            const r = await check({ uri, versionId: `${JOB_ECHO}-e1` });
            assert.equal(fake.requestsFor(JOB_ECHO).length, 1, 'the server did receive the key (and echoed it)');
            assert.equal(r.jobs[0].outcome, 'error');
            assert.match(r.jobs[0].message, /upstream refused authorization Bearer \*\*\*/);
            const log = await waitFor('the echo reaches the log file', async () => {
              const text = await readDisk(tv.runpod.logFile).catch(() => '');
              return text.includes('upstream refused authorization Bearer ***') ? text : undefined;
            });
            assert.ok(log.includes('RunPod API key stored'), "the log is the extension's own");
            assert.match(log, /RunPod status: 0 updated, 0 still running, 0 expired, 1 error/);
            assert.match(log, new RegExp(`RunPod endpoint ${ENDPOINT}: \\d+ in queue`), 'the log has the queue and workers');
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

        const apply = (payload: string, file?: vscode.Uri) =>
          vscode.commands.executeCommand<ApplyWebhookResult>('trainingVersions.applyWebhookPayload', { payload, uri: file });

        it('applies a payload to the entry with the same id', async () => {
          const before = await readDisk(uri);
          const payload = JSON.stringify(statusBody(HOOK_EXACT, 'FAILED', { error: pythonError('RuntimeError', 'CUDA out of memory') }));
          const r = await apply(payload);
          assert.equal(r.ok, true, r.message);
          assert.equal(r.by, 'id');
          assert.equal(r.versionId, HOOK_EXACT);
          const after = await readDisk(uri);
          const failed = entryOf(after, HOOK_EXACT);
          assert.equal(failed.status, 'failed');
          assert.equal(failed.error, 'RuntimeError: CUDA out of memory', 'the short form, never the traceback');
          const want = applyWebhook(before, payload, { now: Date.parse(String(failed.failedAt)), styleId: '93' });
          assert.ok(want.ok);
          assert.equal(after, want.text, "exactly the engine's edit");
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
          const want = applyWebhook(before, payload, { now: Date.parse(String(done.completedAt)), styleId: '93' });
          assert.ok(want.ok);
          assert.equal(after, want.text);
        });

        it('says so when nothing matches, or the payload is not JSON, and changes nothing', async () => {
          const before = await readDisk(uri);
          const stranger = '5affffff-0000-4000-8000-00000000ffff';
          const none = await apply(JSON.stringify(statusBody(`${stranger}-e3`, 'COMPLETED')));
          assert.equal(none.ok, false);
          assert.equal(none.reason, 'no-match');
          assert.ok(none.message.includes(`${stranger}-e3`) && none.message.includes(`base id ${stranger}`), none.message);
          const notAPayload = await apply(JSON.stringify({ id: 7, status: 'COMPLETED' }));
          assert.equal(notAPayload.reason, 'invalid-payload');
          assert.match(notAPayload.message, /"id" is not a string/);
          assert.match(none.message, /nothing changed/);
          const bad = await apply('{"id": "x", "status": ');
          assert.equal(bad.reason, 'invalid-payload');
          assert.match(bad.message, /not JSON/);
          assert.equal(await readDisk(uri), before);
        });
      });

      describe('undo', () =>
        it('one undo restores an open document the check changed', async () => {
          const UNDO = '94_runpod_undo';
          fake.setJob(`${JOB_UNDO}-e1`, {
            kind: 'status',
            body: statusBody(`${JOB_UNDO}-e1`, 'COMPLETED', { output: { loraUrl: fastUrl('94', 'V1') } }),
          });
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

      describe('the notification after a write (SPEC.md §9)', () =>
        it('says what changed, with Undo, and its Undo puts the file back', async () => {
          const NOTE = '96_runpod_notice';
          const JOB_NOTE = '96969696-4e87-4574-ad26-b1f71e865942';
          fake.setJob(`${JOB_NOTE}-e1`, {
            kind: 'status',
            body: statusBody(`${JOB_NOTE}-e1`, 'COMPLETED', { output: { loraUrl: fastUrl('96', 'V1') } }),
          });
          const uri = await writeStyle(tv, NOTE, render([version(`${JOB_NOTE}-e1`, 'V1', 'pending')]));
          try {
            const before = await readDisk(uri);
            const shown = tv.writes.notices.length;
            const r = await check({ uri, versionId: `${JOB_NOTE}-e1` });
            assert.deepEqual(r.written, [uri.toString()]);
            const notice = await waitFor('the write notification', () =>
              tv.writes.notices.slice(shown).find((n) => n.actions.includes('Undo')),
            );
            assert.match(notice.message, /updated/i);
            assert.deepEqual([notice.actions[0], notice.actions.at(-1)], ['Undo', 'Show Log']);
            await notice.choose('Undo');
            await waitFor('Undo restores the file', async () => (await readDisk(uri)) === before);
          } finally {
            await removeStyles(tv, NOTE);
          }
        }));

      describe('polling', () =>
        it('polls while jobs run, stops when the setting goes to 0, starts again when it changes, and stops when none are left', async () => {
          const POLL = '95_runpod_poll';
          fake.setJob(JOB_POLL, { kind: 'status', body: statusBody(JOB_POLL, 'IN_PROGRESS') });
          const uri = await writeStyle(tv, POLL, render([version(JOB_POLL, 'V1', 'pending')]));
          try {
            await runpodConfig().update('pollSeconds', 1, vscode.ConfigurationTarget.Global);
            await waitFor('a poll writes training', async () => entryOf(await readDisk(uri), JOB_POLL).status === 'training');
            // The item follows the count once the poll's answers are in (other styles' unknown jobs turn out expired).
            const on = await waitFor('the status bar shows the jobs being polled', () => {
              const st = tv.runpod.polling();
              return st.checks >= 1 && st.statusBarText === `$(radio-tower) ${st.jobs}` ? st : undefined;
            });
            assert.equal(on.polling, true, on.reason);
            assert.match(
              on.health ?? '',
              new RegExp(`RunPod endpoint ${ENDPOINT}: \\d+ in queue`),
              'the status bar tooltip shows the queue and workers',
            );
            assert.ok(on.jobs >= 1, 'the running job is polled');

            await runpodConfig().update('pollSeconds', 0, vscode.ConfigurationTarget.Global);
            const off = await waitFor('polling off', () => (tv.runpod.polling().polling ? undefined : tv.runpod.polling()));
            assert.match(off.reason, /pollSeconds is 0/);
            assert.equal(off.statusBarText, undefined);

            const askedBefore = fake.requestsFor(JOB_POLL).length;
            fake.setJob(JOB_POLL, {
              kind: 'status',
              body: statusBody(JOB_POLL, 'COMPLETED', { output: { loraUrl: fastUrl('95', 'V1') } }),
            });
            await runpodConfig().update('pollSeconds', 1, vscode.ConfigurationTarget.Global);
            await waitFor('a poll writes completed', async () => entryOf(await readDisk(uri), JOB_POLL).status === 'completed');
            assert.ok(fake.requestsFor(JOB_POLL).length > askedBefore);
            const done = await waitFor('polling stops when no job runs', () =>
              tv.runpod.polling().polling ? undefined : tv.runpod.polling(),
            );
            assert.match(done.reason, /no job/);
            assert.equal(done.statusBarText, undefined);
          } finally {
            await runpodConfig().update('pollSeconds', undefined, vscode.ConfigurationTarget.Global);
            await removeStyles(tv, POLL);
          }
        }));
    });
  }

  describe('RunPod: cancel, the key check, and settings a workspace cannot set', function () {
    this.timeout(60_000);
    before(() => {
      fake.mode = 'strict';
    });

    it("cancels a job in flight (confirmed), records RunPod's answer; refuses a finished one", async () => {
      const CANCEL = '96_runpod_cancel';
      const live = '5a900001-0000-4000-8000-000000000001-u1';
      const finished = '5a900002-0000-4000-8000-000000000002-u1';
      fake.setJob(live, { kind: 'status', body: statusBody(live, 'IN_PROGRESS') });
      const uri = await writeStyle(tv, CANCEL, render([version(live, 'V1', 'training'), version(finished, 'V2', 'completed')]));
      try {
        fake.reset();
        const r = await vscode.commands.executeCommand<CancelJobResult>('trainingVersions.tree.cancelJob', {
          uri,
          versionId: live,
          confirmed: true,
        });
        assert.equal(r.cancelled, true, r.message);
        assert.equal(r.runpodStatus, 'CANCELLED');
        const cancel = fake.requests.filter((q) => q.op === 'cancel');
        assert.deepEqual(
          cancel.map((q) => [q.method, q.jobId]),
          [['POST', live]],
        );
        const after = entryOf(await readDisk(uri), live);
        assert.equal(after.status, 'failed');
        assert.equal(after.error, 'RunPod reported CANCELLED');

        fake.reset();
        const no = await vscode.commands.executeCommand<CancelJobResult>('trainingVersions.tree.cancelJob', {
          uri,
          versionId: finished,
          confirmed: true,
        });
        assert.equal(no.cancelled, false);
        assert.equal(no.problem, 'not-in-flight');
        assert.equal(fake.requests.length, 0, 'nothing was sent');
      } finally {
        await removeStyles(tv, CANCEL);
      }
    });

    it('Set API Key checks the key with GET /health: accepted, rejected (401), or not checked without an endpoint', async () => {
      const log: string[] = [];
      fake.reset();
      const good = await checkRunpodKey(defaultRunpodClientFactory, { apiUrl: fake.apiUrl, endpointId: ENDPOINT }, KEY, (l) => log.push(l));
      assert.deepEqual(good, { kind: 'accepted', endpointId: ENDPOINT });
      assert.deepEqual(
        fake.requests.map((q) => [q.method, q.op]),
        [['GET', 'health']],
      );
      const bad = await checkRunpodKey(
        defaultRunpodClientFactory,
        { apiUrl: fake.apiUrl, endpointId: ENDPOINT },
        'rpa_NOT_THE_KEY_42',
        (l) => log.push(l),
      );
      assert.deepEqual(bad, { kind: 'rejected', endpointId: ENDPOINT, status: 401 });
      const none = await checkRunpodKey(defaultRunpodClientFactory, { apiUrl: fake.apiUrl, endpointId: '' }, KEY, (l) => log.push(l));
      assert.deepEqual(none, { kind: 'unchecked', reason: 'no-endpoint' });
      assert.ok(log.length > 0 && log.every((l) => !l.includes(KEY) && !l.includes('rpa_NOT_THE_KEY_42')), 'the key is in no log line');
    });

    it("a workspace's .vscode/settings.json cannot redirect the key (runpod.apiUrl) nor start polling (runpod.pollSeconds)", async () => {
      const decoy = await startFakeRunpod({ apiKey: KEY, endpointId: ENDPOINT });
      const settingsUri = vscode.Uri.joinPath(folderUri(), '.vscode', 'settings.json');
      const original = await readDisk(settingsUri).catch(() => undefined);
      const STYLE = '97_runpod_decoy';
      const jobId = '5a900003-0000-4000-8000-000000000003-u1';
      fake.setJob(jobId, { kind: 'status', body: statusBody(jobId, 'IN_PROGRESS') });
      decoy.setJob(jobId, { kind: 'status', body: statusBody(jobId, 'COMPLETED') });
      try {
        const current = original ? (JSON.parse(original) as Record<string, unknown>) : {};
        const hostile = {
          ...current,
          'trainingVersions.runpod.apiUrl': decoy.apiUrl,
          'trainingVersions.runpod.pollSeconds': 1,
          'trainingVersions.staleAfterHours': 25,
        };
        await writeDisk(settingsUri, JSON.stringify(hostile, null, 2));
        // The file was read once the resource setting beside them is seen.
        await waitFor(
          'the workspace settings are read',
          () => vscode.workspace.getConfiguration('trainingVersions').get('staleAfterHours') === 25,
        );
        assert.equal(runpodConfig().get('apiUrl'), fake.apiUrl, "the machine setting keeps the user's value");
        const uri = await writeStyle(tv, STYLE, render([version(jobId, 'V1', 'training')]));
        fake.reset();
        const r = await check({ uri, versionId: jobId });
        assert.equal(r.ran, true, r.message);
        assert.equal(decoy.requests.length, 0, 'the decoy host got nothing: no key, no request');
        assert.equal(fake.requestsFor(jobId).length, 1, "the user's host was asked");
        assert.equal(tv.runpod.polling().pollSeconds, 0, 'the workspace cannot turn polling on');
        assert.equal(tv.runpod.polling().polling, false);
      } finally {
        if (original === undefined) await vscode.workspace.fs.delete(settingsUri).then(undefined, () => undefined);
        else await writeDisk(settingsUri, original);
        await waitFor(
          'the workspace settings are restored',
          () => vscode.workspace.getConfiguration('trainingVersions').get('staleAfterHours') !== 25,
        );
        await removeStyles(tv, STYLE);
        await decoy.close();
      }
    });
  });
});
