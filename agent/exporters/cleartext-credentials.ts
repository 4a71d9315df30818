/**
 * Credentials an exporter sends (OTLP headers, Jaeger's basic auth) travel in clear over http://:
 * anyone on the path can read them. Said once per exporter, naming what is sent (never its value),
 * unless the collector is on this machine.
 */
import { log } from '../log';

export function warnIfCredentialsInClear(endpoint: URL, destination: string, sent: readonly string[]): void {
  if (sent.length === 0 || endpoint.protocol !== 'http:' || isLoopback(endpoint.hostname)) return;
  log.warn(`${sent.join(', ')} sent to ${destination} over plain http: readable by anyone on the way; an https:// endpoint keeps them private`);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]';
}
