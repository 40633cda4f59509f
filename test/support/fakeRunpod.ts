/**
 * A RunPod serverless API of ours on 127.0.0.1, built from RunPod's
 * documentation (../shared/notes/runpod-api.md), not from our client:
 * - `GET /v2/<endpointId>/status/<id>`, `GET /v2/<endpointId>/health`,
 *   `POST /v2/<endpointId>/cancel/<id>`; anything else 404.
 * - Auth: `Authorization: Bearer <key>` (RunPod's SDKs) or the bare key (its
 *   curl examples); anything else 401.
 * - Jobs are known by the id `/run` returned, suffix included (`…-u1`, `…-e2`).
 *   `strict` (the documentation): only that id answers, and the answer echoes it.
 *   `lenient` (the seed's observation): the base id answers too, still echoing the full id.
 *   `base-only` (the seed's claim taken literally): only the base id answers.
 *   An id the server does not know answers 404 `redis err: client is nil`.
 * - States are RunPod's (`IN_QUEUE`, `IN_PROGRESS`, `RUNNING`, …); `output` may
 *   be any JSON; `error` as the Python worker sends it (`pythonError`).
 * Every request is recorded (path, headers, job id, auth form) for assertions.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers for one job. */
export type FakeJob =
  /** 200 with this JSON body (its `id` is what RunPod echoes: give the full id). */
  | { kind: 'status'; body: Record<string, unknown> }
  /** 404 `redis err: client is nil`: RunPod no longer holds the job. */
  | { kind: 'expired' }
  /** 200 with a body that is not a status response. */
  | { kind: 'malformed'; body?: string }
  /** Answers after `delayMs` (longer than the client's timeout in a timeout test). */
  | { kind: 'slow'; delayMs: number; body: Record<string, unknown> }
  /** 429 (with `Retry-After` only when given: RunPod does not document it) for the first `times` requests, then `then`. */
  | { kind: 'rate-limited'; times: number; retryAfter?: string; then: FakeJob }
  /** `status` (e.g. 500) for the first `times` requests, then `then`; the body may echo the request headers. */
  | { kind: 'http-error'; status: number; times: number; echoHeaders?: boolean; then?: FakeJob };

export type FakeMode = 'strict' | 'lenient' | 'base-only';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  endpointId?: string;
  /** `status`, `cancel` or `health`. */
  op?: string;
  jobId?: string;
  /** How the key came: `Bearer <key>`, the bare key, or neither. */
  auth: 'bearer' | 'bare' | 'wrong' | 'none';
}

export interface FakeRunpod {
  /** The `runpod.apiUrl` to configure: `http://127.0.0.1:<port>/v2`. */
  apiUrl: string;
  endpointId: string;
  apiKey: string;
  mode: FakeMode;
  requests: RecordedRequest[];
  /** Most requests being answered at one time. */
  maxConcurrent: number;
  /** The `/health` body; default: counted from the jobs' states. */
  health?: Record<string, unknown>;
  /** Registers a job under the id `/run` returned. */
  setJob(id: string, job: FakeJob): void;
  /** Status requests for one id as asked. */
  requestsFor(id: string): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

/** A status response body as RunPod sends it (`operation-reference.mdx`). */
export function statusBody(id: string, status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, status, delayTime: 812, executionTime: 31_400, workerId: 'hpcm7rxq5n2ac1', ...extra };
}

/** `error` as RunPod's Python worker sends it on a handler exception (`rp_job.py`): a JSON string. */
export function pythonError(type: string, message: string): string {
  return JSON.stringify({
    error_type: `<class '${type}'>`,
    error_message: message,
    error_traceback: `Traceback (most recent call last):\n  File "/handler.py", line 42, in handler\n    train()\n${type}: ${message}\n`,
    hostname: 'hpcm7rxq5n2ac1-64410a1c',
    worker_id: 'hpcm7rxq5n2ac1',
    runpod_version: '1.7.9',
  });
}

/** `-<letter><digits>` stripped once, as SPEC.md §1 defines the base id. */
function baseOf(id: string): string {
  return id.replace(/-[a-z]\d+$/i, '');
}

const IN_FLIGHT = new Set(['IN_QUEUE', 'IN_PROGRESS', 'RUNNING']);

