/**
 * Jaeger's rate-limiting sampler: at most `perSecond` new traces a second, the rest not sampled.
 * A token bucket that holds one second's worth (as jaeger-client's, which allows bursts of up to
 * max(perSecond, 1)), refilled by the clock on each decision, so an idle service costs nothing.
 */
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-node';
import { answerFor } from './sampling-answers';
import { RateLimiting } from './remote-sampling/deciders';

export class RateLimitingSampler implements Sampler {
  // The same decision remote sampling's rate-limiting strategy makes (remote-sampling/deciders.ts).
  private readonly limiter: RateLimiting;

  constructor(private readonly perSecond: number) {
    this.limiter = new RateLimiting(perSecond);
  }

  shouldSample(): SamplingResult {
    return answerFor(this.limiter.sampled());
  }

  toString(): string {
    return `RateLimitingSampler{${this.perSecond}/s}`;
  }
}
