import type { OutgoingTarget } from '../http/attributes';
import type { UndiciRequest } from './internal-types';

/** Where an undici request goes, in the shape the HTTP client attributes are built from. */
export function targetOfUndiciRequest(request: UndiciRequest): OutgoingTarget | undefined {
  let origin: URL;
  try {
    origin = typeof request.origin === 'string' ? new URL(request.origin) : request.origin;
  } catch {
    return undefined;
  }
  const scheme = origin.protocol === 'https:' ? 'https' : 'http';
  const port = origin.port ? Number(origin.port) : scheme === 'https' ? 443 : 80;
  const address = origin.hostname.startsWith('[') ? origin.hostname.slice(1, -1) : origin.hostname;
  return { method: request.method, scheme, address, port, target: request.path || '/' };
}

/** Drops headers the app already set under names we are about to write, so the peer sees one value. */
export function removeHeaders(headers: string[], lowerNames: ReadonlySet<string>): void {
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (lowerNames.has(String(headers[i]).toLowerCase())) headers.splice(i, 2);
  }
}
