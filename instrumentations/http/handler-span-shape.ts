/**
 * What the spans of one of the app's handlers (an express layer, a koa middleware, a fastify hook
 * or route handler) have in common from request to request: their name and their attributes. Made
 * once per handler and route instead of per request: the name was a new string and the attributes a
 * new object (copied again into the span) on every request, for every handler it passed through.
 * The attributes are a frozen template the span shares (span.ts); the OTLP encoder writes it from
 * bytes it encoded once.
 */
import type { Attributes } from '@opentelemetry/api';

export interface HandlerSpanShape {
  readonly name: string;
  readonly template: Attributes;
}

export function handlerSpanShape(name: string, attributes: Attributes): HandlerSpanShape {
  return Object.freeze({ name, template: Object.freeze(attributes) });
}

/**
 * One handler's shapes by route: the last one kept, since a handler almost always serves one route
 * (a router mounted at two paths alternates, and then costs what every request cost before).
 */
export class ShapeByRoute {
  private lastRoute: string | undefined;
  private last: HandlerSpanShape | undefined;

  constructor(private readonly make: (route: string | undefined) => HandlerSpanShape) {}

  for(route: string | undefined): HandlerSpanShape {
    if (this.last === undefined || route !== this.lastRoute) {
      this.last = this.make(route);
      this.lastRoute = route;
    }
    return this.last;
  }
}
