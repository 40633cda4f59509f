/**
 * What a RunPod answer carries for an entry (SPEC.md §4): the model URL of
 * `output` (any JSON shape), the short form of `error`, and timestamps.
 */
import { isPlainObject } from './document';
import { linkUrl, parseS3Url } from './s3Url';
import { upgradeUrl } from './merge';
import type { RunpodJobResult } from './runpodSchemas';

const URL_KEYS = ['loraUrl', 'lora_url', 'url'];

function urlOfObject(o: Record<string, unknown>): string | undefined {
  for (const key of URL_KEYS) {
    const v = o[key];
    const url = linkUrl(v);
    if (url !== undefined) return url;
  }
  return undefined;
}

/**
 * The model URL `output` carries: `loraUrl`, `lora_url` or `url` of an object,
 * or of the first object of an array that has one (a streaming handler's
 * aggregated output). A progress string carries none.
 */
export function loraUrlOfOutput(output: unknown): string | undefined {
  if (isPlainObject(output)) return urlOfObject(output);
  if (Array.isArray(output)) {
    for (const item of output) {
      const url = isPlainObject(item) ? urlOfObject(item) : undefined;
      if (url !== undefined) return url;
    }
  }
  return undefined;
}

/** `<class 'RuntimeError'>` (Python's repr of the exception class) → `RuntimeError`. */
function shortType(t: string): string {
  const m = /^<class '([^']+)'>$/.exec(t.trim());
  return (m ? m[1] : t).trim();
}

/**
 * RunPod's `error` as the string the file stores. The Python worker sends a
 * JSON string with `error_type`, `error_message`, a traceback, host name and
 * worker id: only `"<error_type>: <error_message>"` is kept. Other strings
 * stay as they are; objects are stringified.
 */
export function stringifyError(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') {
    const s = error.trim();
    if (s === '') return undefined;
    if (s.startsWith('{')) {
      try {
        const o: unknown = JSON.parse(s);
        if (isPlainObject(o) && (typeof o.error_type === 'string' || typeof o.error_message === 'string')) {
          return shortPythonError(o);
        }
      } catch {
        // not JSON after all: kept as written
      }
    }
    return error;
  }
  if (isPlainObject(error) && (typeof error.error_type === 'string' || typeof error.error_message === 'string'))
    return shortPythonError(error);
  if (typeof error === 'object') {
    const s = JSON.stringify(error);
    return s === '{}' || s === '[]' ? undefined : s;
  }
  return String(error);
}

function shortPythonError(o: Record<string, unknown>): string {
  const type = typeof o.error_type === 'string' ? shortType(o.error_type) : '';
  const message = typeof o.error_message === 'string' ? o.error_message.trim() : '';
  return type && message ? `${type}: ${message}` : type || message;
}

/**
 * The loraUrl to store when RunPod reports `incoming`, or undefined to keep the
 * current one. §1: an accelerated URL is never replaced by a regular one; a
 * regular URL is upgraded when preferred; another spelling of the same object
 * is not churn worth writing unless it is the accelerated one.
 */
export function chooseLoraUrl(current: string | undefined, incoming: string, preferAccelerated: boolean): string | undefined {
  const next = (preferAccelerated ? upgradeUrl(incoming) : undefined) ?? incoming;
  if (current === undefined || current === '') return next;
  if (current === next) return undefined;
  const cur = parseS3Url(current);
  const nxt = parseS3Url(next);
  const nextAccelerated = nxt?.accelerated === true;
  if (cur?.accelerated && !nextAccelerated) return undefined;
  if (cur && nxt && cur.bucket === nxt.bucket && cur.key === nxt.key) return nextAccelerated && !cur.accelerated ? next : undefined;
  return next;
}

/** A timestamp RunPod (or the handler's output) gave for `key`, as ISO 8601. */
export function responseTimestamp(result: RunpodJobResult, key: 'completedAt' | 'failedAt'): string | undefined {
  const snake = key === 'completedAt' ? 'completed_at' : 'failed_at';
  const sources = [result.raw, isPlainObject(result.output) ? result.output : undefined];
  for (const src of sources) {
    if (!src) continue;
    for (const k of [key, snake]) {
      const iso = toIso(src[k]);
      if (iso !== undefined) return iso;
    }
  }
  return undefined;
}

function toIso(v: unknown): string | undefined {
  let ms: number;
  if (typeof v === 'string' && v.trim() !== '') ms = Date.parse(v);
  else if (typeof v === 'number' && Number.isFinite(v) && v > 0)
    ms = v < 1e11 ? v * 1000 : v; // seconds or milliseconds
  else return undefined;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
