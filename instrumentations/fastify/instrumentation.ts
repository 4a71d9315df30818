/**
 * fastify 4 and 5: names the SERVER span `{METHOD} {route}` with the full route template, records
 * the errors the app raises, and optionally adds a span per route handler and request hook. It
 * never starts a span of its own for the request: that is the http instrumentation's.
 *
 * Nothing of fastify's is patched. Every fastify instance announces itself on the
 * `fastify.initialization` diagnostics channel as it is created (all of 4.x and 5.x); hoptrace
 * listens from the moment the package is loaded and gives each new instance its hooks through
 * fastify's own `addHook` (request-hooks.ts). With HOPTRACE_HANDLER_SPANS=middleware, the
 * instance's `addHook` is wrapped too, so that the app's own hooks get spans.
 */
import type { Tracer } from '@opentelemetry/api';
import { subscribe } from 'node:diagnostics_channel';
import shimmer = require('shimmer');
import { log, reportAgentError } from '../../agent/log';
import type { HoptraceInstrumentation, ModuleDefinition } from '../../agent/module-hooks';
import { isWrapped } from '../../agent/patching';
import type { TracerResolver } from '../../agent/tracing/tracers';
import type { FastifyInstance, HookFunction, InitializationMessage } from './internal-types';
import { hoptraceError, hoptraceRoute, isSpannedHook, spanRouteHandlers, wrapHook } from './request-hooks';
import type { FastifyInstrumentationOptions } from './types';

/** Tested with 4.29.1 and 5.12.8; 4.0–4.9 name routes through `routerPath` (route.ts). */
export const FASTIFY_SUPPORTED_VERSIONS = ['>=4.0.0 <6'];
export const FASTIFY_SCOPE = '@hoptrace/fastify';
const INITIALIZATION_CHANNEL = 'fastify.initialization';

export class FastifyInstrumentation implements HoptraceInstrumentation {
  readonly instrumentationName = FASTIFY_SCOPE;
  private subscribed = false;
  private readonly instrumented = new WeakSet<object>();
  private readonly tracer = (): Tracer => this.tracers.tracerFor(FASTIFY_SCOPE);

  constructor(
    private readonly tracers: TracerResolver,
    private readonly options: FastifyInstrumentationOptions,
  ) {}

  modules(): ModuleDefinition[] {
    return [
      {
        name: 'fastify',
        versions: FASTIFY_SUPPORTED_VERSIONS,
        lostWhenUntraced: 'route names (`http.route`) and handler errors on server spans',
        patch: (_moduleExports, version) => this.patch(version),
      },
    ];
  }

  private patch(version: string | undefined): void {
    try {
      if (!this.subscribed) {
        subscribe(INITIALIZATION_CHANNEL, this.onInstanceCreated);
        this.subscribed = true;
      }
      log.debug(`patched fastify@${version}`);
    } catch (error) {
      reportAgentError('patching fastify', error);
    }
  }

  /** A subscriber that throws would have Node rethrow it in the app: everything here is guarded. */
  private readonly onInstanceCreated = (message: unknown): void => {
    try {
      const instance = (message as InitializationMessage | undefined)?.fastify;
      if (!instance || typeof instance.addHook !== 'function' || this.instrumented.has(instance)) return;
      this.instrumented.add(instance);
      instance.addHook('onRequest', hoptraceRoute as HookFunction);
      instance.addHook('onError', hoptraceError as HookFunction);
      if (this.options.middlewareSpans) this.addHandlerSpans(instance);
    } catch (error) {
      reportAgentError('fastify', error);
    }
  };

  private addHandlerSpans(instance: FastifyInstance): void {
    instance.addHook('onRoute', spanRouteHandlers(this.tracer) as HookFunction);
    // Plugins' instances inherit addHook from this one (fastify creates them with Object.create).
    if (isWrapped(instance.addHook)) return;
    const tracer = this.tracer;
    shimmer.wrap(instance, 'addHook', (original) =>
      function addHook(this: FastifyInstance, name: string, fn: HookFunction) {
        let hook: unknown = fn;
        try {
          if (isSpannedHook(name)) hook = wrapHook(name, fn, tracer);
        } catch (error) {
          reportAgentError('fastify', error);
        }
        // eslint-disable-next-line prefer-rest-params
        const args = Array.prototype.slice.call(arguments) as [string, HookFunction];
        args[1] = hook as HookFunction;
        return original.apply(this, args);
      },
    );
  }
}
