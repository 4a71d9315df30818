/**
 * What the backend shows about the process behind each span. Built from local facts only: no
 * cloud metadata probes, which would cost network round trips at start.
 */
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { SDK_INFO } from '@opentelemetry/core';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ServiceConfig } from '../config/types';
import { AGENT_VERSION } from '../version';

export function buildResource(service: ServiceConfig): Resource {
  const attributes: Record<string, string | number> = {
    // OTEL_RESOURCE_ATTRIBUTES first, so that what hoptrace knows for certain overrides it.
    ...service.resourceAttributes,
    'service.name': service.name,
    'process.pid': process.pid,
    'process.executable.name': basename(process.execPath),
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'process.runtime.description': 'Node.js',
    'host.name': safeHostname(),
    'host.arch': process.arch,
    'os.type': process.platform,
    'telemetry.sdk.name': String(SDK_INFO['telemetry.sdk.name']),
    'telemetry.sdk.language': String(SDK_INFO['telemetry.sdk.language']),
    'telemetry.sdk.version': String(SDK_INFO['telemetry.sdk.version']),
    'telemetry.distro.name': 'hoptrace',
    'telemetry.distro.version': AGENT_VERSION,
  };
  if (service.version !== undefined) attributes['service.version'] = service.version;
  return resourceFromAttributes(attributes);
}

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return 'unknown';
  }
}
