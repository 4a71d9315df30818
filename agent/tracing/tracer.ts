/**
 * The tracer behind hoptrace's own instrumentations: same sampler, resource, span processor and id
 * format as the SDK provider that serves the app's own API calls, but starting HoptraceSpans (see
 * span.ts for why).
 *
 * It keeps the Tracer contract: `root`, `kind`, `links` (invalid ones dropped, as the span's
 * addLink does), `startTime` (HrTime, Date, epoch or performance milliseconds) and `attributes`.
 * One difference, on purpose: the attributes object is taken over as it is, not copied and
 * checked, since only hoptrace's instrumentations reach this tracer (through TracerResolver) and
 * they build it valid for this one span.
 */
import {
  type Context,
  type Link,
  type Span,
  type SpanOptions,
  type Tracer,
  INVALID_SPAN_CONTEXT,
  SamplingDecision,
  SpanKind,
  TraceFlags,
  context as contextApi,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { ReadableSpan, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { UNSAMPLED_RESOURCE } from '../symbols';
import { HoptraceSpan, type SpanFactoryShared } from './span';

export interface TracerSetup {
  readonly resource: ReadableSpan['resource'];
  readonly sampler: Sampler;
  readonly processor: SpanProcessor;
}

export class HoptraceTracer implements Tracer {
  private readonly shared: SpanFactoryShared;

  constructor(
    private readonly setup: TracerSetup,
    name: string,
    version: string,
  ) {
    this.shared = { resource: setup.resource, scope: { name, version }, processor: setup.processor };
  }

  startSpan(name: string, options: SpanOptions = {}, parentContext: Context = contextApi.active()): Span {
    const ctx = options.root ? trace.deleteSpan(parentContext) : parentContext;
    if (isTracingSuppressed(ctx)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parent = trace.getSpanContext(ctx);
    const validParent = parent && isSpanContextValid(parent) ? parent : undefined;
    const traceId = validParent ? validParent.traceId : randomHex(16);
    const kind = options.kind ?? SpanKind.INTERNAL;
    const attributes = options.attributes ?? {};
    const links: Link[] | undefined = options.links;
    const sampling = this.setup.sampler.shouldSample(ctx, traceId, name, kind, attributes, links ?? []);
    const spanContext = {
      traceId,
      spanId: randomHex(8),
      traceFlags: sampling.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: sampling.traceState ?? validParent?.traceState,
    };
    if (sampling.decision === SamplingDecision.NOT_RECORD) {
      const unsampled = trace.wrapSpanContext(spanContext);
      // Which service it belongs to still decides where the spans under it belong (service-map-resolver.ts).
      (unsampled as { [UNSAMPLED_RESOURCE]?: unknown })[UNSAMPLED_RESOURCE] = this.setup.resource;
      return unsampled;
    }
    if (sampling.attributes) Object.assign(attributes, sampling.attributes);
    const span = new HoptraceSpan(this.shared, spanContext, name, kind, validParent, attributes, links, options.startTime);
    this.setup.processor.onStart(span as never, ctx);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    const [options, parentContext] = rest as [SpanOptions | undefined, Context | undefined];
    const ctx = parentContext ?? contextApi.active();
    const span = this.startSpan(name, options, ctx);
    return contextApi.with(trace.setSpan(ctx, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

// Random ids as the SDK makes them (Math.random, never all zeros), from a pool of random bytes.
const POOL_SIZE = 4096;
let pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_SIZE) {
    pool = Buffer.allocUnsafe(POOL_SIZE);
    for (let i = 0; i < POOL_SIZE; i += 4) pool.writeUInt32BE((Math.random() * 2 ** 32) >>> 0, i);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += bytes;
  for (let i = start; i < poolOffset; i++) if (pool[i] !== 0) return pool.toString('hex', start, poolOffset);
  pool[poolOffset - 1] = 1;
  return pool.toString('hex', start, poolOffset);
}
