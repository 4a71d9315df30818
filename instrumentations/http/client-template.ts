/**
 * What the CLIENT spans of calls to one server share from call to call (method, the server's
 * address and port; attributes.ts), made once per combination and shared by their spans as a
 * frozen template (span.ts), as server-template.ts does for SERVER spans: the OTLP encoder writes
 * it from bytes it encoded once (wire-format.ts). A call's own attributes are its URL and, for a
 * method outside the known set, the method as sent.
 *
 * A call through a forward proxy has none: its request target is the destination's whole URL,
 * read only by the recipe, and the proxy's address goes beside it (clientRequestAttributes).
 */
import type { Attributes } from '@opentelemetry/api';
import { type OutgoingTarget, clientAddressAttributes, normalizeMethod } from './attributes';

/**
 * Combinations kept. Past it (an app that calls very many hosts, a crawler), a call's attributes
 * are all its own, as before templates: a template made per call would cost the encoder more than
 * it saves.
 */
export const MAX_CLIENT_TEMPLATES = 256;

/**
 * Method → address → port → template: found with three lookups of strings and a number the call
 * has already, where a key made of them would be a new string, hashed, for every call.
 */
const templates = new Map<string, Map<string, Map<number | undefined, Attributes>>>();
let kept = 0;

/** The template of a call to `target`'s CLIENT span, or undefined (through a proxy; too many kept). Called only for a span that is recorded. */
export function clientTemplate(target: OutgoingTarget): Attributes | undefined {
  // Origin form: the path is the call's own. Any other form names its destination (a proxy's client) or has no path.
  if (target.target.charCodeAt(0) !== 47 /* / */) return undefined;
  const method = normalizeMethod(target.method).method;
  const found = templates.get(method)?.get(target.address)?.get(target.port);
  if (found !== undefined) return found;
  if (kept >= MAX_CLIENT_TEMPLATES) return undefined;
  let byAddress = templates.get(method);
  if (byAddress === undefined) templates.set(method, (byAddress = new Map()));
  let byPort = byAddress.get(target.address);
  if (byPort === undefined) byAddress.set(target.address, (byPort = new Map()));
  const template = Object.freeze(clientAddressAttributes(method, target.address, target.port));
  byPort.set(target.port, template);
  kept++;
  return template;
}

/** How many are kept (for the test that they stay bounded whatever hosts the app calls). */
export function clientTemplateCount(): number {
  return kept;
}
