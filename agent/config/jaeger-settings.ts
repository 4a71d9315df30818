/**
 * jaeger-client's settings, as hoptrace's: the JAEGER_SAMPLER_* variables and the `config` blocks
 * of the OpenTracing Kafka interceptors' service file (INTERCEPTORS_CONFIG_FILE) mean the same.
 */
import type { SamplerConfig } from './types';

/**
 * jaeger-client's samplers decide at the root and children follow their parent, so each maps to
 * the parent-based OpenTelemetry sampler of the same rule. `reject(reason, instead)` reports what
 * cannot be used; the returned sampler is then `fallback`.
 */
export function jaegerSampler(type: unknown, param: unknown, fallback: SamplerConfig, reject: (reason: string, instead: string) => void): SamplerConfig {
  const number = typeof param === 'number' ? param : typeof param === 'string' && param.trim() !== '' ? Number(param) : undefined;
  switch (type) {
    case 'const':
      if (number === undefined || Number.isNaN(number)) return { name: 'parentbased_always_on', ratio: 1 };
      return { name: number >= 1 ? 'parentbased_always_on' : 'parentbased_always_off', ratio: 1 };
    case 'probabilistic':
      if (number === undefined || !(number >= 0 && number <= 1)) {
        reject(`param ${JSON.stringify(param)} is no probability between 0 and 1`, `using ${fallback.name}`);
        return fallback;
      }
      return { name: 'parentbased_traceidratio', ratio: number };
    case 'ratelimiting':
      if (number === undefined || !(number >= 0) || !Number.isFinite(number)) {
        reject(`param ${JSON.stringify(param)} is no number of traces per second`, `using ${fallback.name}`);
        return fallback;
      }
      return { name: 'parentbased_ratelimiting', ratio: 1, perSecond: number };
    case 'remote':
      reject('remote sampling (a Jaeger agent deciding the rate) is not supported by hoptrace', `using ${fallback.name}`);
      return fallback;
    default:
      reject(`sampler type ${JSON.stringify(type)} is not one of const, probabilistic, ratelimiting, remote`, `using ${fallback.name}`);
      return fallback;
  }
}
