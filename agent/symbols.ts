/**
 * The agent's own markers on objects it does not own (each instrumentation keeps its own in its
 * folder's markers.ts). Symbols, so nothing the app enumerates or serializes ever sees them.
 */
export const AGENT_STARTED = Symbol.for('hoptrace.agent.started');
/** On a span hoptrace did not sample: the resource of the service it was started for (tracing/tracer.ts). */
export const UNSAMPLED_RESOURCE = Symbol('hoptrace.tracing.unsampledResource');
