/**
 * What every sampler of hoptrace's answers: one of two shared, frozen objects. The SDK's samplers
 * answer each span with a new object for what is one of two values; on a service that samples
 * little, that object was most of what an unsampled span cost besides its ids.
 */
import { SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-node';

export const SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
export const NOT_SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

export function answerFor(sampled: boolean): SamplingResult {
  return sampled ? SAMPLED : NOT_SAMPLED;
}