export async function startFakeRunpod(options: {
  apiKey: string;
  endpointId: string;
  mode?: FakeMode;
  jobs?: Record<string, FakeJob>;
}): Promise<FakeRunpod> {
  const jobs = new Map<string, FakeJob>(Object.entries(options.jobs ?? {}));
  const served = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let concurrent = 0;

  /** The registered full id a request for `asked` reaches in this mode. */
  const resolve = (asked: string): string | undefined => {
    const mode = fake.mode;
    if (mode !== 'base-only' && jobs.has(asked)) return asked;
    if (mode === 'strict') return undefined;
    for (const id of jobs.keys()) if (baseOf(id) === asked && (id !== asked || mode === 'lenient')) return id;
    return undefined;
  };

  const answer = (res: ServerResponse, job: FakeJob, count: number, headers: IncomingHttpHeaders): void => {
    switch (job.kind) {
      case 'status':
        return json(res, 200, job.body);
      case 'expired':
        res.writeHead(404, { 'content-type': 'text/plain' }).end('redis err: client is nil');
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end(job.body ?? '<html>Bad gateway</html>');
        return;
      case 'slow': {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) json(res, 200, job.body);
        }, job.delayMs);
        timers.add(t);
        res.on('close', () => {
          clearTimeout(t);
          timers.delete(t);
        });
        return;
      }
      case 'rate-limited':
        if (count <= job.times) {
          res
            .writeHead(429, {
              'content-type': 'application/json',
              ...(job.retryAfter !== undefined ? { 'retry-after': job.retryAfter } : {}),
            })
            .end('{"error":"rate limit exceeded"}');
          return;
        }
        return answer(res, job.then, count - job.times, headers);
      case 'http-error':
        if (count <= job.times || !job.then) {
          res
            .writeHead(job.status, { 'content-type': 'text/plain' })
            .end(
              job.echoHeaders
                ? `upstream refused authorization ${String(headers.authorization)} (request headers ${JSON.stringify(headers)})`
                : 'internal error',
            );
          return;
        }
        return answer(res, job.then, count - job.times, headers);
    }
  };

  const stateOf = (job: FakeJob): string | undefined => {
    if (job.kind === 'status' || job.kind === 'slow') return typeof job.body.status === 'string' ? job.body.status : undefined;
    if (job.kind === 'rate-limited' || (job.kind === 'http-error' && job.then))
      return stateOf(job.kind === 'rate-limited' ? job.then : job.then!);
    return undefined;
  };

  const healthBody = (): Record<string, unknown> => {
    if (fake.health) return fake.health;
    let inQueue = 0;
    let inProgress = 0;
    for (const j of jobs.values()) {
      const s = stateOf(j);
      if (s === 'IN_QUEUE') inQueue++;
      else if (s === 'IN_PROGRESS' || s === 'RUNNING') inProgress++;
    }
    return {
      jobs: { completed: 0, failed: 0, inProgress, inQueue, retried: 0 },
      workers: { idle: 0, running: inProgress, initializing: 0, ready: 0, throttled: 0 },
    };
  };

  const fake: FakeRunpod = {
    apiUrl: '',
    endpointId: options.endpointId,
    apiKey: options.apiKey,
    mode: options.mode ?? 'strict',
    requests: [],
    maxConcurrent: 0,
    setJob: (id, job) => {
      jobs.set(id, job);
      served.delete(id);
    },
    requestsFor: (id) => fake.requests.filter((r) => r.op === 'status' && r.jobId === id),
    reset: () => {
      fake.requests.length = 0;
      fake.maxConcurrent = 0;
      served.clear();
    },
    close: () =>
      new Promise<void>((done) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => done());
      }),
  };

  const server: Server = createServer((req, res) => {
    concurrent++;
    fake.maxConcurrent = Math.max(fake.maxConcurrent, concurrent);
    res.on('close', () => concurrent--);
    const path = req.url ?? '/';
    const authz = req.headers.authorization;
    const auth: RecordedRequest['auth'] =
      authz === undefined ? 'none' : authz === `Bearer ${options.apiKey}` ? 'bearer' : authz === options.apiKey ? 'bare' : 'wrong';
    const rec: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, auth };
    const m = /^\/v2\/([^/]+)\/(?:(status|cancel)\/([^/?]+)|(health))$/.exec(path);
    if (m) {
      rec.endpointId = decodeURIComponent(m[1]);
      rec.op = m[2] ?? m[4];
      if (m[3] !== undefined) rec.jobId = decodeURIComponent(m[3]);
    }
    fake.requests.push(rec);
    req.resume();
    if (!m) return json(res, 404, { error: 'not found' });
    if (auth !== 'bearer' && auth !== 'bare') {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      return;
    }
    // RunPod's error table lists 404 for a wrong endpoint id.
    if (rec.endpointId !== options.endpointId) return json(res, 404, { error: 'endpoint not found' });
    const wantMethod = rec.op === 'cancel' ? 'POST' : 'GET';
    if (req.method !== wantMethod) return json(res, 405, { error: `use ${wantMethod}` });
    if (rec.op === 'health') return json(res, 200, healthBody());

    const id = resolve(rec.jobId!);
    if (id === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('redis err: client is nil');
      return;
    }
    const job = jobs.get(id)!;
    if (rec.op === 'cancel') {
      const state = stateOf(job);
      if (state && IN_FLIGHT.has(state)) {
        const body = { ...(job.kind === 'status' || job.kind === 'slow' ? job.body : {}), id, status: 'CANCELLED' };
        jobs.set(id, { kind: 'status', body });
      }
      return json(res, 200, { id, status: stateOf(jobs.get(id)!) ?? 'CANCELLED' });
    }
    const count = (served.get(id) ?? 0) + 1;
    served.set(id, count);
    answer(res, job, count, req.headers);
  });
  await new Promise<void>((done, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  fake.apiUrl = `http://127.0.0.1:${port}/v2`;
  return fake;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
