/**
 * The route template fastify matched, as it gives it to the app: prefixes of the plugins the route
 * was registered in included (`/api/v1/orders/:orderId`). Unmatched requests (the 404 handler) have
 * none.
 */
import type { FastifyRequest } from './internal-types';

export function routeOf(request: FastifyRequest): string | undefined {
  // `routeOptions` (4.10+) is a getter on the prototype; `routerPath` is read only where it is
  // missing, since later 4.x print a deprecation warning when the app's process reads it.
  const url = 'routeOptions' in request ? request.routeOptions?.url : request.routerPath;
  return typeof url === 'string' && url !== '' ? url : undefined;
}
