/**
 * Attribution of spans to the services of a service-map file, the one place the rules live:
 * 1. a Kafka span belongs to the service that owns its topic (exact names first, then patterns in
 *    file order), else the one that owns its client id, else its consumer group id;
 * 2. an HTTP server span to the service that owns the local port;
 * 3. any other span (an outgoing call, a send of a topic nobody owns) to the service of the span
 *    that is active when it starts, sampled or not;
 * 4. everything else to the process's default service.
 */
import { type Span, type Tracer, context, trace } from '@opentelemetry/api';
import type { ServiceOwnership } from '../config/types';
import { UNSAMPLED_RESOURCE } from '../symbols';
import type { TracerHint, TracerResolver } from './tracers';

/** What the resolver needs of a service: its resource (to recognize its spans) and its tracers. */
export interface AttributableService {
  readonly resource: object;
  readonly owns?: ServiceOwnership;
  tracer(scope: string): Tracer;
}

export class ServiceMapResolver implements TracerResolver {
  private readonly byTopic = new Map<string, AttributableService>();
  private readonly byTopicPattern: Array<[RegExp, AttributableService]> = [];
  private readonly byClientId = new Map<string, AttributableService>();
  private readonly byGroupId = new Map<string, AttributableService>();
  private readonly byPort = new Map<number, AttributableService>();
  private readonly byResource = new Map<object, AttributableService>();

  constructor(
    private readonly defaultService: AttributableService,
    services: readonly AttributableService[],
  ) {
    this.byResource.set(defaultService.resource, defaultService);
    for (const service of services) {
      this.byResource.set(service.resource, service);
      const owns = service.owns;
      if (!owns) continue;
      // The file reader already refused a topic claimed twice; for the other names the first claim wins too.
      for (const topic of owns.topics) if (!this.byTopic.has(topic)) this.byTopic.set(topic, service);
      for (const pattern of owns.topicPatterns) this.byTopicPattern.push([new RegExp(pattern), service]);
      for (const id of owns.clientIds) if (!this.byClientId.has(id)) this.byClientId.set(id, service);
      for (const id of owns.groupIds) if (!this.byGroupId.has(id)) this.byGroupId.set(id, service);
      for (const port of owns.ports) if (!this.byPort.has(port)) this.byPort.set(port, service);
    }
  }

  tracerFor(scope: string, hint?: TracerHint): Tracer {
    return this.serviceFor(hint).tracer(scope);
  }

  settledTracerFor(scope: string, hint: TracerHint): Tracer | undefined {
    return this.owner(hint)?.tracer(scope);
  }

  serviceFor(hint?: TracerHint): AttributableService {
    return (hint && this.owner(hint)) ?? this.serviceOf(trace.getSpan(context.active())) ?? this.defaultService;
  }

  /** The service a span was started for, when it is one of this process's. */
  serviceOf(span: Span | undefined): AttributableService | undefined {
    if (!span) return undefined;
    const resource = (span as { resource?: object }).resource ?? (span as { [UNSAMPLED_RESOURCE]?: object })[UNSAMPLED_RESOURCE];
    return resource ? this.byResource.get(resource) : undefined;
  }

  /** The service that owns what the hint names, by the rules above (1 and 2). */
  owner(hint: TracerHint): AttributableService | undefined {
    if (hint.kafkaTopic !== undefined) {
      const exact = this.byTopic.get(hint.kafkaTopic);
      if (exact) return exact;
      for (const [pattern, service] of this.byTopicPattern) if (pattern.test(hint.kafkaTopic)) return service;
    }
    if (hint.kafkaClientId !== undefined) {
      const byClient = this.byClientId.get(hint.kafkaClientId);
      if (byClient) return byClient;
    }
    if (hint.kafkaGroupId !== undefined) {
      const byGroup = this.byGroupId.get(hint.kafkaGroupId);
      if (byGroup) return byGroup;
    }
    if (hint.serverPort !== undefined) return this.byPort.get(hint.serverPort);
    return undefined;
  }
}
