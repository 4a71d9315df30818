/**
 * Span names and attributes for HTTP, after the stable HTTP semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/http/http-spans/). Pure functions of what Node
 * hands us, so they are tested without a network.
 */
import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { readRequestTarget } from './request-target';
import { type UrlRedactor, REDACTED } from './url-redaction';

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

/** A known method as sent (upper case): one frozen answer each, as nearly every request has one. */
const SENT_AS_KNOWN = new Map([...KNOWN_METHODS].map((method) => [method, Object.freeze({ method })]));

/** Methods outside the known set are recorded as `_OTHER` so span names stay a small set. */
export function normalizeMethod(method: string | undefined): { readonly method: string; readonly original?: string } {
  const known = SENT_AS_KNOWN.get(method ?? 'GET');
  if (known !== undefined) return known;
  const upper = (method ?? 'GET').toUpperCase();
  if (KNOWN_METHODS.has(upper)) return upper === method || method === undefined ? { method: upper } : { method: upper, original: method };
  return { method: '_OTHER', original: method };
}

/** `{METHOD}` or, once a framework knows it, `{METHOD} {route}`; `HTTP` for unknown methods. */
export function spanName(method: string, route?: string): string {
  const base = method === '_OTHER' ? 'HTTP' : method;
  return route ? `${base} ${route}` : base;
}

/** `example.com:8080` / `[::1]:8080` / `example.com` → address and port. */
export function parseHostHeader(host: string | undefined): { address?: string; port?: number } {
  if (!host) return {};
  let address = host;
  let portText: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return { address: host };
    address = host.slice(1, close);
    if (host[close + 1] === ':') portText = host.slice(close + 2);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(':') === colon) {
      address = host.slice(0, colon);
      portText = host.slice(colon + 1);
    }
  }
  const port = portText && /^\d{1,5}$/.test(portText) ? Number(portText) : undefined;
  return port === undefined ? { address } : { address, port };
}

function firstForwardedFor(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const first = value.split(',')[0].trim();
  return first === '' ? undefined : first;
}

/**
 * What requests to one server address share: the method, scheme, protocol version, and the server's
 * address and port. The template of their spans (server-template.ts), made once per combination.
 */
export function serverAddressAttributes(req: IncomingMessage, method: string): Attributes {
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = parseHostHeader(req.headers.host);
  const attributes: Attributes = {
    'http.request.method': method,
    'url.scheme': encrypted ? 'https' : 'http',
    'network.protocol.version': req.httpVersion,
  };
  if (host.address !== undefined) attributes['server.address'] = host.address;
  const port = host.port ?? req.socket?.localPort;
  if (port !== undefined) attributes['server.port'] = port;
  return attributes;
}

/** What differs from request to request: the path and query, the method as sent when it is not a known one, the client. */
export function serverRequestOwnAttributes(req: IncomingMessage, method: ReturnType<typeof normalizeMethod>, redactor?: UrlRedactor): Attributes {
  const { path, query } = readRequestTarget(req.url ?? '/', redactor);
  const attributes: Attributes = {};
  if (path !== undefined) attributes['url.path'] = path;
  if (method.original !== undefined) attributes['http.request.method_original'] = method.original;
  if (query !== undefined) attributes['url.query'] = query;
  const client = firstForwardedFor(req.headers['x-forwarded-for']) ?? req.socket?.remoteAddress;
  if (client !== undefined) attributes['client.address'] = client;
  const userAgent = req.headers['user-agent'];
  if (userAgent !== undefined) attributes['user_agent.original'] = userAgent;
  return attributes;
}

/** Every attribute of a SERVER span as it starts: both of the above in one object (a request whose address has no template). */
export function serverRequestAttributes(req: IncomingMessage, method: ReturnType<typeof normalizeMethod>, redactor?: UrlRedactor): Attributes {
  return Object.assign(serverAddressAttributes(req, method.method), serverRequestOwnAttributes(req, method, redactor));
}

/** What an outgoing call is about to do, read from the arguments of http.request. */
export interface OutgoingTarget {
  method: string;
  scheme: 'http' | 'https';
  /** Host name or IP, or the socket path for Unix-socket requests. */
  address: string;
  port?: number;
  /** The request target as sent (path and query, or a whole URL through a proxy), nothing redacted yet. */
  target: string;
  /** The URL the call was given carried a user name or password. */
  hadCredentials?: boolean;
}

/**
 * What calls to one server share: the method, and the server's address and port. The template of
 * their CLIENT spans (client-template.ts), made once per combination.
 */
export function clientAddressAttributes(method: string, address: string, port: number | undefined): Attributes {
  const attributes: Attributes = { 'http.request.method': method, 'server.address': address };
  if (port !== undefined) attributes['server.port'] = port;
  return attributes;
}

/**
 * Every attribute of a CLIENT span as it starts (a call whose server has no template). Through a
 * forward proxy the request target is the whole URL of the real destination: that is what
 * `url.full` and `server.*` describe (semantic conventions: the server behind any intermediary),
 * and the proxy goes into `network.peer.*`.
 */
export function clientRequestAttributes(target: OutgoingTarget, method: ReturnType<typeof normalizeMethod>, redactor?: UrlRedactor): Attributes {
  const { path = '/', query, destination } = readRequestTarget(target.target, redactor);
  const scheme = destination?.scheme ?? target.scheme;
  const address = destination?.host ?? target.address;
  const port = destination ? (destination.port ?? defaultPortOf(scheme)) : target.port;
  const attributes = clientAddressAttributes(method.method, address, port);
  attributes['url.full'] = fullUrl(scheme, destination ? destination.hadCredentials : target.hadCredentials, address, port, path, query);
  if (destination) {
    attributes['network.peer.address'] = target.address;
    if (target.port !== undefined) attributes['network.peer.port'] = target.port;
  }
  if (method.original !== undefined) attributes['http.request.method_original'] = method.original;
  return attributes;
}

/**
 * What differs from call to call to one server: the URL, and the method as sent when it is not a
 * known one. Only for a call in origin form (client-template.ts): no proxy's destination to read.
 */
export function clientRequestOwnAttributes(target: OutgoingTarget, method: ReturnType<typeof normalizeMethod>, redactor?: UrlRedactor): Attributes {
  const { path = '/', query } = readRequestTarget(target.target, redactor);
  const attributes: Attributes = { 'url.full': fullUrl(target.scheme, target.hadCredentials, target.address, target.port, path, query) };
  if (method.original !== undefined) attributes['http.request.method_original'] = method.original;
  return attributes;
}

function fullUrl(scheme: string, hadCredentials: boolean | undefined, address: string, port: number | undefined, path: string, query: string | undefined): string {
  const hostPart = address.includes(':') ? `[${address}]` : address;
  const portPart = port === undefined || port === defaultPortOf(scheme) ? '' : `:${port}`;
  // The conventions' form for credentials in a URL: kept out, marked as there.
  const userinfo = hadCredentials ? `${REDACTED}:${REDACTED}@` : '';
  return `${scheme}://${userinfo}${hostPart}${portPart}${path}${query !== undefined ? `?${query}` : ''}`;
}

function defaultPortOf(scheme: string): number | undefined {
  return scheme === 'https' ? 443 : scheme === 'http' ? 80 : undefined;
}
