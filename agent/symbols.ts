/**
 * Every private marker the agent puts on objects it does not own, in one place. Symbols, so
 * nothing the app enumerates or serializes ever sees them.
 */
export const AGENT_STARTED = Symbol.for('hoptrace.agent.started');
/** The SERVER span's state on an incoming request (instrumentations/http/server-request.ts). */
export const SERVER_REQUEST = Symbol('hoptrace.http.serverRequest');
/** The CLIENT span of an outgoing request and whether it has ended. */
export const CLIENT_CALL = Symbol('hoptrace.http.clientCall');
/** On an express layer: the path it was registered with (`use('/api')`, `route('/users/:id')`). */
export const EXPRESS_LAYER_PATH = Symbol('hoptrace.express.layerPath');
/** On an express layer: the name and attributes of its spans, per route (instrumentations/http/handler-span-shape.ts). */
export const EXPRESS_LAYER_SPAN_SHAPES = Symbol('hoptrace.express.layerSpanShapes');
/** On a kafkajs Kafka object: the client id and first broker it was built with. */
export const KAFKA_CLIENT = Symbol('hoptrace.kafkajs.client');
/** On a span hoptrace did not sample: the resource of the service it was started for (tracing/tracer.ts). */
export const UNSAMPLED_RESOURCE = Symbol('hoptrace.tracing.unsampledResource');
