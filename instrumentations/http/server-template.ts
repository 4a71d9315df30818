/**
 * What the SERVER spans of one server address share from request to request (method, scheme,
 * protocol version, the server's address and port; attributes.ts), made once per combination and
 * shared by their spans as a frozen template (span.ts). The OTLP encoder writes a template from
 * bytes it encoded once (wire-format.ts), where it encoded these five attributes anew for every
 * request. A connection remembers the last template its requests had, so a request on a kept-alive
 * connection finds it by comparing three strings, without building a key.
 */
import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { normalizeMethod, serverAddressAttributes } from './attributes';

/**
 * Combinations kept. Past it (a server reached under very many names: Host is the client's to
 * choose), a request's attributes are all its own, as before templates: a template made per
 * request would cost the encoder more than it saves.
 */
export const MAX_SERVER_TEMPLATES = 256;

const templates = new Map<string, Attributes>();

/** The last template a connection's requests had, and what decided it beyond the connection itself (scheme and local port are the connection's). */
interface LastTemplate {
  readonly method: string;
  readonly host: string | undefined;
  readonly version: string;
  readonly template: Attributes;
}

const LAST_TEMPLATE = Symbol('hoptrace.http.lastServerTemplate');

type Remembering = { [LAST_TEMPLATE]?: LastTemplate };

/** The template of `req`'s SERVER span, or undefined when too many are kept already. Called only for a span that is recorded (tracer.ts). */
export function serverTemplate(req: IncomingMessage): Attributes | undefined {
  const method = normalizeMethod(req.method).method;
  const host = req.headers.host;
  const version = req.httpVersion;
  const socket = req.socket as (IncomingMessage['socket'] & Remembering) | null | undefined;
  const last = socket?.[LAST_TEMPLATE];
  if (last !== undefined && last.method === method && last.host === host && last.version === version) return last.template;
  const attributes = serverAddressAttributes(req, method);
  // Method and version hold no space, and the port, last, is a number or nothing: one key, one combination.
  const key = `${method} ${attributes['url.scheme']} ${version} ${attributes['server.address'] ?? ''} ${attributes['server.port'] ?? ''}`;
  let template = templates.get(key);
  if (template === undefined) {
    if (templates.size >= MAX_SERVER_TEMPLATES) return undefined;
    template = Object.freeze(attributes);
    templates.set(key, template);
  }
  remember(socket, { method, host, version, template });
  return template;
}

/** Noted on the connection, unless it takes no property (a socket object the app froze): then its next request looks again. */
function remember(socket: Remembering | null | undefined, last: LastTemplate): void {
  if (!socket) return;
  try {
    socket[LAST_TEMPLATE] = last;
  } catch {
    // Not remembered; the template is right all the same.
  }
}

/** How many are kept (for the test that they stay bounded whatever Host headers arrive). */
export function serverTemplateCount(): number {
  return templates.size;
}
