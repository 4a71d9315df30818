/**
 * The process's one context manager, kept here so instrumentations can set the active context for
 * the rest of the current execution (not only inside a callback). kafkajs batch processing needs
 * that: the work for each message of a batch runs in the user's own loop body, which hoptrace does
 * not call and cannot wrap.
 */
import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

export const contextManager = new AsyncLocalStorageContextManager();

/**
 * Makes `ctx` active from here on in the current execution and in the async work it starts.
 * Callers must be inside a `context.with()` of their own, whose exit restores what was active
 * before, so nothing leaks past the code they wrap.
 */
export function enterContext(ctx: Context): void {
  contextManager.attach(ctx);
}
