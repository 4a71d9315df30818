/**
 * What of a URL may be recorded: never credentials, and never the values of query parameters that
 * carry secrets.
 */

/**
 * Parameter names whose values are replaced, compared without case. The first four are the
 * semantic conventions' list (url.query); the rest are credential names seen in real APIs.
 */
const SENSITIVE_QUERY_PARAMETERS = new Set(
  [
    'AWSAccessKeyId',
    'Signature',
    'sig',
    'X-Goog-Signature',
    'X-Amz-Signature',
    'X-Amz-Credential',
    'X-Amz-Security-Token',
    'token',
    'access_token',
    'refresh_token',
    'id_token',
    'api_key',
    'apikey',
    'api-key',
    'key',
    'password',
    'passwd',
    'pwd',
    'secret',
    'client_secret',
    'signature',
    'auth',
    'authorization',
    'code',
    'jwt',
    'session',
    'sessionid',
  ].map((name) => name.toLowerCase()),
);

export const REDACTED = 'REDACTED';

/** `a=1&token=xyz` → `a=1&token=REDACTED`. Takes and returns the query without its `?`. */
export function redactQuery(query: string): string {
  if (query === '') return query;
  let changed = false;
  const parts = query.split('&');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    let name = part.slice(0, eq);
    if (name.includes('%') || name.includes('+')) {
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // Undecodable: compare as written.
      }
    }
    if (SENSITIVE_QUERY_PARAMETERS.has(name.toLowerCase()) && eq < part.length - 1) {
      parts[i] = part.slice(0, eq + 1) + REDACTED;
      changed = true;
    }
  }
  return changed ? parts.join('&') : query;
}

/** Splits a request target (`/a/b?x=1#f`) into path and redacted query; the fragment is dropped. */
export function splitTarget(target: string): { path: string; query: string | undefined } {
  const hash = target.indexOf('#');
  const withoutFragment = hash >= 0 ? target.slice(0, hash) : target;
  const question = withoutFragment.indexOf('?');
  if (question < 0) return { path: withoutFragment, query: undefined };
  return { path: withoutFragment.slice(0, question), query: redactQuery(withoutFragment.slice(question + 1)) };
}
