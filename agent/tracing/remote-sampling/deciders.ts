/**
 * The decisions Jaeger's own clients (Go, Java) make for a new trace, each strategy type as they
 * apply it:
 * - probabilistic: the trace id decides, not a random draw, so every service that sees the id
 *   decides alike: sampled when its low 63 bits are below rate × 2^63;
 * - rate limiting: a token bucket of max(rate, 1) tokens, full at first, refilled by the clock;
 * - per operation: for each operation (the span's name at its start), probabilistic at its rate,
 *   and a lower bound (a bucket of one token refilled at the lower bound's rate) that samples one
 *   now and then when the rate alone would sample none; a sampled trace takes the lower bound's
 *   token too. Operations not named use the defaults, up to 2,000 operations; beyond, the default
 *   rate alone.
 */
import type { PerOperationStrategy, Strategy } from './strategy';

export interface Decider {
  sampled(traceId: string, operation: string): boolean;
}

const LOW_63_BITS = (1n << 63n) - 1n;
const MAX_OPERATIONS = 2000;

export class Probabilistic implements Decider {
  private readonly boundary: bigint;

  constructor(readonly rate: number) {
    this.boundary = BigInt(Math.floor(rate * 2 ** 63));
  }

  sampled(traceId: string): boolean {
    if (this.rate >= 1) return true;
    if (this.rate <= 0) return false;
    return (BigInt(`0x${traceId.slice(-16)}`) & LOW_63_BITS) < this.boundary;
  }
}

export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class RateLimiting implements Decider {
  private readonly bucket: TokenBucket;

  constructor(perSecond: number) {
    this.bucket = new TokenBucket(perSecond, Math.max(perSecond, 1));
  }

  sampled(): boolean {
    return this.bucket.take();
  }
}

class GuaranteedThroughput {
  private readonly lowerBound: TokenBucket;
  private readonly probabilistic: Probabilistic;

  constructor(rate: number, lowerBoundPerSecond: number) {
    this.probabilistic = new Probabilistic(rate);
    this.lowerBound = new TokenBucket(lowerBoundPerSecond, 1);
  }

  sampled(traceId: string): boolean {
    if (this.probabilistic.sampled(traceId)) {
      this.lowerBound.take();
      return true;
    }
    return this.lowerBound.take();
  }
}

export class PerOperation implements Decider {
  private readonly operations = new Map<string, GuaranteedThroughput>();
  private readonly fallback: Probabilistic;

  constructor(private readonly strategy: PerOperationStrategy) {
    this.fallback = new Probabilistic(strategy.defaultRate);
  }

  sampled(traceId: string, operation: string): boolean {
    let decider = this.operations.get(operation);
    if (decider === undefined) {
      if (this.operations.size >= MAX_OPERATIONS) return this.fallback.sampled(traceId);
      decider = new GuaranteedThroughput(this.strategy.perOperation.get(operation) ?? this.strategy.defaultRate, this.strategy.defaultLowerBoundPerSecond);
      this.operations.set(operation, decider);
    }
    return decider.sampled(traceId);
  }
}

export function deciderFor(strategy: Strategy): Decider {
  switch (strategy.type) {
    case 'probabilistic':
      return new Probabilistic(strategy.rate);
    case 'ratelimiting':
      return new RateLimiting(strategy.perSecond);
    case 'peroperation':
      return new PerOperation(strategy.operations);
  }
}
