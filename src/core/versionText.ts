/** Short texts of a version's values, for rows and tooltips: ages, numbers, parameters, fields. */

/** "2 d ago": minutes, hours (up to 2 days), days (up to 2 months), months, years. */
export function relativeTime(ms: number, now: number): string {
  const diff = now - ms;
  const future = diff < 0;
  const s = Math.abs(diff) / 1000;
  let text: string;
  if (s < 60) return 'just now';
  if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 48 * 3600) text = `${Math.floor(s / 3600)} h`;
  else if (s < 60 * 86400) text = `${Math.floor(s / 86400)} d`;
  else if (s < 730 * 86400) text = `${Math.floor(s / (30.44 * 86400))} mo`;
  else text = `${Math.floor(s / (365.25 * 86400))} y`;
  return future ? `in ${text}` : `${text} ago`;
}

/** A number as the trainer writes it: small ones in exponent form (0.0001 → 1e-4). */
export function formatNumber(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.001) return n.toExponential();
  return String(n);
}

/** The key training parameters, short: "dim 16 · α 8 · lr 1e-4" (α only when it differs from dim). */
export function keyParameters(params: unknown): string[] {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return [];
  const p = params as Record<string, unknown>;
  const num = (k: string) => (typeof p[k] === 'number' && Number.isFinite(p[k]) ? (p[k] as number) : undefined);
  const out: string[] = [];
  const dim = num('network_dim');
  const alpha = num('network_alpha');
  const lr = num('learning_rate') ?? num('lr');
  if (dim !== undefined) out.push(`dim ${formatNumber(dim)}`);
  if (alpha !== undefined && alpha !== dim) out.push(`α ${formatNumber(alpha)}`);
  if (lr !== undefined) out.push(`lr ${formatNumber(lr)}`);
  return out;
}

/** Every field of an entry as (key, short text) rows, for a tooltip. */
export function fieldRows(value: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k === 'parameters' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      out.push([
        k,
        entries.length
          ? entries.map(([pk, pv]) => `${pk}=${typeof pv === 'number' ? formatNumber(pv) : JSON.stringify(pv)}`).join(', ')
          : '{}',
      ]);
    } else {
      out.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
    }
  }
  return out;
}

/** "3 versions", "1 version". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
