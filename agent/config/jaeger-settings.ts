/**
 * jaeger-client's settings, as hoptrace's: the JAEGER_SAMPLER_* variables and the `config` blocks
 * of the OpenTracing Kafka interceptors' service file (INTERCEPTORS_CONFIG_FILE) mean the same.
 */
import type { RemoteSamplingConfig, SamplerConfig } from './types';

/**
 * Jaeger's sampling endpoint on the agent's port (Jaeger v2's remote_sampling extension serves it
 * there too), asked once a minute, and OpenTelemetry's initial rate before the first answer.
 */
export const DEFAULT_REMOTE_SAMPLING: RemoteSamplingConfig = { endpoint: 'http://localhost:5778', pollingIntervalMs: 60_000, initialSamplingRate: 0.001 };

/** jaeger-client's remote sampler options: `hostPort` of the sampling manager, `refreshIntervalMs`. */
export interface JaegerRemoteOptions {
  readonly hostPort?: unknown;
  readonly refreshIntervalMs?: unknown;
}

/**
 * jaeger-client's samplers decide at the root and children follow their parent, so each maps to
 * the parent-based OpenTelemetry sampler of the same rule. `reject(reason, instead)` reports what
 * cannot be used; the returned sampler is then `fallback`.
 */
export function jaegerSampler(
  type: unknown,
  param: unknown,
  fallback: SamplerConfig,
  reject: (reason: string, instead: string) => void,
  remote: JaegerRemoteOptions = {},
): SamplerConfig {
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
      return { name: 'parentbased_jaeger_remote', ratio: 1, remote: remoteSettings(number, remote, reject) };
    default:
      reject(`sampler type ${JSON.stringify(type)} is not one of const, probabilistic, ratelimiting, remote`, `using ${fallback.name}`);
      return fallback;
  }
}

/** jaeger-client's remote sampler: param is the rate before the first answer; each bad value is said and its default used. */
function remoteSettings(initial: number | undefined, { hostPort, refreshIntervalMs }: JaegerRemoteOptions, reject: (reason: string, instead: string) => void): RemoteSamplingConfig {
  let { endpoint, pollingIntervalMs, initialSamplingRate } = DEFAULT_REMOTE_SAMPLING;
  if (initial !== undefined) {
    if (initial >= 0 && initial <= 1) initialSamplingRate = initial;
    else reject(`param ${initial} is no initial sampling rate between 0 and 1`, `using ${initialSamplingRate}`);
  }
  if (hostPort !== undefined) {
    if (typeof hostPort === 'string' && /^[^\s:/]+:\d{1,5}$/.test(hostPort.trim())) endpoint = `http://${hostPort.trim()}`;
    else reject(`the sampling manager ${JSON.stringify(hostPort)} is no host:port`, `using ${endpoint}`);
  }
  if (refreshIntervalMs !== undefined) {
    const ms = typeof refreshIntervalMs === 'number' ? refreshIntervalMs : Number(refreshIntervalMs);
    if (Number.isFinite(ms) && ms >= 100) pollingIntervalMs = ms;
    else reject(`the refresh interval ${JSON.stringify(refreshIntervalMs)} is no number of milliseconds from 100`, `using ${pollingIntervalMs}`);
  }
  return { endpoint, pollingIntervalMs, initialSamplingRate };
}
