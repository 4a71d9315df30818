/**
 * An endpoint as hoptrace's log may print it: origin and path, never the user, password, query or
 * fragment a URL can carry (`https://user:key@collector/v1/traces?token=…`). Text that is no URL
 * loses the same parts by their shape.
 */
export function urlForLog(text: string): string {
  try {
    const url = new URL(text);
    if (url.origin !== 'null') return `${url.origin}${url.pathname}`;
  } catch {
    // Not a URL: cut by shape below.
  }
  return text.replace(/^([^/]*\/\/)[^/@]*@/, '$1').replace(/[?#].*$/s, '');
}
