/**
 * A request's context entered on its connection, and taken off it again when the response is over.
 *
 * The handler runs in the request's context made the current one (enterContext) inside Node's
 * parser callback. Where async context is carried by AsyncContextFrame (Node 24 on), that lasts
 * for the callback and what it starts. Where it is carried by async_hooks (Node 20 and 22), the
 * context is written onto the connection's parser resource, one per connection, and stays there
 * until the connection's next request: an idle kept-alive connection kept its last request's
 * context, and the ended span in it with its attributes, alive (test/integration/idle-connections
 * .test.js found it). When the recorded request's response is over, its context is taken off the
 * resource, unless a later request on the connection has put its own there already. (A request
 * whose span is not recorded has no listener on its response, to stay cheap: its context, a few
 * hundred bytes, stays until the next request.)
 */
import type { Context } from '@opentelemetry/api';
import { executionAsyncResource } from 'node:async_hooks';
import { contextManager, enterContext } from '../../agent/tracing/context-manager';
import type { ServerRequestState } from './server-request';

/** Where async_hooks' AsyncLocalStorage keeps its value on a resource; undefined under AsyncContextFrame, which keeps none there. */
const RESOURCE_STORE: symbol | undefined = (() => {
  const key = (contextManager.storage as unknown as { kResourceStore?: unknown }).kResourceStore;
  return typeof key === 'symbol' ? key : undefined;
})();

/** `ctx` made current for the rest of the parser's callback; the resource it lands on noted in `state` (async_hooks only). */
export function enterRequestContext(ctx: Context, state: ServerRequestState | undefined): void {
  enterContext(ctx);
  if (RESOURCE_STORE !== undefined && state !== undefined) state.connectionResource = executionAsyncResource();
}

/** The response is over: the request's context off its connection's resource, if it is still the one there. */
export function leaveConnection(state: ServerRequestState): void {
  const resource = state.connectionResource as Record<symbol, unknown> | undefined;
  if (RESOURCE_STORE === undefined || resource === undefined) return;
  state.connectionResource = undefined;
  if (resource[RESOURCE_STORE] === state.context) resource[RESOURCE_STORE] = undefined;
}
