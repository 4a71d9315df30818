/**
 * Hand-written shapes of the fastify objects hoptrace touches.
 * Instance and hooks: https://github.com/fastify/fastify/blob/main/fastify.js (addHook) and
 * lib/hooks.js (the runners, which call a hook as fn(request, reply, [payload,] next));
 * request fields: lib/request.js (`routeOptions` since 4.10, `routerPath` before, deprecated later);
 * the `fastify.initialization` channel: fastify.js, published by every 4.x and 5.x.
 */
export type HookFunction = (this: unknown, ...args: unknown[]) => unknown;
export type RouteHandler = (this: unknown, request: FastifyRequest, reply: unknown) => unknown;

export interface FastifyInstance {
  addHook(name: string, fn: HookFunction): unknown;
}

export interface FastifyRequest {
  /** The IncomingMessage (the http instrumentation's state lives on it). */
  raw?: object;
  /** fastify ≥ 4.10: a getter building a fresh object on each read; `url` is the full route template. */
  routeOptions?: { url?: unknown };
  /** fastify < 4.10 (later ones warn FSTDEP017 when it is read). */
  routerPath?: unknown;
}

/** What `onRoute` hooks receive (and may change) for each route being added. */
export interface RouteOptions {
  handler?: unknown;
  [hook: string]: unknown;
}

/** The message published on `fastify.initialization` when an instance is created. */
export interface InitializationMessage {
  fastify?: FastifyInstance;
}
