/**
 * Matches incoming paths against HOPTRACE_HTTP_IGNORE_INCOMING_PATHS entries: an exact path, or a
 * prefix written with a trailing `*` (`/internal/*`).
 */
export function createPathMatcher(patterns: readonly string[]): ((url: string | undefined) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return (url) => {
    if (url === undefined) return false;
    const end = url.search(/[?#]/);
    const path = end >= 0 ? url.slice(0, end) : url;
    if (exact.has(path)) return true;
    for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    return false;
  };
}
