/**
 * An incoming request's own events ('data', 'end', …) in the request's context.
 *
 * The handler runs in the request's context (server.ts enters it where Node's parser emits
 * 'request'), and so does everything Node's parser emits in that same call. A body that arrives
 * over several reads of the socket is emitted later, from the socket's callbacks: where Node keeps
 * async context in frames (AsyncContextFrame, the default from Node 24), those run in the context
 * the connection was made in, not the request's. So an app that answers from its body's 'end'
 * (express's body parsers, any upload) lost its SERVER span there, and its calls began new traces:
 * measured on Node 24 with a 300 KB POST, none after the first read, against the span on Node 22.
 * IncomingMessage's emit, patched once, runs a server request's events in its context when they
 * are not already in it; a client's responses and requests hoptrace did not trace pass straight on.
 */
import type { IncomingMessage } from 'node:http';
import shimmer = require('shimmer');
import { isWrapped } from '../../agent/patching';
import { activeContext, contextManager } from '../../agent/tracing/context-manager';
import { serverRequestOf } from './server-request';

type Emit = (this: IncomingMessage, event: string | symbol, ...args: unknown[]) => boolean;

export function runRequestEventsInTheirContext(IncomingMessageClass: { prototype: IncomingMessage } | undefined): void {
  const prototype = IncomingMessageClass?.prototype as unknown as { emit: Emit } | undefined;
  if (!prototype || typeof prototype.emit !== 'function' || isWrapped(prototype.emit)) return;
  shimmer.wrap(prototype, 'emit', (original: Emit) =>
    function emit(this: IncomingMessage): boolean {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as Parameters<Emit>;
      const state = serverRequestOf(this);
      if (state === undefined || activeContext() === state.context) return original.apply(this, args);
      return contextManager.storage.run(state.context, applyTo, original, this, args) as boolean;
    },
  );
}

function applyTo(original: Emit, self: IncomingMessage, args: Parameters<Emit>): boolean {
  return original.apply(self, args);
}
