/**
 * Route templates as users wrote them: the path arguments of `use()` and `route()` (and so of
 * app.get & co.), joined from the app's root down to the matching route.
 */

/** The path `router.use(...)` mounts at, by express's own rule: the first argument unless it is (an array starting with) a function. */
export function mountPathOf(args: readonly unknown[]): unknown {
  let first = args[0];
  while (Array.isArray(first) && first.length > 0) first = first[0];
  return typeof first === 'function' || args.length === 0 ? '/' : args[0];
}

/** A path argument as text: strings as written, regular expressions as their source form, arrays joined by commas. */
export function formatPath(path: unknown): string {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  if (Array.isArray(path)) return path.map(formatPath).join(',');
  return String(path);
}

/** ['/', '/api', '/users/:id'] → '/api/users/:id'; a route '/' under '/api' is '/api'. */
export function joinRoute(paths: readonly string[]): string {
  let route = '';
  for (const path of paths) {
    if (path === '/' || path === '') continue;
    route = route.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
  }
  return route === '' ? '/' : route;
}
