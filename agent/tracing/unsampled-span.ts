/**
 * What hoptrace's tracer hands out when the sampler says no: the span context (so the trace, with
 * its `sampled=0` flag, goes on to the next hop) and the resource of the service it was started
 * for (so spans under it are attributed to the same service, see service-map-resolver.ts), and
 * nothing else. Every recording method does nothing, as on the API's NonRecordingSpan; the methods
 * live on the prototype, so an unsampled hop costs this object and its span context.
 */
import type { Span, SpanContext } from '@opentelemetry/api';
import { UNSAMPLED_RESOURCE } from '../symbols';

export class UnsampledSpan implements Span {
  readonly [UNSAMPLED_RESOURCE]: object;

  constructor(
    private readonly context: SpanContext,
    resource: object,
  ) {
    this[UNSAMPLED_RESOURCE] = resource;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  isRecording(): boolean {
    return false;
  }

  setAttribute(): this {
    return this;
  }

  setAttributes(): this {
    return this;
  }

  addEvent(): this {
    return this;
  }

  addLink(): this {
    return this;
  }

  addLinks(): this {
    return this;
  }

  setStatus(): this {
    return this;
  }

  updateName(): this {
    return this;
  }

  recordException(): void {}

  end(): void {}
}
