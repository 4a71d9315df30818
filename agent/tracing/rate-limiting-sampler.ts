/**
 * Jaeger's rate-limiting sampler: at most `perSecond` new traces a second, the rest not sampled.
 * A token bucket that holds one second's worth (as jaeger-client's, which allows bursts of up to
 * max(perSecond, 1)), refilled by the clock on each decision, so an idle service costs nothing.
 */
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-node';

export class RateLimitingSampler implements Sampler {
  private readonly capacity: number;
  private tokens: number;
  private last = performance.now();

  constructor(private readonly perSecond: number) {
    this.capacity = Math.max(perSecond, 1);
    this.tokens = this.capacity;
  }

  shouldSample(): SamplingResult {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    }
    return { decision: SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `RateLimitingSampler{${this.perSecond}/s}`;
  }
}
