/**
 * What the http instrumentation marks on objects it does not own. Symbols, so nothing the app
 * enumerates or serializes ever sees them. express, fastify and koa read SERVER_REQUEST (through
 * server-request.ts) to name and fail the SERVER span http started.
 */
/** The SERVER span's state on an incoming request (server-request.ts). */
export const SERVER_REQUEST = Symbol('hoptrace.http.serverRequest');
/** The CLIENT span of an outgoing request and whether it has ended (client.ts). */
export const CLIENT_CALL = Symbol('hoptrace.http.clientCall');
