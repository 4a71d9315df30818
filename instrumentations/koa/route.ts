/**
 * The route a koa router matched, from what the router leaves on the context: `ctx._matchedRoute`
 * is the path of the last layer it entered (prefix and mount paths included:
 * `/api/tenants/:tenant/items/:item`). A router-level middleware layer (`router.use(fn)`) sets it
 * too, to a pattern of its own (`/api(?:\/|$)`, `/api([^/]*)`); when such a layer answered without
 * reaching a route, no route was taken, as under express. So the path counts only when one of the
 * layers in `ctx.matched` with that very path is a route (has methods).
 */
import type { KoaContext, RouterLayer } from './internal-types';

export function matchedRoute(ctx: KoaContext): string | undefined {
  const path = ctx._matchedRoute;
  if (path === undefined || path === null || path === '') return undefined;
  const matched = ctx.matched;
  if (Array.isArray(matched) && !matched.some((layer: RouterLayer | undefined) => layer?.path === path && Array.isArray(layer.methods) && layer.methods.length > 0)) {
    return undefined;
  }
  // A regular expression route as its source form, as express's are named.
  return typeof path === 'string' ? path : String(path);
}
