/**
 * The process's one context manager. It answers with hoptrace's root context (context.ts) when
 * nothing is active, so every context derived in the process is a cheap chain, and it lets
 * instrumentations run work in a context without the API's rest-argument copies, and set the
 * active context for the rest of the current execution (not only inside a callback). kafkajs
 * batch processing needs that: the work for each message of a batch runs in the user's own loop
 * body, which hoptrace does not call and cannot wrap.
 */
import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT } from './context';

class HoptraceContextManager extends AsyncLocalStorageContextManager {
  /** The base class's storage; read through one typed view. */
  get storage(): AsyncLocalStorage<Context> {
    return (this as unknown as { _asyncLocalStorage: AsyncLocalStorage<Context> })._asyncLocalStorage;
  }

  override active(): Context {
    return this.storage.getStore() ?? ROOT;
  }
}

export const contextManager = new HoptraceContextManager();

/** The active context, without the API's indirection. */
export function activeContext(): Context {
  return contextManager.storage.getStore() ?? ROOT;
}

/** `work` called with `thisArg` and `arg`, in `ctx`; for the hot paths, which know their arity. */
export function runInContext<This, Arg, Result>(ctx: Context, work: (this: This, arg: Arg) => Result, thisArg: This, arg: Arg): Result {
  return contextManager.storage.run(ctx, callWith, work, thisArg, arg) as Result;
}

function callWith<This, Arg, Result>(work: (this: This, arg: Arg) => Result, thisArg: This, arg: Arg): Result {
  return work.call(thisArg, arg);
}

/** runInContext for work of three arguments (a middleware's request, response and next). */
export function runInContext3<This, A, B, C, Result>(ctx: Context, work: (this: This, a: A, b: B, c: C) => Result, thisArg: This, a: A, b: B, c: C): Result {
  return contextManager.storage.run(ctx, callWith3, work, thisArg, a, b, c) as Result;
}

function callWith3<This, A, B, C, Result>(work: (this: This, a: A, b: B, c: C) => Result, thisArg: This, a: A, b: B, c: C): Result {
  return work.call(thisArg, a, b, c);
}

/**
 * Makes `ctx` active from here on in the current execution and in the async work it starts.
 * Callers must be inside a `runInContext()` or `context.with()` of their own, whose exit restores
 * what was active before, so nothing leaks past the code they wrap.
 */
export function enterContext(ctx: Context): void {
  contextManager.storage.enterWith(ctx);
}
