/**
 * A request target in each form HTTP/1.1 allows (RFC 9112, section 3.2), read so that nothing
 * of the userinfo part (`user:password@`) survives:
 * - origin form `/a?b=1`, what servers normally get and clients normally send;
 * - absolute form `http://user:pw@host/a?b=1`, what forward proxies get, and what a client sends
 *   through one (its `path` option is the whole URL);
 * - authority form `host:443`, CONNECT's;
 * - asterisk form `*`, server-wide OPTIONS.
 */
import { type UrlRedactor, splitTarget } from './url-redaction';

export interface RequestTarget {
  /** Absent for the authority form, which has none. */
  readonly path?: string;
  /** Redacted, without its `?`. */
  readonly query?: string;
  /** The absolute form's destination: where a proxied request really goes. */
  readonly destination?: {
    readonly scheme: string;
    readonly host: string;
    readonly port?: number;
    /** The URL carried a user name or password (never kept, only marked REDACTED). */
    readonly hadCredentials: boolean;
  };
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function readRequestTarget(target: string, redactor?: UrlRedactor): RequestTarget {
  if (target.startsWith('/')) return splitTarget(target, redactor);
  if (target === '*') return { path: '*' };
  const scheme = SCHEME.exec(target);
  if (!scheme) return {}; // Authority form (or something no server should have accepted): no path to record.
  // Where the authority ends: the first `/`, `?` or `#` after the scheme.
  const afterScheme = scheme[0].length;
  let end = target.length;
  for (const stop of ['/', '?', '#']) {
    const at = target.indexOf(stop, afterScheme);
    if (at >= 0 && at < end) end = at;
  }
  const authority = target.slice(afterScheme, end);
  const at = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(at + 1);
  const { path, query } = splitTarget(target.slice(end) || '/', redactor);
  const { host, port } = splitHostPort(hostAndPort);
  return {
    path: path.startsWith('/') ? path : `/${path}`,
    query,
    destination: { scheme: scheme[0].slice(0, -3).toLowerCase(), host, port, hadCredentials: at >= 0 },
  };
}

function splitHostPort(hostAndPort: string): { host: string; port?: number } {
  const close = hostAndPort.startsWith('[') ? hostAndPort.indexOf(']') : -1;
  const colon = hostAndPort.indexOf(':', close >= 0 ? close : 0);
  const hostPart = colon >= 0 ? hostAndPort.slice(0, colon) : hostAndPort;
  const host = close >= 0 ? hostPart.slice(1, close) : hostPart;
  const portText = colon >= 0 ? hostAndPort.slice(colon + 1) : '';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : undefined;
  return { host: host.toLowerCase(), port };
}
