import { type Attributes, type Context, type Link, type SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-node';
import type { SamplerConfig } from '../config/types';
import { DEFAULT_REMOTE_SAMPLING } from '../config/jaeger-settings';
import { RateLimitingSampler } from './rate-limiting-sampler';
import { SAMPLED, answerFor } from './sampling-answers';
import { RemoteSampler } from './remote-sampling/remote-sampler';
import { isValidSpanContext } from './span-context';

/** The sampler a service's settings name. Every one answers with shared objects (sampling-answers.ts). */
export function buildSampler(config: SamplerConfig, serviceName: string): Sampler {
  // Remote sampling is parent-based itself.
  if (config.name === 'parentbased_jaeger_remote' || config.name === 'jaeger_remote') {
    return new RemoteSampler(serviceName, config.remote ?? DEFAULT_REMOTE_SAMPLING);
  }
  return samplerFor(config);
}

/** always_on and always_off. */
class FixedDecision implements Sampler {
  private readonly answer: SamplingResult;

  constructor(sampled: boolean) {
    this.answer = answerFor(sampled);
  }

  shouldSample(): SamplingResult {
    return this.answer;
  }

  toString(): string {
    return this.answer === SAMPLED ? 'AlwaysOnSampler' : 'AlwaysOffSampler';
  }
}

/**
 * The SDK's TraceIdRatioBased decision, bit for bit (so that a trace is sampled or not alike in
 * every service that samples by the same ratio, whichever agent it runs): the trace id's four
 * 32-bit words XORed together, sampled below ratio × 2^32 − 1.
 */
class TraceIdRatio implements Sampler {
  private readonly ratio: number;
  private readonly upperBound: number;

  constructor(ratio: number) {
    this.ratio = typeof ratio !== 'number' || Number.isNaN(ratio) ? 0 : Math.min(1, Math.max(0, ratio));
    this.upperBound = this.ratio === 1 ? 0x100000000 : Math.floor(this.ratio * 0xffffffff);
  }

  shouldSample(_context: Context, traceId: string): SamplingResult {
    const accumulation = accumulatedIfValid(traceId);
    return answerFor(accumulation >= 0 && accumulation < this.upperBound);
  }

  toString(): string {
    return `TraceIdRatioBased{${this.ratio}}`;
  }
}

/**
 * A trace id's four 32-bit words XORed, as the SDK's sampler reads them, or -1 for an id the API
 * calls invalid (not 32 hex digits, either case, or all zeros): checked in the same pass, which on
 * every root request cost less than the API's regular expression before it.
 */
function accumulatedIfValid(traceId: string): number {
  if (typeof traceId !== 'string' || traceId.length !== 32) return -1;
  let accumulation = 0;
  let anyBits = 0;
  for (let word = 0; word < 32; word += 8) {
    let part = 0;
    for (let i = 0; i < 8; i++) {
      const code = traceId.charCodeAt(word + i);
      const digit = code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : code >= 65 && code <= 70 ? code - 55 : -1;
      if (digit < 0) return -1;
      anyBits |= digit;
      part = (part << 4) | digit;
    }
    accumulation = (accumulation ^ part) >>> 0;
  }
  return anyBits === 0 ? -1 : accumulation;
}

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
    return answerFor((parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED);
  }

  toString(): string {
    return `ParentBased{root=${this.root.toString()}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}`;
  }
}

function samplerFor({ name, ratio, perSecond }: SamplerConfig): Sampler {
  switch (name) {
    case 'always_on':
      return new FixedDecision(true);
    case 'always_off':
      return new FixedDecision(false);
    case 'traceidratio':
      return new TraceIdRatio(ratio);
    case 'parentbased_always_on':
      return new ParentFirst(new FixedDecision(true));
    case 'parentbased_always_off':
      return new ParentFirst(new FixedDecision(false));
    case 'parentbased_traceidratio':
      return new ParentFirst(new TraceIdRatio(ratio));
    case 'parentbased_ratelimiting':
      return new ParentFirst(new RateLimitingSampler(perSecond ?? 1));
    case 'jaeger_remote':
    case 'parentbased_jaeger_remote':
      throw new Error('remote sampling is built by buildSampler');
  }
}
