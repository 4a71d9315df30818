/** What the http instrumentation takes from the agent's configuration (agent/config/settings.ts declares each). */
export interface HttpInstrumentationOptions {
  /** Incoming request paths that get no span: exact paths, or prefixes written with a trailing `*` (HOPTRACE_HTTP_IGNORE_INCOMING_PATHS). */
  readonly ignoreIncomingPaths: readonly string[];
  /** Query parameters whose values are redacted, on top of the built-in list (url-redaction.ts; HOPTRACE_HTTP_REDACT_QUERY_PARAMS). */
  readonly redactQueryParams: readonly string[];
  /** Path patterns whose `{…}` segments are redacted, on top of the built-in rules (path-redaction.ts; HOPTRACE_HTTP_REDACT_PATHS). */
  readonly redactPaths: readonly string[];
  /** `channels`: through Node's diagnostics channels where Node has them all (22.12+), else patching (channels.ts; HOPTRACE_HTTP_VIA). */
  readonly via: 'channels' | 'patching';
}
