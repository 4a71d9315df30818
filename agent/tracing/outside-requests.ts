/**
 * The async scope hoptrace started in, which belongs to no request. What is made on behalf of the
 * process or of a connection rather than of one request, and waits (an export's timer, a kept-alive
 * connection's idle timer), is made in it: a timer keeps the async context it was made in for as
 * long as it waits, and made inside a request it kept that request's context, and the request's
 * spans with their attributes, alive with it (instrumentations/http/idle-connection-timer.ts
 * measures what that cost).
 *
 * One scope (an AsyncResource) made when hoptrace starts, before the app runs, rather than
 * hoptrace's root context entered per call: entering a context copies the current context frame
 * (Node 24, express, a timer per request: +765 B per request that way, +115 B this way).
 * The scope sets every async store at once, the app's own too: what runs in it is Node's or
 * hoptrace's, never the app's code, and none of it belongs to the request it was made in.
 */
import { AsyncResource } from 'node:async_hooks';

let scope: AsyncResource | undefined;

/** Made once, at start: a scope made inside a request would keep that request's context. */
export function startOutsideRequestsScope(): void {
  scope ??= new AsyncResource('hoptrace.outside-requests');
}

/** `work` called with `thisArg` and `arg` outside any request (as it is, before start). */
export function outsideRequests<This, Arg, Result>(work: (this: This, arg: Arg) => Result, thisArg: This, arg: Arg): Result {
  return scope === undefined ? work.call(thisArg, arg) : scope.runInAsyncScope(work, thisArg, arg);
}
