/**
 * What the doctor can tell without starting the app: the configuration as the agent reads it
 * (with the agent's own warnings), whether the exporter answers, and per package hoptrace
 * instruments, the version the app would load and whether it will be traced.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { dirname, join } from 'node:path';
import { findAppPackage } from '../config/app-package';
import { loadConfig } from '../config/load-config';
import type { Config } from '../config/types';
import { urlForLog } from '../config/url-for-log';
import { createInstrumentations } from '../instrumentations';
import { findManifestUp, packageVersion, readManifest } from '../module-hooks/package-entry';
import type { TracerResolver } from '../tracing/tracers';
import { samplingUrl } from '../tracing/remote-sampling/remote-sampler';
import { describeStrategy, parseStrategy } from '../tracing/remote-sampling/strategy';
import { satisfies } from '../version-range';
import { type Finding, note, ok, problem } from './findings';

export function readConfiguration(env: NodeJS.ProcessEnv, appDir: string): { config: Config; findings: Finding[] } {
  const warnings: string[] = [];
  const config = loadConfig(env, findAppPackage(undefined, appDir), (message) => warnings.push(message));
  const findings: Finding[] = warnings.map((message) => problem(message));
  if (config.disabled) findings.push(problem('OTEL_SDK_DISABLED=true: hoptrace does nothing'));
  findings.push(ok(`service: ${config.service.name}${config.services.length > 0 ? `, and ${config.services.map((s) => s.service.name).join(', ')} from the service-map file` : ''}`));
  const remote = config.sampler.remote;
  const samplerDetail = remote
    ? `, the strategy asked of ${urlForLog(remote.endpoint)} every ${remote.pollingIntervalMs} ms (initial rate ${remote.initialSamplingRate})`
    : config.sampler.name.endsWith('ratio')
      ? ` ${config.sampler.ratio}`
      : config.sampler.perSecond !== undefined
        ? ` ${config.sampler.perSecond}/s`
        : '';
  findings.push(ok(`sampler: ${config.sampler.name}${samplerDetail}`));
  findings.push(ok(`trace context written: ${config.propagationDisabled ? 'none (OTEL_PROPAGATORS=none)' : config.injectPropagators.join(', ')}; every format read`));
  if (config.logsInjection) findings.push(ok('trace ids in pino, winston and bunyan records (HOPTRACE_LOGS_INJECTION)'));
  return { config, findings };
}

/** Whether the exporter's endpoint answers an HTTP request at all (any status counts: it is there). */
export async function checkExporter(config: Config): Promise<Finding[]> {
  if (config.exporter === 'none') return [note('exporter: none (OTEL_TRACES_EXPORTER=none): spans are not sent anywhere')];
  if (config.exporter === 'console') return [ok('exporter: console (stdout)')];
  const url = config.exporter === 'otlp' ? config.otlp.endpoint : config.jaeger.endpoint;
  if (url === undefined) return [note(`exporter: jaeger over UDP to ${config.jaeger.agentHost}:${config.jaeger.agentPort} (UDP is not acknowledged: cannot be checked)`)];
  const what = config.exporter === 'otlp' ? `otlp ${config.otlp.protocol}` : 'jaeger (Thrift over HTTP)';
  const answer = await probe(url, config.exporter === 'otlp' ? config.otlp.tls : undefined);
  return answer.status !== undefined
    ? [ok(`exporter: ${what} → ${urlForLog(url)} answers (HTTP ${answer.status})`)]
    : [problem(`exporter: ${what} → ${urlForLog(url)} does not answer (${answer.error}): spans will be dropped`)];
}

/** With remote sampling: whether Jaeger's sampling endpoint gives this service a strategy now. */
export async function checkRemoteSampling(config: Config): Promise<Finding[]> {
  const remote = config.sampler.remote;
  if (!remote) return [];
  const url = samplingUrl(remote.endpoint, config.service.name);
  const answer = await probe(url.href, undefined, 'GET');
  if (answer.status !== 200 || answer.body === undefined) {
    return [problem(`remote sampling: ${urlForLog(url.href)} gives no strategy (${answer.error ?? `HTTP ${answer.status}`}): new traces are sampled at the initial rate ${remote.initialSamplingRate}`)];
  }
  const strategy = parseStrategy(answer.body);
  return 'refused' in strategy
    ? [problem(`remote sampling: ${urlForLog(url.href)} answers something unusable (${strategy.refused})`)]
    : [ok(`remote sampling: ${urlForLog(url.href)} says ${describeStrategy(strategy)}`)];
}

function probe(url: string, tls: Config['otlp']['tls'], method = 'POST'): Promise<{ status?: number; error?: string; body?: string }> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: 'not a URL' });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const headers = method === 'POST' ? { 'content-type': 'application/x-protobuf', 'content-length': 0 } : {};
    const req = client.request(target, { method, timeout: 3000, headers, ...(tls ?? {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 100_000) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 3 s')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

const NO_TRACERS: TracerResolver = {
  tracerFor: () => {
    throw new Error('the doctor starts no span');
  },
  settledTracerFor: () => {
    throw new Error('the doctor starts no span');
  },
};

/** Per package hoptrace would patch: found from the app's folder as Node would find it, or not installed. */
export function checkPackages(config: Config, appDir: string): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const instrumentation of createInstrumentations(NO_TRACERS, config)) {
    for (const definition of instrumentation.modules()) {
      if (seen.has(definition.name) || definition.versions.includes('*')) continue;
      seen.add(definition.name);
      const found = findPackage(definition.name, appDir);
      if (!found) {
        findings.push(note(`${definition.name}: not installed`));
        continue;
      }
      const { version, esmOnly } = found;
      const supported = definition.versions.some((range) => satisfies(version, range));
      if (!supported) {
        findings.push(problem(`${definition.name} ${version}: not traced: hoptrace supports ${definition.name} ${definition.versions.join(' or ')}; ${definition.lostWhenUntraced} will be missing`));
      } else if (esmOnly) {
        findings.push(problem(`${definition.name} ${version}: an ES module package, whose exports hoptrace cannot patch; ${definition.lostWhenUntraced} will be missing`));
      } else {
        findings.push(ok(`${definition.name} ${version} (CommonJS): traced`));
      }
    }
  }
  return findings;
}

/** The package as Node finds it from `fromDir` (node_modules folders upwards), read as the patcher reads it. */
function findPackage(name: string, fromDir: string): { version: string; esmOnly: boolean } | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', name);
    const manifest = readManifest(root);
    if (manifest) {
      const { type, exports } = manifest as { type?: unknown; exports?: unknown };
      const esmOnly = type === 'module' && !JSON.stringify(exports ?? '').includes('"require"');
      return { version: packageVersion(root) ?? '0.0.0', esmOnly };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The app's own module format, from its package.json: which flag starts hoptrace with it. */
export function appFormat(appDir: string): Finding {
  // Node's own rule, as the agent applies it (module-hooks/app-format.ts): the nearest package.json's type.
  const found = findManifestUp(appDir, () => true);
  if (!found) return note('no package.json: start the app with node --require hoptrace/register (--import for ES modules)');
  return found.manifest.type === 'module'
    ? ok('an ES module app ("type": "module"): start it with node --import hoptrace/register')
    : ok('a CommonJS app: start it with node --require hoptrace/register (ES module files of it: --import)');
}
