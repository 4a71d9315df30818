/**
 * koa without wrapping the app's middleware: the route and the errors of a request are read from
 * koa's own hooks, none of which is on the stack while the app's code runs, so the stacks of the
 * errors the app makes and logs are its own (a wrapper per middleware put a hoptrace frame between
 * every two of the app's, and with Node's 10-frame limit pushed the app's own last frame out).
 *
 * - `createContext` (returns before any middleware runs): the SERVER span's route is read from
 *   what the router leaves on the context when the request is over (route.ts).
 * - The context's `onerror`, which koa calls with every error that leaves the middleware: recorded
 *   on the SERVER span (http's 5xx rule decides status and `error.type`).
 * - The app's `error` event, which koa's own handler emits and which error-handling middleware is
 *   meant to emit for errors it answers itself (koa's documentation): recorded too, once per error.
 *
 * An error that the app's middleware catches and answers without emitting it is the app's own
 * business and is not seen; the SERVER span still fails by the status it sends. With
 * HOPTRACE_HANDLER_SPANS=middleware every middleware is wrapped (middleware.ts) and sees them.
 */
import { stateOf } from './request-state';
import shimmer = require('shimmer');
import { log, reportAgentError } from '../../agent/log';
import { isWrapped } from '../../agent/patching';
import { recordRequestError } from '../http/server-request';
import type { KoaContext } from './internal-types';
import { matchedRoute } from './route';

export interface KoaApplicationHooks {
  createContext?: (this: { context?: object }, req: object, res: object) => KoaContext;
  emit?: (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
}

interface KoaContextPrototype {
  onerror?: (this: KoaContext, error: unknown) => unknown;
}

/** Said once per process, should a koa come without it. */
let saidNoOnerror = false;

export function patchRequestHooks(proto: KoaApplicationHooks): void {
  if (typeof proto.createContext === 'function' && !isWrapped(proto.createContext)) shimmer.wrap(proto as Required<KoaApplicationHooks>, 'createContext', patchCreateContext);
  if (typeof proto.emit === 'function' && !isWrapped(proto.emit)) shimmer.wrap(proto as Required<KoaApplicationHooks>, 'emit', patchEmit);
}

function patchCreateContext(original: NonNullable<KoaApplicationHooks['createContext']>): NonNullable<KoaApplicationHooks['createContext']> {
  return function createContext(this: { context?: object }, req: object, res: object): KoaContext {
    // eslint-disable-next-line prefer-rest-params
    const ctx = original.apply(this, arguments as unknown as [object, object]);
    try {
      const state = stateOf(ctx);
      if (state) {
        state.routeAtEnd = routeOfContext;
        state.routeSource = ctx;
      }
      // Every app's context inherits koa's one context prototype: its onerror is patched once.
      const contextPrototype = this?.context ? (Object.getPrototypeOf(this.context) as KoaContextPrototype | null) : null;
      if (contextPrototype && typeof contextPrototype.onerror === 'function') {
        if (!isWrapped(contextPrototype.onerror)) shimmer.wrap(contextPrototype as Required<KoaContextPrototype>, 'onerror', patchOnerror);
      } else if (!saidNoOnerror) {
        saidNoOnerror = true;
        log.warn("koa's context has no onerror: errors that leave the middleware are not recorded (those the app emits as 'error' still are)");
      }
    } catch (error) {
      reportAgentError('koa', error);
    }
    return ctx;
  };
}

function routeOfContext(source: object): string | undefined {
  return matchedRoute(source as KoaContext);
}

function patchOnerror(original: NonNullable<KoaContextPrototype['onerror']>): NonNullable<KoaContextPrototype['onerror']> {
  return function onerror(this: KoaContext, error: unknown): unknown {
    record(this, error);
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as [unknown]);
  };
}

function patchEmit(original: NonNullable<KoaApplicationHooks['emit']>): NonNullable<KoaApplicationHooks['emit']> {
  return function emit(this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'error') record(args[1] as KoaContext | undefined, args[0]);
    return original.call(this, event, ...args);
  };
}

function record(ctx: KoaContext | undefined, error: unknown): void {
  try {
    if (error === null || error === undefined) return;
    const state = stateOf(ctx);
    if (state) recordRequestError(state, error);
  } catch (agentError) {
    reportAgentError('koa', agentError);
  }
}

