import { type Attributes, type Context, type Link, type SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { SamplerConfig } from '../config/types';
import { DEFAULT_REMOTE_SAMPLING } from '../config/jaeger-settings';
import { RateLimitingSampler } from './rate-limiting-sampler';
import { RemoteSampler } from './remote-sampling/remote-sampler';
import { isValidSpanContext } from './span-context';

export function buildSampler(config: SamplerConfig, serviceName: string): Sampler {
  // Remote sampling decides with shared, frozen answers already, and is parent-based itself.
  if (config.name === 'parentbased_jaeger_remote' || config.name === 'jaeger_remote') {
    return new RemoteSampler(serviceName, config.remote ?? DEFAULT_REMOTE_SAMPLING);
  }
  return new SharedDecisions(samplerFor(config));
}

/**
 * The SDK's samplers answer with a new object on every span, for a decision that is one of three
 * values; a plain decision (no attributes, no trace state) is handed on as one shared, frozen
 * answer, so that inlined into the tracer the sampler's own object need not exist at all.
 */
class SharedDecisions implements Sampler {
  constructor(private readonly inner: Sampler) {}

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const result = this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    return result.attributes === undefined && result.traceState === undefined ? DECISIONS[result.decision] : result;
  }

  toString(): string {
    return this.inner.toString();
  }
}

const DECISIONS: Readonly<Record<SamplingDecision, SamplingResult>> = {
  [SamplingDecision.NOT_RECORD]: Object.freeze({ decision: SamplingDecision.NOT_RECORD }),
  [SamplingDecision.RECORD]: Object.freeze({ decision: SamplingDecision.RECORD }),
  [SamplingDecision.RECORD_AND_SAMPLED]: Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED }),
};

/**
 * The SDK's ParentBasedSampler with its default delegates (a sampled parent: sampled; a parent not
 * sampled: not recorded; no valid parent: the root sampler), asked with the parent checked the way
 * the tracer checks it (span-context.ts), not with the API's regular expressions a second time.
 */
class ParentFirst implements Sampler {
  constructor(private readonly root: Sampler) {}

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (parent === undefined || !isValidSpanContext(parent)) return this.root.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    return (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? DECISIONS[SamplingDecision.RECORD_AND_SAMPLED] : DECISIONS[SamplingDecision.NOT_RECORD];
  }

  toString(): string {
    return `ParentBased{root=${this.root.toString()}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}`;
  }
}

function samplerFor({ name, ratio, perSecond }: SamplerConfig): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentFirst(new AlwaysOnSampler());
    case 'parentbased_always_off':
      return new ParentFirst(new AlwaysOffSampler());
    case 'parentbased_traceidratio':
      return new ParentFirst(new TraceIdRatioBasedSampler(ratio));
    case 'parentbased_ratelimiting':
      return new ParentFirst(new RateLimitingSampler(perSecond ?? 1));
    case 'jaeger_remote':
    case 'parentbased_jaeger_remote':
      throw new Error('remote sampling is built by buildSampler');
  }
}
