/**
 * A sampling strategy as Jaeger serves it (`GET /sampling?service=<name>`), read whichever way it
 * is spelled: Jaeger v2 writes `strategyType` as a number (0 probabilistic, 1 rate limiting), older
 * agents and collectors as a name. Anything not understood is refused as a whole, so that a bad
 * answer leaves the strategy in force as it was.
 */
export type Strategy =
  | { readonly type: 'probabilistic'; readonly rate: number }
  | { readonly type: 'ratelimiting'; readonly perSecond: number }
  | { readonly type: 'peroperation'; readonly operations: PerOperationStrategy };

export interface PerOperationStrategy {
  readonly defaultRate: number;
  readonly defaultLowerBoundPerSecond: number;
  readonly perOperation: ReadonlyMap<string, number>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRate = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value <= 1;
const isPerSecond = (value: unknown): value is number => typeof value === 'number' && value >= 0 && Number.isFinite(value);

/** The strategy in `body` (the answer's JSON text), or a reason it cannot be used. */
export function parseStrategy(body: string): Strategy | { readonly refused: string } {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return { refused: 'the answer is not JSON' };
  }
  if (!isObject(answer)) return { refused: 'the answer is not a JSON object' };
  // Per-operation strategies come with the service's default beside them; they win when present.
  const operationSampling = answer.operationSampling;
  if (isObject(operationSampling)) {
    const defaultRate = operationSampling.defaultSamplingProbability;
    const lowerBound = operationSampling.defaultLowerBoundTracesPerSecond ?? 0;
    if (!isRate(defaultRate) || !isPerSecond(lowerBound)) return { refused: 'operationSampling has no valid defaultSamplingProbability' };
    const perOperation = new Map<string, number>();
    const list = operationSampling.perOperationStrategies ?? [];
    if (!Array.isArray(list)) return { refused: 'perOperationStrategies is not a list' };
    for (const entry of list) {
      const rate = isObject(entry) && isObject(entry.probabilisticSampling) ? entry.probabilisticSampling.samplingRate : undefined;
      if (!isObject(entry) || typeof entry.operation !== 'string' || !isRate(rate)) return { refused: 'a per-operation strategy has no operation or no valid samplingRate' };
      perOperation.set(entry.operation, rate);
    }
    return { type: 'peroperation', operations: { defaultRate, defaultLowerBoundPerSecond: lowerBound, perOperation } };
  }
  const type = answer.strategyType ?? 'PROBABILISTIC';
  if (type === 0 || type === 'PROBABILISTIC') {
    const rate = isObject(answer.probabilisticSampling) ? answer.probabilisticSampling.samplingRate : undefined;
    return isRate(rate) ? { type: 'probabilistic', rate } : { refused: 'probabilisticSampling has no samplingRate between 0 and 1' };
  }
  if (type === 1 || type === 'RATE_LIMITING') {
    const perSecond = isObject(answer.rateLimitingSampling) ? answer.rateLimitingSampling.maxTracesPerSecond : undefined;
    return isPerSecond(perSecond) ? { type: 'ratelimiting', perSecond } : { refused: 'rateLimitingSampling has no valid maxTracesPerSecond' };
  }
  return { refused: `strategyType ${JSON.stringify(type)} is not known` };
}

export function describeStrategy(strategy: Strategy): string {
  switch (strategy.type) {
    case 'probabilistic':
      return `probabilistic ${strategy.rate}`;
    case 'ratelimiting':
      return `rate limiting ${strategy.perSecond}/s`;
    case 'peroperation': {
      const { defaultRate, defaultLowerBoundPerSecond, perOperation } = strategy.operations;
      return `per operation (${perOperation.size} named; others probabilistic ${defaultRate}, at least ${defaultLowerBoundPerSecond}/s)`;
    }
  }
}

export function sameStrategy(a: Strategy, b: Strategy): boolean {
  return describeStrategy(a) === describeStrategy(b) && (a.type !== 'peroperation' || b.type !== 'peroperation' || sameMap(a.operations.perOperation, b.operations.perOperation));
}

function sameMap(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}
