/**
 * Typed readers over an environment. Each reader returns the default for an unset or empty
 * variable; an invalid value produces exactly one warning naming the variable, the value and what
 * is used instead.
 */
import { cappedDuration } from './durations';
import type { Setting, SettingSource } from './settings';

export type Env = Readonly<Record<string, string | undefined>>;
export type Warn = (message: string) => void;

export class EnvReader implements SettingSource {
  constructor(
    private readonly env: Env,
    private readonly warn: Warn,
  ) {}

  /** A setting's value is read under the first of its variables that is set. */
  nameOf(setting: Setting): string {
    return this.firstSet(...setting.env) ?? setting.env[0];
  }

  raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  /** The first of `names` that is set, so specific variables can override general ones. */
  firstSet(...names: string[]): string | undefined {
    for (const name of names) if (this.raw(name) !== undefined) return name;
    return undefined;
  }

  /** A warning about settings together, in the reader's one voice. */
  warnText(message: string): void {
    this.warn(message);
  }

  /** `instead` says what happens now: `using "otlp"`, `it is skipped`. */
  reject(name: string, value: string, expected: string, instead: string): void {
    this.warn(`${name}=${JSON.stringify(value)} is not valid (${expected}); ${instead}`);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.reject(name, value, 'expected true or false', using(fallback));
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase() as T;
    if (allowed.includes(lower)) return lower;
    this.reject(name, value, `expected one of ${allowed.join(', ')}`, using(fallback));
    return fallback;
  }

  /** An on/off setting written as 1 or 0 as often as true or false. */
  onOff(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === '1' || lower === 'true') return true;
    if (lower === '0' || lower === 'false') return false;
    this.reject(name, value, 'expected 1, true, 0 or false', using(fallback));
    return fallback;
  }

  /** A whole number within [min, max]. */
  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^[+]?\d+$/.test(value) ? Number(value) : NaN;
    if (Number.isSafeInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    this.reject(name, value, `expected a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`, using(fallback));
    return fallback;
  }

  /** A time in whole milliseconds from `min`, at most what a timer can wait (durations.ts). */
  duration(name: string, fallback: number, min: number): number {
    const ms = this.integer(name, fallback, min);
    return cappedDuration(ms, (problem, instead) => this.warn(`${name}=${ms} ${problem}; ${instead}`));
  }

  /** A number within [min, max], fractions allowed. */
  number(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (Number.isFinite(parsed) && parsed >= min && parsed <= max) return parsed;
    this.reject(name, value, `expected a number from ${min} to ${max}`, using(fallback));
    return fallback;
  }

  /** A comma-separated list, trimmed, empty entries dropped. */
  list(name: string): string[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    return value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  }

  /**
   * `key=value` pairs separated by commas, as OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS
   * write them; keys and values are percent-decoded. A malformed pair is skipped with a warning,
   * the rest are kept. `secret`: values are credentials, and a malformed pair is not printed.
   */
  keyValues(name: string, { secret = false } = {}): Record<string, string> {
    const result: Record<string, string> = {};
    const value = this.raw(name);
    if (value === undefined) return result;
    for (const pair of value.split(',')) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      const key = eq > 0 ? safeDecode(pair.slice(0, eq).trim()) : undefined;
      const val = eq > 0 ? safeDecode(pair.slice(eq + 1).trim()) : undefined;
      if (!key || val === undefined) {
        // Headers carry credentials: a malformed pair is not repeated into the log.
        this.warn(`${name}: ignoring ${secret ? `a pair of ${pair.length} characters, not shown (it may hold a credential)` : JSON.stringify(pair)} (expected key=value)`);
        continue;
      }
      result[key] = val;
    }
    return result;
  }
}

export function using(value: unknown): string {
  // A limit's default may be none at all (OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT), which JSON writes as null.
  if (value === Infinity) return 'using no limit';
  return `using ${JSON.stringify(value)}`;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
