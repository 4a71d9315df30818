/**
 * Every private marker the agent puts on objects it does not own, in one place. Symbols, so
 * nothing the app enumerates or serializes ever sees them.
 */
export const AGENT_STARTED = Symbol.for('hoptrace.agent.started');
/** The SERVER span of an incoming request, kept on the request so a framework can name it by route. */
export const SERVER_SPAN = Symbol('hoptrace.http.serverSpan');
/** The CLIENT span of an outgoing request and whether it has ended. */
export const CLIENT_CALL = Symbol('hoptrace.http.clientCall');
