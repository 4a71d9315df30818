/**
 * koa 2 and 3, with @koa/router or koa-router: names the SERVER span `{METHOD} {route}` with the
 * full route template, records the errors the app raises, and optionally adds a span per
 * middleware function. It never starts a span of its own for the request: that is the http
 * instrumentation's.
 *
 * Patched: koa's `createContext`, its context's `onerror` and the app's `error` event, which give
 * the route and the errors without wrapping the app's middleware (request-hooks.ts). The route is
 * read from what the router leaves on the context (route.ts), so it needs no patch of the router
 * and works with @koa/router's ES module build, which cannot be patched. With
 * HOPTRACE_HANDLER_SPANS=middleware, `Application.prototype.use` wraps each function it adds to
 * `app.middleware` (middleware.ts) after koa has checked (and, for koa 2's generators, converted)
 * it, and the routers' `register` is patched too, so that the functions of each route and
 * router.use get spans (CommonJS loads of the routers only).
 */
import type { Tracer } from '@opentelemetry/api';
import shimmer = require('shimmer');
import { log, reportAgentError } from '../../agent/log';
import type { HoptraceInstrumentation, ModuleDefinition } from '../../agent/module-hooks';
import { isWrapped } from '../../agent/patching';
import type { TracerResolver } from '../../agent/tracing/tracers';
import type { KoaApplication, KoaApplicationPrototype, KoaModule, RouterInstance, RouterModule, RouterPrototype } from './internal-types';
import { type MiddlewareKind, wrapMiddleware } from './middleware';
import { type KoaApplicationHooks, patchRequestHooks } from './request-hooks';
import type { KoaInstrumentationOptions } from './types';

/** Tested with 2.16.4 and 3.3.0. */
export const KOA_SUPPORTED_VERSIONS = ['>=2.0.0 <4'];
/** Patched only for handler spans; route names need no router patch (tested: @koa/router 15.7.0, koa-router 14.0.0). */
export const KOA_ROUTER_SUPPORTED_VERSIONS: Readonly<Record<'@koa/router' | 'koa-router', readonly string[]>> = {
  '@koa/router': ['>=15.0.0 <16'],
  'koa-router': ['>=14.0.0 <15'],
};
export const KOA_SCOPE = '@hoptrace/koa';

export class KoaInstrumentation implements HoptraceInstrumentation {
  readonly instrumentationName = KOA_SCOPE;
  private readonly tracer = (): Tracer => this.tracers.tracerFor(KOA_SCOPE);

  constructor(
    private readonly tracers: TracerResolver,
    private readonly options: KoaInstrumentationOptions,
  ) {}

  modules(): ModuleDefinition[] {
    const koa: ModuleDefinition = {
      name: 'koa',
      versions: KOA_SUPPORTED_VERSIONS,
      lostWhenUntraced: 'route names (`http.route`) and handler errors on server spans',
      patch: (moduleExports, version) => this.patchKoa(moduleExports as KoaModule, version),
    };
    if (!this.options.middlewareSpans) return [koa];
    const routers = (Object.keys(KOA_ROUTER_SUPPORTED_VERSIONS) as (keyof typeof KOA_ROUTER_SUPPORTED_VERSIONS)[]).map(
      (name): ModuleDefinition => ({
        name,
        versions: KOA_ROUTER_SUPPORTED_VERSIONS[name],
        lostWhenUntraced: 'spans for route handlers (HOPTRACE_HANDLER_SPANS=middleware; route names are not affected)',
        patch: (moduleExports, version) => this.patchRouter(name, moduleExports as RouterModule, version),
      }),
    );
    return [koa, ...routers];
  }

  private patchKoa(moduleExports: KoaModule, version: string | undefined): void {
    try {
      const proto = moduleExports?.prototype as (KoaModule['prototype'] & KoaApplicationHooks) | undefined;
      if (typeof proto?.use !== 'function' || typeof proto.createContext !== 'function') {
        log.warn(`koa ${version ?? ''} has an unexpected shape; its routes will not name spans`);
        return;
      }
      // The route and the errors, from koa's own hooks (request-hooks.ts); each middleware wrapped
      // only when it is to get a span of its own (middleware.ts).
      patchRequestHooks(proto as KoaApplicationHooks);
      if (this.options.middlewareSpans && !isWrapped(proto.use)) shimmer.wrap(proto as KoaApplicationPrototype, 'use', (original) => patchUse(original, this.tracer));
      log.debug(`patched koa@${version}`);
    } catch (error) {
      reportAgentError('patching koa', error);
    }
  }

  private patchRouter(name: string, moduleExports: RouterModule, version: string | undefined): void {
    try {
      const Router = typeof moduleExports?.prototype?.register === 'function' ? moduleExports : moduleExports?.Router;
      const proto = Router?.prototype;
      if (typeof proto?.register !== 'function') {
        log.warn(`${name} ${version ?? ''} has an unexpected shape; its route handlers will get no spans`);
        return;
      }
      if (!isWrapped(proto.register)) shimmer.wrap(proto as RouterPrototype, 'register', (original) => patchRegister(original, this.tracer));
      log.debug(`patched ${name}@${version}`);
    } catch (error) {
      reportAgentError(`patching ${name}`, error);
    }
  }
}

function patchUse(original: KoaApplicationPrototype['use'], tracer: () => Tracer): KoaApplicationPrototype['use'] {
  return function use(this: KoaApplication, fn: unknown) {
    const middleware = this?.middleware;
    const before = Array.isArray(middleware) ? middleware.length : -1;
    // eslint-disable-next-line prefer-rest-params
    const result = original.apply(this, arguments as unknown as [unknown]);
    try {
      if (before >= 0 && middleware!.length === before + 1) {
        const added = middleware![before];
        const kind: MiddlewareKind = typeof (added as { router?: unknown })?.router === 'object' ? 'router' : 'middleware';
        middleware![before] = wrapMiddleware(added, kind, tracer);
      }
    } catch (error) {
      reportAgentError('koa', error);
    }
    return result;
  };
}

/** Each layer the router adds (one per path) gets its functions wrapped: a route's as handlers, router.use's as middleware. */
function patchRegister(original: RouterPrototype['register'], tracer: () => Tracer): RouterPrototype['register'] {
  return function register(this: RouterInstance) {
    const stack = this?.stack;
    const before = Array.isArray(stack) ? stack.length : -1;
    // eslint-disable-next-line prefer-rest-params
    const result = original.apply(this, arguments as unknown as unknown[]);
    try {
      if (before >= 0) {
        for (let i = before; i < stack!.length; i++) {
          const layer = stack![i];
          if (!Array.isArray(layer?.stack)) continue;
          const kind: MiddlewareKind = Array.isArray(layer.methods) && layer.methods.length > 0 ? 'handler' : 'middleware';
          for (let j = 0; j < layer.stack.length; j++) layer.stack[j] = wrapMiddleware(layer.stack[j], kind, tracer);
        }
      }
    } catch (error) {
      reportAgentError('koa router', error);
    }
    return result;
  };
}
