/**
 * A request body's 'end' in the request's context.
 *
 * The handler runs in the request's context (entered where Node's parser emits 'request'), and so
 * does everything Node's parser emits in that same call. A body that arrives over further reads of
 * the socket ends later, in the socket's callbacks: where Node keeps async context in frames
 * (AsyncContextFrame, the default from Node 24) those run in the context the connection was made
 * in. So an app that answers from its body's 'end' (express's body parsers, uploads) lost its
 * SERVER span there, and its calls began new traces: measured on Node 24 with a 300 KB POST, no
 * span after the first read, where Node 22 kept it.
 *
 * A listener hoptrace puts first on 'end', for a request that has a body, enters the request's
 * context for the listeners after it in the same emit (and what they start). A listener, not a
 * wrapper around emit: a wrapper is a frame on the stack of every error an app's listener throws,
 * and the crash output of an app must read the same with hoptrace as without; an 'end' listener
 * changes nothing else (a 'data' or 'readable' one would switch the stream's mode, so chunks that
 * arrive in later reads reach 'data' listeners in the connection's context still).
 */
import type { IncomingMessage } from 'node:http';
import { enterContext } from '../../agent/tracing/context-manager';
import { serverRequestOf } from './server-request';

/** A request whose body may come after its headers: one with a length above 0, or chunked. */
function mayHaveBody(req: IncomingMessage): boolean {
  const headers = req.headers;
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}

export function endBodyInRequestContext(req: IncomingMessage): void {
  if (mayHaveBody(req) && typeof req.prependListener === 'function') req.prependListener('end', enterRequestContext);
}

function enterRequestContext(this: IncomingMessage): void {
  const state = serverRequestOf(this);
  if (state) enterContext(state.context);
}
