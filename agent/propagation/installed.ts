/**
 * The global propagator, for the hot paths: hoptrace's own called directly while it is the one the
 * OpenTelemetry API hands out, the API's lookup otherwise.
 *
 * `propagation.extract` and `inject` look the global propagator up on every call: the API's global
 * object read twice, its version checked against a set, the propagator read by a key V8 sees as
 * variable. Counted by callgrind (Node 24, kafkajs eachBatch in sends of 100, sampling off) that was
 * ~400 instructions a message, of ~5,600 that hoptrace adds above the propagation floor. The
 * global object is read here on every call too (a newer copy of the API may register everything
 * again, in a new object: api-globals.ts), but only its `propagation` by name; when that is the
 * propagator hoptrace registered, it is what the API would have returned.
 */
import { type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter, propagation } from '@opentelemetry/api';
import { API_GLOBALS_KEY } from '../tracing/api-globals';

let installed: TextMapPropagator | undefined;

/** The propagator hoptrace registers with the API (setup.ts). */
export function installPropagator(propagator: TextMapPropagator): void {
  installed = propagator;
}

function registered(): unknown {
  return (globalThis as { [API_GLOBALS_KEY]?: { propagation?: unknown } })[API_GLOBALS_KEY]?.propagation;
}

/** `propagation.extract(ctx, carrier, getter)`. */
export function extractFromCarrier<Carrier>(ctx: Context, carrier: Carrier, getter: TextMapGetter<Carrier>): Context {
  const own = installed;
  return own !== undefined && registered() === own ? own.extract(ctx, carrier, getter) : propagation.extract(ctx, carrier, getter);
}

/** `propagation.inject(ctx, carrier, setter)`. */
export function injectIntoCarrier<Carrier>(ctx: Context, carrier: Carrier, setter: TextMapSetter<Carrier>): void {
  const own = installed;
  if (own !== undefined && registered() === own) own.inject(ctx, carrier, setter);
  else propagation.inject(ctx, carrier, setter);
}
