/**
 * The connection pool every exporter sends through: its sockets never keep the app's process
 * alive, and everything it has under way can be given up at once.
 *
 * Why not plain keep-alive agents: a request in flight holds the event loop, so a collector that
 * accepts a connection and never answers kept a finished process open for the whole export
 * timeout. With these sockets unref'd, the app's own work alone decides when the loop empties;
 * the lifecycle (lifecycle.ts) then waits for delivery with a bounded timer of its own.
 */
import type * as http from 'node:http';
import type { Socket } from 'node:net';

export interface DetachedAgent {
  readonly agent: http.Agent;
  /** Destroys every request under way (each fails with an error its caller sees) and every socket. */
  abandon(): void;
}

type Transport = Pick<typeof http, 'Agent'>;
type CreateConnection = (this: http.Agent, ...args: unknown[]) => Socket | undefined;

/** `tls`: https.Agent options (ca, cert, key) for an https transport. */
export function createDetachedAgent(transport: Transport, tls: object = {}): DetachedAgent {
  const agent = new transport.Agent({ ...tls, keepAlive: true, maxSockets: 2 });
  const underWay = new Set<http.ClientRequest>();

  // Both are documented as overridable; the defaults ref() a socket when it is created or reused.
  // The defaults' own work (reuseSocket also takes off the listener an idle socket had) stays; only
  // the ref() is undone.
  const agentWithHooks = agent as unknown as { createConnection: CreateConnection; reuseSocket(socket: Socket, req: http.ClientRequest): void };
  const createConnection = agentWithHooks.createConnection;
  agentWithHooks.createConnection = function (this: http.Agent, ...args: unknown[]) {
    const socket = createConnection.apply(this, args);
    socket?.unref?.();
    return socket;
  };
  const reuseSocket = agentWithHooks.reuseSocket;
  agentWithHooks.reuseSocket = function (this: http.Agent, socket, req) {
    reuseSocket.call(this, socket, req);
    socket.unref();
  };

  // Requests are tracked from the moment the agent sees them until they close, whichever code made them.
  const addRequest = (agent as unknown as { addRequest: (req: http.ClientRequest, ...rest: unknown[]) => void }).addRequest;
  (agent as unknown as { addRequest: typeof addRequest }).addRequest = function (this: http.Agent, req, ...rest) {
    underWay.add(req);
    req.once('close', () => underWay.delete(req));
    return addRequest.call(this, req, ...rest);
  };

  return {
    agent,
    abandon() {
      for (const req of underWay) req.destroy(new Error('abandoned: the process is ending'));
      underWay.clear();
      agent.destroy();
    },
  };
}

/** What shimmer wrapped (it marks each wrapper with `__original`), down to Node's own function. */
export function unwrapped<F extends (...args: never[]) => unknown>(fn: F): F {
  let original = fn;
  for (let depth = 0; depth < 8; depth++) {
    const inner = (original as { __original?: unknown }).__original;
    if (typeof inner !== 'function') break;
    original = inner as F;
  }
  return original;
}
