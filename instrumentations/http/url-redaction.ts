/**
 * What of a URL may be recorded: never credentials, never the values of query parameters that
 * carry secrets, never a path segment that is one (path-redaction.ts).
 */
import { PathRedactor } from './path-redaction';
import { REDACTED } from './redacted';

export { REDACTED };

/**
 * Parameter names whose values are replaced, compared after normalizing (see `normalizeName`).
 * The first seven are the semantic conventions' list (url.query); the rest are credential names
 * seen in real APIs.
 */
const SENSITIVE_NAMES = [
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'token',
  'key',
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'auth',
  'authorization',
  'code',
  'jwt',
  'session',
  'sessionid',
  'sid',
  'otp',
  'ticket',
  'samlresponse',
  'samlrequest',
  'samlart',
];

/**
 * A name ending in one of these is sensitive whatever comes before (`access_token`, `accessToken`,
 * `private-token`, `client_secret`, `apiKey` ... ). Short words (`key`, `sig`, `auth`) count only as
 * a whole word after `_`, so `monkey` or `oauth_state` keep their values.
 */
const SENSITIVE_ENDINGS = ['token', 'secret', 'password', 'passwd', 'signature', 'credential', 'credentials', 'apikey', 'sessionid', 'privatekey', 'assertion', 'authcode', 'authorizationcode'];
const SENSITIVE_LAST_WORDS = new Set(['key', 'sig', 'pwd', 'jwt', 'auth', 'otp']);

/**
 * Lower case, `-` as `_`, a camelCase word break as `_`: `Access-Token`, `access_token`,
 * `ACCESS_TOKEN` and `accessToken` are one name, and `secretKey` ends in the word `key`.
 */
function normalizeName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/-/g, '_');
}

export class UrlRedactor {
  private readonly exact: ReadonlySet<string>;
  private readonly paths: PathRedactor;

  /**
   * `extraNames`: HOPTRACE_HTTP_REDACT_QUERY_PARAMS, matched like the built-in names;
   * `pathPatterns`: HOPTRACE_HTTP_REDACT_PATHS (path-redaction.ts).
   */
  constructor(extraNames: readonly string[] = [], pathPatterns: readonly string[] = []) {
    this.exact = new Set([...SENSITIVE_NAMES, ...extraNames].flatMap((name) => [normalizeName(name), name.toLowerCase().replace(/-/g, '_')]));
    this.paths = new PathRedactor(pathPatterns);
  }

  redactPath(path: string): string {
    return this.paths.redact(path);
  }

  /**
   * True for a sensitive name, alone or inside brackets: `token[]`, `user[password]` and
   * `auth[token][0]` are all sensitive.
   */
  isSensitive(rawName: string): boolean {
    let name = rawName;
    if (name.includes('%') || name.includes('+')) {
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // Undecodable: compare as written.
      }
    }
    const normalized = normalizeName(name);
    if (this.exact.has(normalized)) return true;
    for (const part of normalized.split(/[[\]]+/)) {
      if (part === '') continue;
      const joined = part.replace(/_/g, '');
      if (this.exact.has(part) || this.exact.has(joined)) return true;
      if (SENSITIVE_ENDINGS.some((ending) => joined.endsWith(ending))) return true;
      const lastWord = part.slice(Math.max(part.lastIndexOf('_'), part.lastIndexOf('.')) + 1);
      if (SENSITIVE_LAST_WORDS.has(lastWord)) return true;
    }
    return false;
  }

  /** `a=1&token=xyz;sig=1` → `a=1&token=REDACTED;sig=REDACTED`. Takes and returns the query without its `?`. */
  redact(query: string): string {
    if (query === '') return query;
    // `;` separates parameters as `&` does for many servers (HTML 4's recommendation, Java servlets).
    const parts = query.split(/([&;])/);
    let changed = false;
    for (let i = 0; i < parts.length; i += 2) {
      const part = parts[i];
      const eq = part.indexOf('=');
      if (eq <= 0 || eq === part.length - 1) continue;
      if (this.isSensitive(part.slice(0, eq))) {
        parts[i] = part.slice(0, eq + 1) + REDACTED;
        changed = true;
      }
    }
    return changed ? parts.join('') : query;
  }
}

export const defaultUrlRedactor = new UrlRedactor();

export function redactQuery(query: string, redactor: UrlRedactor = defaultUrlRedactor): string {
  return redactor.redact(query);
}

/** Splits a path-and-query (`/a/b?x=1#f`) into path and redacted query; the fragment is dropped. */
export function splitTarget(target: string, redactor: UrlRedactor = defaultUrlRedactor): { path: string; query: string | undefined } {
  const hash = target.indexOf('#');
  const withoutFragment = hash >= 0 ? target.slice(0, hash) : target;
  const question = withoutFragment.indexOf('?');
  if (question < 0) return { path: redactor.redactPath(withoutFragment), query: undefined };
  return { path: redactor.redactPath(withoutFragment.slice(0, question)), query: redactor.redact(withoutFragment.slice(question + 1)) };
}
