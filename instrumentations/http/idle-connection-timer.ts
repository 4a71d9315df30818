/**
 * A kept-alive connection's idle timer, made outside the request it follows.
 *
 * When a response has finished, Node's server sets the connection's idle timer (the keep-alive
 * timeout, through socket.setTimeout) from inside the response's own callbacks, where the request's
 * context is still the current one; a timer keeps the context it was made in for as long as it
 * waits. So every idle connection kept its last request's context, and with it the request's span,
 * ended, with its attributes and ids, until its next request came. Under load most of those survived
 * V8's young-generation collections, and V8 grows the young generation once enough has survived:
 * measured with the express app, 50 keep-alive connections, Node 24, 51–63 KB survived each
 * collection with hoptrace at 100 % (30 KB with sampling off) against 3–9 KB without an agent, and
 * 1–9 KB with hoptrace once the server kept no connection alive; the young generation doubled
 * within 30,000 requests, and RSS with it.
 *
 * The timer that the server sets while no response is attached to the connection (between two
 * requests) is made outside any request (agent/tracing/outside-requests.ts): it belongs to the
 * connection, and what it fires reaches the server (its 'timeout'), not a request. Every other
 * call, a timer the app sets during a request (req.setTimeout, res.setTimeout) among them, is
 * passed on as it is.
 */
import type { Socket } from 'node:net';
import { outsideRequests } from '../../agent/tracing/outside-requests';

type SetTimeout = Socket['setTimeout'];

/** Installs the idle-timer rule on a server connection, once (an own method; a socket with its own setTimeout already is left alone). */
export function keepIdleTimerOutOfRequests(socket: Socket | null | undefined): void {
  if (!socket || socket.setTimeout === setTimeoutOutsideRequests || Object.prototype.hasOwnProperty.call(socket, 'setTimeout')) return;
  socket.setTimeout = setTimeoutOutsideRequests;
}

function setTimeoutOutsideRequests(this: Socket, msecs: number, callback?: () => void): Socket {
  const inherited = Object.getPrototypeOf(this).setTimeout as SetTimeout;
  // No response attached (Node's server detaches it when the response finishes), one argument, a
  // timer to make: the server's idle timer.
  if (arguments.length === 1 && msecs !== 0 && (this as { _httpMessage?: unknown })._httpMessage == null) {
    return outsideRequests(inherited as (this: Socket, msecs: number) => Socket, this, msecs);
  }
  // eslint-disable-next-line prefer-rest-params
  return inherited.apply(this, arguments as unknown as Parameters<SetTimeout>);
}
