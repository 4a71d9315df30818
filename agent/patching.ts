/** Shared by every instrumentation: shimmer marks what it wrapped, so nothing is wrapped twice. */
export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { __wrapped?: boolean }).__wrapped === true;
}
