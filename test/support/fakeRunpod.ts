/**
 * A small RunPod serverless status API of ours on 127.0.0.1, for unit and
 * integration tests: `GET /v2/<endpointId>/status/<jobId>` with header
 * `authorization: <key>`. Each job id is configured with what it answers; every
 * request is recorded (path, headers, job id) so tests can assert on them.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers for one job id. */
export type FakeJob =
  /** 200 with this JSON body. */
  | { kind: 'status'; body: Record<string, unknown> }
  /** 404 `redis err: client is nil`: RunPod no longer holds the job. */
  | { kind: 'expired' }
  /** 200 with a body that is not a status response. */
  | { kind: 'malformed'; body?: string }
  /** Answers after `delayMs` (longer than the client's timeout in a timeout test). */
  | { kind: 'slow'; delayMs: number; body: Record<string, unknown> }
  /** 429 with `Retry-After` for the first `times` requests, then `then`. */
  | { kind: 'rate-limited'; times: number; retryAfter?: string; then: FakeJob }
  /** `status` (e.g. 500) for the first `times` requests, then `then`; the body may echo the request headers. */
  | { kind: 'http-error'; status: number; times: number; echoHeaders?: boolean; then?: FakeJob };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  endpointId?: string;
  jobId?: string;
}

export interface FakeRunpod {
  /** The `runpod.apiUrl` to configure: `http://127.0.0.1:<port>/v2`. */
  apiUrl: string;
  endpointId: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Most requests being answered at one time. */
  maxConcurrent: number;
  setJob(id: string, job: FakeJob): void;
  /** Requests for one job id. */
  requestsFor(id: string): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

/** A status response body as RunPod sends it. */
export function statusBody(id: string, status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, status, delayTime: 812, executionTime: 31_400, ...extra };
}

export async function startFakeRunpod(options: { apiKey: string; endpointId: string; jobs?: Record<string, FakeJob> }): Promise<FakeRunpod> {
  const jobs = new Map<string, FakeJob>(Object.entries(options.jobs ?? {}));
  const served = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let concurrent = 0;

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
          res.writeHead(429, { 'content-type': 'application/json', ...(job.retryAfter !== undefined ? { 'retry-after': job.retryAfter } : {}) }).end('{"error":"rate limit exceeded"}');
          return;
        }
        return answer(res, job.then, count - job.times, headers);
      case 'http-error':
        if (count <= job.times || !job.then) {
          res.writeHead(job.status, { 'content-type': 'text/plain' }).end(job.echoHeaders ? `upstream refused authorization ${String(headers.authorization)} (request headers ${JSON.stringify(headers)})` : 'internal error');
          return;
        }
        return answer(res, job.then, count - job.times, headers);
    }
  };

  const fake: FakeRunpod = {
    apiUrl: '',
    endpointId: options.endpointId,
    apiKey: options.apiKey,
    requests: [],
    maxConcurrent: 0,
    setJob: (id, job) => {
      jobs.set(id, job);
      served.delete(id);
    },
    requestsFor: (id) => fake.requests.filter((r) => r.jobId === id),
    reset: () => {
      fake.requests.length = 0;
      fake.maxConcurrent = 0;
      served.clear();
    },
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };

  const server: Server = createServer((req, res) => {
    concurrent++;
    fake.maxConcurrent = Math.max(fake.maxConcurrent, concurrent);
    res.on('close', () => concurrent--);
    const path = req.url ?? '/';
    const m = /^\/v2\/([^/]+)\/status\/([^/?]+)$/.exec(path);
    const rec: RecordedRequest = { method: req.method ?? '', path, headers: req.headers };
    if (m) {
      rec.endpointId = decodeURIComponent(m[1]);
      rec.jobId = decodeURIComponent(m[2]);
    }
    fake.requests.push(rec);
    if (req.method !== 'GET' || !m) return json(res, 404, { error: 'not found' });
    if (req.headers.authorization !== options.apiKey) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      return;
    }
    if (rec.endpointId !== options.endpointId) return json(res, 404, { error: 'endpoint not found' });
    const id = rec.jobId!;
    const count = (served.get(id) ?? 0) + 1;
    served.set(id, count);
    // Unknown ids behave as RunPod does for jobs it no longer holds.
    answer(res, jobs.get(id) ?? { kind: 'expired' }, count, req.headers);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  fake.apiUrl = `http://127.0.0.1:${port}/v2`;
  return fake;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
