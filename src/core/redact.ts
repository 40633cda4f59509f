/** Text for messages that quote what a remote service sent: short, one line, never a secret. */

/** A short, single-line excerpt of a body for messages. */
export function excerpt(text: string, max = 120): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one === '') return 'empty body';
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** Replaces every occurrence of `secret` (and its URL-encoded form) in `text`. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let out = text.split(secret).join('***');
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) out = out.split(encoded).join('***');
  return out;
}
