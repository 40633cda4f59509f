/**
 * RunPod's answers are untrusted input: one zod schema per documented shape
 * (a `/status` answer, which is also a webhook body; `/health`; `/cancel`),
 * strict on the fields we read and passing every other field through. A
 * failed parse becomes one short line (`problem`), never zod's own dump.
 */
// zod/mini: the same validation as zod's classic API at a fraction of the bundle size (the extension
// bundle must stay small; issue 15).
import * as z from 'zod/mini';
import { excerpt } from './redact';

const jobId = z.string().check(z.minLength(1));

/** `GET /status/<id>` and the webhook body: `{ id, status, delayTime, executionTime, workerId, output, error }`. */
export const statusBodySchema = z.looseObject({
  id: z.optional(jobId),
  status: z.string().check(z.minLength(1)),
  // Whatever the handler returned: an object, an array (streaming handlers) or a progress string.
  output: z.optional(z.unknown()),
  // A string (the Python worker sends JSON inside it), or what a handler put in `{ "error": ... }`.
  error: z.optional(z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown()), z.number(), z.boolean(), z.null()])),
});

const count = z.int().check(z.nonnegative());

/** `GET /health`: `{ jobs: { completed, failed, inProgress, inQueue, retried }, workers: { idle, running, … } }`. */
export const healthBodySchema = z.looseObject({
  jobs: z.looseObject({
    inQueue: count,
    inProgress: count,
    completed: z.optional(count),
    failed: z.optional(count),
    retried: z.optional(count),
  }),
  workers: z.looseObject({
    idle: count,
    running: count,
    initializing: z.optional(count),
    ready: z.optional(count),
    throttled: z.optional(count),
    unhealthy: z.optional(count),
  }),
});

/** `POST /cancel/<id>`: `{ id, status }`. */
export const cancelBodySchema = z.looseObject({ id: z.optional(jobId), status: z.string().check(z.minLength(1)) });

/** A status answer (or webhook body) that passed validation. */
export interface RunpodJobResult {
  /** The job id RunPod answered for (absent only when the answer left it out). */
  id?: string;
  /** As RunPod sent it; may be a state RunPod does not document (reported as unknown, never an error). */
  status: string;
  output?: unknown;
  error?: unknown;
  /** The whole parsed body. */
  raw: Record<string, unknown>;
}

export type RunpodHealth = z.infer<typeof healthBodySchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The first zod issue as one line: `has no "status"`, `"jobs.inQueue" is not a number`. */
export function describeIssue(error: z.core.$ZodError, input: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'it does not have the documented shape';
  const where = issue.path.map(String).join('.');
  if (issue.code === 'invalid_type') {
    let at: unknown = input;
    for (const k of issue.path) at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[k] : undefined;
    const missing = at === undefined;
    if (where === '') return `it is not a JSON ${issue.expected}`;
    return missing ? `it has no "${where}"` : `"${where}" is not a ${issue.expected}`;
  }
  if (issue.code === 'too_small') return `"${where}" is ${issue.origin === 'string' ? 'empty' : 'negative'}`;
  return `"${where || 'body'}": ${issue.message}`;
}

function parseJson(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch {
    return { ok: false, problem: `it is not JSON (${excerpt(text)})` };
  }
}

/** Validates an already parsed status answer / webhook body. */
export function validateStatusBody(body: unknown): Parsed<RunpodJobResult> {
  const r = statusBodySchema.safeParse(body);
  if (!r.success) return { ok: false, problem: describeIssue(r.error, body) };
  const raw = r.data as Record<string, unknown>;
  return { ok: true, value: { id: r.data.id, status: r.data.status, output: r.data.output, error: r.data.error, raw } };
}

/** Parses and validates a status answer / webhook body; never throws. */
export function parseStatusBody(text: string): Parsed<RunpodJobResult> {
  const json = parseJson(text);
  return json.ok ? validateStatusBody(json.value) : json;
}

/** Parses and validates a `/health` answer; never throws. */
export function parseHealthBody(text: string): Parsed<RunpodHealth> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const r = healthBodySchema.safeParse(json.value);
  return r.success ? { ok: true, value: r.data } : { ok: false, problem: describeIssue(r.error, json.value) };
}

/** Parses and validates a `/cancel` answer; never throws. */
export function parseCancelBody(text: string): Parsed<{ id?: string; status: string }> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const r = cancelBodySchema.safeParse(json.value);
  return r.success
    ? { ok: true, value: { id: r.data.id, status: r.data.status } }
    : { ok: false, problem: describeIssue(r.error, json.value) };
}
