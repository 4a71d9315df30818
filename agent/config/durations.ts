/**
 * Node's timers hold at most 2^31 − 1 ms; a longer delay fires after 1 ms instead (with a warning of
 * Node's own). A schedule delay or an export timeout that long would export constantly or time out
 * every export, so it is capped here, with a warning naming the setting.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms`, or the cap with the reason for `warn` to say. */
export function cappedDuration(ms: number, says: (problem: string, instead: string) => void): number {
  if (ms <= MAX_TIMER_MS) return ms;
  says(`is longer than Node's timers can wait (${MAX_TIMER_MS} ms, about 24.8 days)`, `using ${MAX_TIMER_MS}`);
  return MAX_TIMER_MS;
}
