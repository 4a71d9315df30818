/**
 * Reads where an outgoing request goes: from the arguments of http.request / https.request (the
 * patched way in), in each form Node accepts: (url), (url, options), (options), each with an
 * optional callback, options winning over the URL as in Node's own merge (lib/_http_client.js);
 * or from the request Node made of them (the channel way in, channels.ts).
 */
import type { ClientRequest, RequestOptions } from 'node:http';
import type { OutgoingTarget } from './attributes';

function asOptions(value: unknown): RequestOptions | undefined {
  return value !== null && typeof value === 'object' && !(value instanceof URL) ? (value as RequestOptions) : undefined;
}

function toUrl(value: unknown): URL | undefined {
  if (value instanceof URL) return value;
  if (typeof value === 'string') {
    try {
      return new URL(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function readOutgoingTarget(args: readonly unknown[], moduleScheme: 'http' | 'https'): OutgoingTarget | undefined {
  const url = toUrl(args[0]);
  if (typeof args[0] === 'string' && !url) return undefined; // Node will throw ERR_INVALID_URL itself.
  const options = url ? asOptions(args[1]) : asOptions(args[0]);
  if (!url && !options) return undefined;

  const protocol = options?.protocol ?? url?.protocol;
  const scheme = protocol === 'https:' ? 'https' : protocol === 'http:' ? 'http' : moduleScheme;
  const defaultPort = scheme === 'https' ? 443 : 80;
  const portOption = options?.port ?? (url?.port ? url.port : undefined);
  const port = Number(portOption !== undefined && portOption !== null && portOption !== '' ? portOption : (options?.defaultPort ?? defaultPort));

  if (options?.socketPath) {
    return { method: options.method ?? 'GET', scheme, address: options.socketPath, target: options.path ?? '/' };
  }
  const address = unbracket(options?.hostname ?? options?.host ?? url?.hostname ?? 'localhost');
  const target = options?.path ?? (url ? url.pathname + url.search : '/');
  return {
    method: options?.method ?? 'GET',
    scheme,
    address,
    port: Number.isFinite(port) ? port : undefined,
    target,
    hadCredentials: url !== undefined && (url.username !== '' || url.password !== ''),
  };
}

/** A request Node has made keeps its method and path: targetOfClientRequest describes it. */
export function hasMethodAndPath(req: ClientRequest): boolean {
  const { method, path } = req as unknown as { method?: unknown; path?: unknown };
  return typeof method === 'string' && typeof path === 'string';
}

/**
 * Where a request Node has made goes. Node keeps its method, protocol, host, path and socket path;
 * the port only in the Host header it writes (left out for the scheme's default port), and the
 * URL's user and password only as the Basic Authorization header it makes of them: such a header is
 * taken as credentials in the URL (url.full then says REDACTED:REDACTED@, never what they were).
 */
export function targetOfClientRequest(req: ClientRequest): OutgoingTarget | undefined {
  if (!hasMethodAndPath(req)) return undefined;
  const { method, protocol, host, path, socketPath } = req as unknown as { method: string; protocol?: string; host?: string; path: string; socketPath?: string };
  const scheme = protocol === 'https:' ? 'https' : 'http';
  if (socketPath) return { method, scheme, address: socketPath, target: path };
  const hostHeader = req.getHeader('host');
  const portText = typeof hostHeader === 'string' ? /:(\d+)$/.exec(hostHeader)?.[1] : undefined;
  const agentPort = (req as unknown as { agent?: { defaultPort?: unknown } }).agent?.defaultPort;
  const port = portText !== undefined ? Number(portText) : typeof agentPort === 'number' ? agentPort : scheme === 'https' ? 443 : 80;
  const authorization = req.getHeader('authorization');
  return {
    method,
    scheme,
    address: unbracket(host ?? 'localhost'),
    port,
    target: path,
    hadCredentials: typeof authorization === 'string' && /^basic /i.test(authorization),
  };
}
