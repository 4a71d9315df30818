/**
 * Hand-written shapes of the koa and router objects hoptrace touches.
 * koa 2 and 3: https://github.com/koajs/koa/blob/master/lib/application.js (`use` pushes onto
 * `app.middleware`, composed by koa-compose when `callback()` runs).
 * @koa/router (https://github.com/koajs/router, src/router.ts) and koa-router
 * (https://github.com/forwardemail/koa-router, lib/router.js): `register` pushes a Layer onto
 * `router.stack`; the layer's `stack` holds the app's functions; while dispatching, the router
 * sets `ctx._matchedRoute` (and `ctx.routerPath`) to the path of each layer it enters, prefixes
 * and mount paths included, and `ctx.matched` to the layers whose path matched.
 */
export type Middleware = (this: unknown, ctx: KoaContext, next: unknown) => unknown;

export interface KoaApplicationPrototype {
  use(this: KoaApplication, fn: unknown): unknown;
}

export interface KoaApplication {
  middleware?: unknown[];
}

export interface KoaModule {
  prototype?: Partial<KoaApplicationPrototype>;
}

export interface RouterLayer {
  path?: unknown;
  methods?: unknown[];
  stack?: unknown[];
}

export interface KoaContext {
  /** The IncomingMessage (the http instrumentation's state lives on it). */
  req?: object;
  _matchedRoute?: unknown;
  matched?: unknown;
}

export interface RouterPrototype {
  register(this: RouterInstance, ...args: unknown[]): unknown;
}

export interface RouterInstance {
  stack?: RouterLayer[];
}

/** koa-router: the class itself; @koa/router's CommonJS build: the class, its named exports copied onto it. */
export interface RouterModule {
  prototype?: Partial<RouterPrototype>;
  Router?: { prototype?: Partial<RouterPrototype> };
}
