/**
 * Hand-written shapes of express internals that hoptrace touches.
 * express 4: https://github.com/expressjs/express/blob/4.x/lib/router/index.js and lib/router/layer.js
 * express 5: https://github.com/pillarjs/router/blob/master/index.js and lib/layer.js (router 2.x)
 */
export type Next = (error?: unknown) => unknown;
export type LayerHandle = (this: Layer, req: object, res: object, next: Next) => unknown;

export interface Layer {
  /** The user's function (or a router, or route.dispatch). */
  handle: ((...args: unknown[]) => unknown) & { stack?: unknown };
  /** Set on the layer a router creates for `router.route(path)`. */
  route?: unknown;
  name?: string;
}

/** express 4 names it handle_request; router 2.x (express 5) handleRequest. */
export interface LayerPrototype {
  handle_request?: LayerHandle;
  handleRequest?: LayerHandle;
}

export interface RouterPrototype {
  use(this: RouterInstance, ...args: unknown[]): unknown;
  route(this: RouterInstance, path: unknown): unknown;
}

export interface RouterInstance {
  stack: Layer[];
}

export interface ExpressModule {
  (): unknown;
  /** express 4: the prototype object itself (router instances get it as __proto__); express 5: a constructor. */
  Router: RouterPrototype & { prototype?: Partial<RouterPrototype> };
}
