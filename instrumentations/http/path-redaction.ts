/**
 * Secrets in URL paths: the webhook and bot URLs of well-known services carry their credential as
 * a path segment, as do password-reset, verification and invitation links; `url.path` and
 * `url.full` would export them. Those segments become `REDACTED`, by built-in rules and by the
 * patterns of HOPTRACE_HTTP_REDACT_PATHS (`/reset/{token}`: `{…}` segments are redacted, `*` ones
 * kept, the rest must be equal; a pattern matches a path's first segments).
 */
import { REDACTED } from './redacted';

/** Any built-in rule could apply: one test per path, and nothing more for almost every path. */
const MAY_HOLD_SECRET = /\/services\/T|\/webhooks\/|\/bot\d|eyJ|(?:reset|verif|confirm|activat|invit|magic|unsubscribe|pass|token|secret|key|signature|otp)[^/]*\/[^/]{16}/i;

const BUILT_IN: ReadonlyArray<[RegExp, string]> = [
  // Slack incoming webhooks: /services/T…/B…/<secret>
  [/(\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/)[A-Za-z0-9]+/g, `$1${REDACTED}`],
  // Discord (and look-alikes): /api/webhooks/<id>/<token>
  [/(\/webhooks\/\d{5,}\/)[A-Za-z0-9_.-]+/g, `$1${REDACTED}`],
  // Telegram bots: /bot<id>:<token>/<method>
  [/\/bot\d+:[A-Za-z0-9_-]{30,}/g, `/bot${REDACTED}`],
  // A JSON Web Token as a segment.
  [/(^|\/)eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?=\/|$)/g, `$1${REDACTED}`],
  // A long token after a segment that names a secret or a one-time link:
  // /reset-password/<token>, /verify-email/<token>, /invite/<token>, /api-key/<key>.
  [
    /(\/(?:[^/]*[-_.])?(?:reset|verify|verification|confirm|confirmation|activate|activation|invite|invitation|magic[-_]?link|unsubscribe|password|passwd|token|secret|key|apikey|signature|otp)(?:[-_.][^/]*)?\/)[A-Za-z0-9._~%-]{16,}(?=\/|$)/gi,
    `$1${REDACTED}`,
  ],
];

export class PathRedactor {
  private readonly patterns: ReadonlyArray<readonly string[]>;

  /** `patterns`: HOPTRACE_HTTP_REDACT_PATHS. */
  constructor(patterns: readonly string[] = []) {
    this.patterns = patterns.filter((pattern) => pattern.startsWith('/')).map((pattern) => pattern.split('/'));
  }

  redact(path: string): string {
    let redacted = path;
    if (MAY_HOLD_SECRET.test(path)) for (const [rule, replacement] of BUILT_IN) redacted = redacted.replace(rule, replacement);
    return this.patterns.length === 0 ? redacted : this.redactByPatterns(redacted);
  }

  private redactByPatterns(path: string): string {
    let segments: string[] | undefined;
    for (const pattern of this.patterns) {
      segments ??= path.split('/');
      if (segments.length < pattern.length) continue;
      let matches = true;
      for (let i = 0; i < pattern.length && matches; i++) matches = pattern[i] === '*' || isPlaceholder(pattern[i]) || pattern[i] === segments[i];
      if (!matches) continue;
      for (let i = 0; i < pattern.length; i++) if (isPlaceholder(pattern[i]) && segments[i] !== '') segments[i] = REDACTED;
    }
    return segments ? segments.join('/') : path;
  }
}

function isPlaceholder(segment: string): boolean {
  return segment.length > 2 && segment.startsWith('{') && segment.endsWith('}');
}
