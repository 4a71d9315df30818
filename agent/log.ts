/**
 * The agent's one diagnostic voice. It writes to stderr (never stdout, which belongs to the app)
 * with a `hoptrace:` prefix, prints nothing below `warn` unless asked, and rate-limits repeated
 * messages so a failing exporter or a broken patch cannot flood the app's logs.
 */
import { DiagLogLevel, diag } from '@opentelemetry/api';

export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose';
export const LOG_LEVELS: readonly LogLevel[] = ['none', 'error', 'warn', 'info', 'debug', 'verbose'];

const severity: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4, verbose: 5 };
const REPEAT_WINDOW_MS = 60_000;
/**
 * Keys remembered at most. Keys can come from outside (the SDK's messages carry ids, errors carry
 * their text): past this, entries older than the window go, and if none is that old, the oldest.
 */
export const MAX_RATE_LIMIT_KEYS = 500;

let threshold = severity.warn;
const lastWritten = new Map<string, { at: number; suppressed: number }>();

export function setLogLevel(level: LogLevel): void {
  threshold = severity[level];
}

export function isLogEnabled(level: LogLevel): boolean {
  return severity[level] <= threshold;
}

function write(level: LogLevel, message: string): void {
  if (isLogEnabled(level)) emit(`${level === 'warn' || level === 'error' ? level + ': ' : ''}${message}`);
}

/**
 * Messages carry outside text (a header name in an error, an endpoint): a line break in it starts an
 * indented continuation, never a line of its own that could pass for another message, and other
 * control characters are escaped.
 */
function oneEntry(text: string): string {
  return text.replace(/\r\n?|\n/g, '\n    ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function emit(line: string): void {
  try {
    process.stderr.write(`hoptrace: ${oneEntry(line)}\n`);
  } catch {
    // stderr closed: nowhere left to report to.
  }
}

export const log = {
  /** Spans the user asked to see in the log (a service's `logSpans`): shown at every level but `none`. */
  span: (message: string) => {
    if (threshold > severity.none) emit(message);
  },
  error: (message: string) => write('error', message),
  warn: (message: string) => write('warn', message),
  info: (message: string) => write('info', message),
  debug: (message: string) => write('debug', message),
  verbose: (message: string) => write('verbose', message),
};

/**
 * Writes `message` at most once a minute for the same `key`; the next one that gets through says
 * how many were held back.
 */
export function logRateLimited(level: LogLevel, key: string, message: string): void {
  if (!isLogEnabled(level)) return;
  const held = heldBack(key);
  if (held !== undefined) write(level, message + held);
}

/**
 * Lines a setting asked for (HOPTRACE_DEBUG_PROPAGATION): shown at every level but `none`, with
 * no level word, rate limited as logRateLimited is.
 */
export function noteRateLimited(key: string, message: string): void {
  if (threshold === severity.none) return;
  const held = heldBack(key);
  if (held !== undefined) emit(message + held);
}

/** undefined when `key` was written less than a minute ago; else what to add about the ones held back since. */
function heldBack(key: string): string | undefined {
  const now = Date.now();
  const seen = lastWritten.get(key);
  if (seen && now - seen.at < REPEAT_WINDOW_MS) {
    seen.suppressed++;
    return undefined;
  }
  const held = seen?.suppressed ? ` (${seen.suppressed} similar messages held back)` : '';
  // Deleted first, so that the map's order stays the order of writing (forgetOldKeys relies on it).
  if (seen) lastWritten.delete(key);
  else if (lastWritten.size >= MAX_RATE_LIMIT_KEYS) forgetOldKeys(now);
  lastWritten.set(key, { at: now, suppressed: 0 });
  return held;
}

/** Makes room for one key: every key past its window goes (Map order is insertion order: oldest first). */
function forgetOldKeys(now: number): void {
  for (const [key, { at }] of lastWritten) {
    if (lastWritten.size < MAX_RATE_LIMIT_KEYS && now - at < REPEAT_WINDOW_MS) return;
    lastWritten.delete(key);
  }
}

/** How many keys the rate limiter holds (for its tests). */
export function rateLimitedKeyCount(): number {
  return lastWritten.size;
}

/** Reports a failure inside agent code; the caller then carries on with the app's own behaviour. */
export function reportAgentError(where: string, error: unknown): void {
  const detail = error instanceof Error ? error.stack ?? error.message : String(error);
  logRateLimited('warn', `agent-error:${where}`, `internal error in ${where}, tracing skipped there: ${detail}`);
}

const diagLevels: Record<LogLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
};

/** Routes the OpenTelemetry SDK's own diagnostics through this logger, with the same level. */
export function routeOpenTelemetryDiagnostics(level: LogLevel): void {
  const forward = (target: LogLevel) => (message: string, ...args: unknown[]) =>
    logRateLimited(target, `otel:${withoutIds(String(message))}`, `[otel] ${[message, ...args.map(formatArg)].join(' ')}`);
  diag.setLogger(
    {
      error: forward('error'),
      warn: forward('warn'),
      info: forward('info'),
      debug: forward('debug'),
      verbose: forward('verbose'),
    },
    { logLevel: diagLevels[level], suppressOverrideMessage: true },
  );
}

/** The SDK's messages name the span they are about; one message per kind, not one per span. */
function withoutIds(message: string): string {
  return message.replace(/\b[0-9a-f]{16}(?:[0-9a-f]{16})?\b/gi, '<id>');
}

function formatArg(arg: unknown): string {
  if (arg instanceof Error) return arg.message;
  if (typeof arg === 'object') {
    try {
      return JSON.stringify(arg);
    } catch {
      return String(arg);
    }
  }
  return String(arg);
}
