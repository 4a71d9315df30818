/**
 * HTTP through Node's own diagnostics channels, where Node publishes the one that lets trace
 * context go into a request before its headers leave (`http.client.request.created`: Node 22.12
 * and later). The default there (HOPTRACE_HTTP_VIA=patching keeps the patched way).
 *
 * - `http.server.request.start`, published by Node's parser just before it emits 'request': the
 *   SERVER span starts and its context is made the current one, so the handler runs in it with no
 *   wrapper of hoptrace's around it: an error the handler throws travels with no hoptrace frame on
 *   its stack. A handler that throws and nothing catches is learned from Node's
 *   `uncaughtExceptionMonitor`, which runs in the context the error escaped from.
 * - `http.client.request.created`, published inside the app's own http.request() call: the CLIENT
 *   span starts in the caller's context and its context goes into the request's headers
 *   (client.ts, traceCreatedRequests). Its response and errors come through channels on both ways.
 *
 * Nothing of http or https is patched on this way, and neither module is loaded by hoptrace: an ES
 * module app that never imports them never loads them, and one that loaded them before hoptrace is
 * traced all the same. What still patches, and why: express, fastify and koa, which no channel
 * describes (their routes and errors go onto the SERVER span through server-request.ts, as on the
 * patched way). A request body's 'end' gets a listener of hoptrace's, on both ways, so that it runs
 * in the request's context (request-events.ts: no channel carries it).
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reportAgentError } from '../../agent/log';
import { ROOT } from '../../agent/tracing/context';
import { activeContext, enterContext } from '../../agent/tracing/context-manager';
import type { TracerResolver } from '../../agent/tracing/tracers';
import { subscribeToClientChannels, traceCreatedRequests } from './client';
import { type BeginServerRequest, HTTP_SWITCH, IGNORED_REQUEST_CONTEXT, failRequest, serverRequestStarter } from './server';
import { enterRequestContext } from './connection-context';
import type { ServerRequestState } from './server-request';
import type { HttpInstrumentationOptions } from './types';
import type { UrlRedactor } from './url-redaction';

/** Node publishes `http.client.request.created` from 22.12 on (and in every later major). */
export function httpChannelsAvailable(version = process.versions.node): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 12);
}

export function traceThroughChannels(tracers: TracerResolver, options: HttpInstrumentationOptions, redactor: UrlRedactor): void {
  diagnosticsChannel.subscribe('http.server.request.start', onServerRequestStart(serverRequestStarter(tracers, options, redactor)));
  diagnosticsChannel.subscribe('http.client.request.created', traceCreatedRequests(tracers, redactor));
  subscribeToClientChannels();
}

/** The request the parser has just started, for a handler that throws in the same call. */
let current: ServerRequestState | undefined;
let watchingThrows = false;

function onServerRequestStart(begin: BeginServerRequest): (message: unknown) => void {
  return (message) => {
    try {
      if (!HTTP_SWITCH.on) {
        // As without hoptrace: no context, not the last traced request's left on the connection.
        enterContext(ROOT);
        return;
      }
      const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
      const state = begin(request, response);
      enterRequestContext(state ? state.context : IGNORED_REQUEST_CONTEXT, state);
      current = state;
      if (!watchingThrows) {
        watchingThrows = true;
        process.on('uncaughtExceptionMonitor', failCurrentRequest);
      }
    } catch (error) {
      // A subscriber's exception would reach the app (Node rethrows it on the next tick).
      reportAgentError('http server', error);
    }
  };
}

/**
 * An exception nothing caught: if it escaped from the handler of the request started last (the
 * context it escaped from is that request's), the SERVER span records it and ends, as on the
 * patched way. A monitor only observes: Node's handling of the exception is unchanged.
 */
function failCurrentRequest(error: unknown): void {
  try {
    const state = current;
    if (state && !state.ended && activeContext() === state.context) failRequest(state)(error);
  } catch (agentError) {
    reportAgentError('http server', agentError);
  }
}
