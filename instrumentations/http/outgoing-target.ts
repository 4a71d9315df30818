/**
 * Reads where an outgoing request goes from the arguments of http.request / https.request, in each
 * form Node accepts: (url), (url, options), (options), each with an optional callback. Options win
 * over the URL, as in Node's own merge (lib/_http_client.js).
 */
import type { RequestOptions } from 'node:http';
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
