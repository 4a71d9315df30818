/**
 * express 4 and 5: names the SERVER span `{METHOD} {route}` with the full route template, records
 * the errors the app raises, and optionally adds a span per middleware. It never starts a span of
 * its own for the request: that is the http instrumentation's.
 *
 * Patched: the Router's `use` and `route` (to note each new layer's path; app.use, app.get & co.
 * go through them) and the Layer prototype's request handler (reached through the first layer
 * created, so express 4's own Layer and express 5's `router` package need no file paths).
 */
import type { Tracer } from '@opentelemetry/api';
import shimmer = require('shimmer');
import { log, reportAgentError } from '../../agent/log';
import type { HoptraceInstrumentation, ModuleDefinition } from '../../agent/module-hooks';
import { isWrapped } from '../../agent/patching';
import { EXPRESS_LAYER_PATH } from './markers';
import type { TracerResolver } from '../../agent/tracing/tracers';
import type { ExpressModule, Layer, LayerPrototype, RouterInstance, RouterPrototype } from './internal-types';
import { patchLayerHandle } from './layer-handler';
import { formatPath, mountPathOf } from './route-template';
import type { ExpressInstrumentationOptions } from './types';

/** Tested with 4.22.3 and 5.3.0; within the range, express 4 and 5 are told apart by shape. */
export const EXPRESS_SUPPORTED_VERSIONS = ['>=4.0.0 <6'];
export const EXPRESS_SCOPE = '@hoptrace/express';

export class ExpressInstrumentation implements HoptraceInstrumentation {
  readonly instrumentationName = EXPRESS_SCOPE;
  private readonly patchedLayerPrototypes = new Set<LayerPrototype>();

  constructor(
    private readonly tracers: TracerResolver,
    private readonly options: ExpressInstrumentationOptions,
  ) {}

  modules(): ModuleDefinition[] {
    return [
      {
        name: 'express',
        versions: EXPRESS_SUPPORTED_VERSIONS,
        lostWhenUntraced: 'route names (`http.route`) and handler errors on server spans',
        patch: (moduleExports, version) => this.patch(moduleExports as ExpressModule, version),
      },
    ];
  }

  /** express 5's Router (the `router` package) is a constructor; express 4's is the prototype object itself. */
  private routerPrototype(moduleExports: ExpressModule): RouterPrototype | undefined {
    const Router = moduleExports?.Router;
    if (typeof Router?.prototype?.route === 'function') return Router.prototype as RouterPrototype;
    if (typeof Router?.route === 'function') return Router;
    return undefined;
  }

  private patch(moduleExports: ExpressModule, version?: string): void {
    try {
      const proto = this.routerPrototype(moduleExports);
      if (!proto) {
        log.warn(`express ${version ?? ''} has an unexpected shape; its routes will not name spans`);
        return;
      }
      const tagNewLayers = (router: RouterInstance, from: number, path: string) => this.tagNewLayers(router, from, path);
      if (!isWrapped(proto.use)) shimmer.wrap(proto, 'use', (original) => patchUse(original, tagNewLayers));
      if (!isWrapped(proto.route)) shimmer.wrap(proto, 'route', (original) => patchRoute(original, tagNewLayers));
      log.debug(`patched express@${version}`);
    } catch (error) {
      reportAgentError('patching express', error);
    }
  }

  private tagNewLayers(router: RouterInstance, from: number, path: string): void {
    try {
      const stack = router?.stack;
      if (!Array.isArray(stack)) return;
      for (let i = from; i < stack.length; i++) {
        (stack[i] as Layer & { [EXPRESS_LAYER_PATH]?: string })[EXPRESS_LAYER_PATH] = path;
        this.patchLayerPrototype(Object.getPrototypeOf(stack[i]) as LayerPrototype);
      }
    } catch (error) {
      reportAgentError('express', error);
    }
  }

  private patchLayerPrototype(proto: LayerPrototype): void {
    if (!proto || this.patchedLayerPrototypes.has(proto)) return;
    const method = typeof proto.handleRequest === 'function' ? 'handleRequest' : typeof proto.handle_request === 'function' ? 'handle_request' : undefined;
    if (!method) return;
    this.patchedLayerPrototypes.add(proto);
    const tracer = (): Tracer => this.tracers.tracerFor(EXPRESS_SCOPE);
    if (!isWrapped(proto[method])) shimmer.wrap(proto, method, patchLayerHandle(tracer, this.options) as never);
  }
}

type TagNewLayers = (router: RouterInstance, from: number, path: string) => void;

function patchUse(original: RouterPrototype['use'], tag: TagNewLayers): RouterPrototype['use'] {
  return function use(this: RouterInstance, ...args: unknown[]) {
    const before = Array.isArray(this?.stack) ? this.stack.length : -1;
    const result = original.apply(this, args);
    if (before >= 0) tag(this, before, formatPath(mountPathOf(args)));
    return result;
  };
}

function patchRoute(original: RouterPrototype['route'], tag: TagNewLayers): RouterPrototype['route'] {
  return function route(this: RouterInstance, path: unknown) {
    const before = Array.isArray(this?.stack) ? this.stack.length : -1;
    // eslint-disable-next-line prefer-rest-params
    const result = original.apply(this, arguments as unknown as [unknown]);
    if (before >= 0) tag(this, before, formatPath(path));
    return result;
  };
}
