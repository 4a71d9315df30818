/**
 * Reads the environment once into one frozen Config. Standard OTEL_* variables come first;
 * HOPTRACE_* names exist only where OpenTelemetry defines none.
 */
import { readFileSync } from 'node:fs';
import { LOG_LEVELS, type LogLevel } from '../log';
import type { AppPackage } from './app-package';
import { EnvReader, type Env, type Warn, using } from './env-reader';
import { DEFAULT_REMOTE_SAMPLING, jaegerSampler } from './jaeger-settings';
import { readServiceMap } from './service-map';
import { SETTINGS, isHttpUrl, otlpTracesUrl, readSetting } from './settings';
import type {
  Config,
  ExporterName,
  JaegerExporterConfig,
  InstrumentationName,
  LoggerName,
  RemoteSamplingConfig,
  OtlpConfig,
  PropagatorName,
  SamplerName,
  ServiceDefinition,
} from './types';
import { urlForLog } from './url-for-log';
import type { SpanLimits } from '../tracing/span-limits';

export const LOGGERS: readonly LoggerName[] = ['pino', 'winston', 'bunyan'];
export const ALL_INSTRUMENTATIONS: readonly InstrumentationName[] = ['http', 'express', 'fastify', 'koa', 'fetch', 'kafkajs', ...LOGGERS];
const EXPORTERS: readonly ExporterName[] = ['otlp', 'jaeger', 'console', 'none'];
const PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage', 'jaeger', 'b3', 'b3multi'];
const REMOTE_ARG_KEYS = ['endpoint', 'pollingIntervalMs', 'initialSamplingRate'];
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'jaeger_remote',
  'parentbased_jaeger_remote',
];
/** W3C for OpenTelemetry peers, Jaeger's header so services on Jaeger clients join our traces. */
export const DEFAULT_INJECT_PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage', 'jaeger'];
const DEFAULT_OTLP_BASE = 'http://localhost:4318';
const UNKNOWN_SERVICE = 'unknown_service:node';

export function loadConfig(env: Env, app: AppPackage, warn: Warn): Config {
  const read = new EnvReader(env, warn);
  const logLevel = readLogLevel(read);
  // JAEGER_* are what jaeger-client users already set; the OTEL_* equivalents win where both are.
  const resourceAttributes = { ...read.keyValues(SETTINGS.jaegerTags.env[0]), ...read.keyValues(SETTINGS.resourceAttributes.env[0]) };
  const serviceName =
    read.raw(SETTINGS.serviceName.env[0]) ?? resourceAttributes['service.name'] ?? read.raw(SETTINGS.jaegerServiceName.env[0]) ?? app.name ?? UNKNOWN_SERVICE;
  const exporter = readExporter(read);
  const propagators = readPropagators(read);
  // Off by default: a log record's fields are the app's own output format.
  const logsInjection = readSetting(read, SETTINGS.logsInjection);
  const config: Config = {
    disabled: readSetting(read, SETTINGS.disabled),
    logLevel,
    service: {
      name: serviceName,
      version: resourceAttributes['service.version'] ?? app.version,
      resourceAttributes,
    },
    exporter,
    otlp: readOtlp(read),
    jaeger: exporter === 'jaeger' ? readJaeger(read) : { agentHost: 'localhost', agentPort: SETTINGS.jaegerAgentPort.fallback, timeoutMs: SETTINGS.jaegerTimeout.fallback },
    injectPropagators: propagators ?? DEFAULT_INJECT_PROPAGATORS,
    jaegerBaggage: readSetting(read, SETTINGS.jaegerBaggage),
    propagationDisabled: propagators?.length === 0,
    sampler: readSampler(read),
    batch: readBatch(read, warn),
    spanLimits: readSpanLimits(read),
    instrumentations: readInstrumentations(read, logsInjection),
    logsInjection,
    debugPropagation: readSetting(read, SETTINGS.debugPropagation),
    http: {
      ignoreIncomingPaths: readSetting(read, SETTINGS.ignoreIncomingPaths) ?? [],
      redactQueryParams: readSetting(read, SETTINGS.redactQueryParams) ?? [],
      redactPaths: readRedactPaths(read),
      via: readSetting(read, SETTINGS.httpVia),
    },
    kafka: {
      producerSpans: readSetting(read, SETTINGS.kafkaProducerSpans),
      consumerParent: readSetting(read, SETTINGS.kafkaConsumerParent),
    },
    ...readHandlerSpans(read, warn),
    services: [],
    tracerProviderModule: read.raw(SETTINGS.tracerProvider.env[0]),
    otelInstrumentations: readSetting(read, SETTINGS.otelInstrumentations) ?? [],
  };
  const services = readServiceMapFile(read, config, warn);
  return deepFreeze(services.length > 0 ? { ...config, services } : config);
}

/**
 * HOPTRACE_HANDLER_SPANS applies to every framework (express, fastify, koa); HOPTRACE_EXPRESS_SPANS,
 * its older express-only name, keeps working for express. When both are set the newer, general
 * name wins for express too: one setting then describes every framework, which is what a user who
 * has moved to it expects; a differing old value is said once.
 */
function readHandlerSpans(read: EnvReader, warn: Warn): Pick<Config, 'express' | 'fastify' | 'koa'> {
  const middlewareSpans = (setting: typeof SETTINGS.handlerSpans | typeof SETTINGS.expressSpans) => readSetting(read, setting) === 'middleware';
  const general = read.raw(SETTINGS.handlerSpans.env[0]);
  const expressOnly = read.raw(SETTINGS.expressSpans.env[0]);
  if (general !== undefined && expressOnly !== undefined && general.toLowerCase() !== expressOnly.toLowerCase()) {
    warn('HOPTRACE_EXPRESS_SPANS is ignored: HOPTRACE_HANDLER_SPANS is set too, and wins');
  }
  const frameworks = general !== undefined && middlewareSpans(SETTINGS.handlerSpans);
  const express = general !== undefined ? frameworks : expressOnly !== undefined && middlewareSpans(SETTINGS.expressSpans);
  return { express: { middlewareSpans: express }, fastify: { middlewareSpans: frameworks }, koa: { middlewareSpans: frameworks } };
}

/** HOPTRACE_HTTP_REDACT_PATHS: patterns start with `/`; one that does not is said and skipped. */
function readRedactPaths(read: EnvReader): string[] {
  const variable = SETTINGS.redactPaths.env[0];
  const patterns = read.list(variable) ?? [];
  for (const pattern of patterns) if (!pattern.startsWith('/')) read.reject(variable, pattern, 'a pattern starts with /, as `/reset/{token}`', 'it is skipped');
  return patterns.filter((pattern) => pattern.startsWith('/'));
}

/** HOPTRACE_CONFIG_FILE, else INTERCEPTORS_CONFIG_FILE (the OpenTracing Kafka interceptors' own variable). */
function readServiceMapFile(read: EnvReader, config: Config, warn: Warn): ServiceDefinition[] {
  const variable = read.firstSet(...SETTINGS.configFile.env);
  if (!variable) return [];
  if (variable === 'HOPTRACE_CONFIG_FILE' && read.raw('INTERCEPTORS_CONFIG_FILE') !== undefined) {
    warn('INTERCEPTORS_CONFIG_FILE is ignored: HOPTRACE_CONFIG_FILE is set too, and wins');
  }
  const defaults = {
    resourceAttributes: config.service.resourceAttributes,
    sampler: config.sampler,
    export: { exporter: config.exporter, otlp: config.otlp, jaeger: config.jaeger },
    batch: config.batch,
  };
  return readServiceMap(variable, read.raw(variable)!, defaults, warn);
}

function readBatch(read: EnvReader, warn: Warn): Config['batch'] {
  const maxQueueSize = readSetting(read, SETTINGS.maxQueueSize);
  let maxExportBatchSize = readSetting(read, SETTINGS.maxExportBatchSize);
  if (maxExportBatchSize > maxQueueSize) {
    warn(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} exceeds OTEL_BSP_MAX_QUEUE_SIZE=${maxQueueSize}; using ${maxQueueSize}`,
    );
    maxExportBatchSize = maxQueueSize;
  }
  return {
    scheduleDelayMs: readSetting(read, SETTINGS.scheduleDelay),
    exportTimeoutMs: readSetting(read, SETTINGS.exportTimeout),
    maxQueueSize,
    maxExportBatchSize,
  };
}

/** OpenTelemetry's limit variables: the span-specific ones first, then the general ones, then the defaults. */
function readSpanLimits(read: EnvReader): SpanLimits {
  return Object.freeze({
    attributeCount: readSetting(read, SETTINGS.attributeCountLimit),
    attributeValueLength: readSetting(read, SETTINGS.attributeValueLengthLimit),
    eventCount: readSetting(read, SETTINGS.eventCountLimit),
    linkCount: readSetting(read, SETTINGS.linkCountLimit),
    eventAttributeCount: readSetting(read, SETTINGS.eventAttributeCountLimit),
    linkAttributeCount: readSetting(read, SETTINGS.linkAttributeCountLimit),
  });
}

function readLogLevel(read: EnvReader): LogLevel {
  const name = read.firstSet(...SETTINGS.logLevel.env) ?? 'OTEL_LOG_LEVEL';
  // OTEL_LOG_LEVEL also accepts `all`, which means the most detail.
  const level = read.oneOf<LogLevel | 'all'>(name, [...LOG_LEVELS, 'all'], 'warn');
  return level === 'all' ? 'verbose' : level;
}

function readExporter(read: EnvReader): ExporterName {
  const names = read.list('OTEL_TRACES_EXPORTER');
  if (!names || names.length === 0) return 'otlp';
  const [first, ...rest] = names.map((name) => name.toLowerCase());
  if (rest.length > 0) {
    read.reject('OTEL_TRACES_EXPORTER', names.join(','), 'hoptrace sends to one exporter', using(first));
  }
  if ((EXPORTERS as readonly string[]).includes(first)) return first as ExporterName;
  read.reject('OTEL_TRACES_EXPORTER', first, `expected one of ${EXPORTERS.join(', ')}`, using('otlp'));
  return 'otlp';
}

function readJaeger(read: EnvReader): JaegerExporterConfig {
  const value = (...names: string[]) => {
    const name = read.firstSet(...names);
    return name ? read.raw(name) : undefined;
  };
  const endpointVar = read.firstSet(...SETTINGS.jaegerEndpoint.env);
  let endpoint = endpointVar ? read.raw(endpointVar) : undefined;
  if (endpointVar && endpoint && !isHttpUrl(endpoint)) {
    read.reject(endpointVar, urlForLog(endpoint), 'expected an http:// or https:// URL', 'sending over UDP instead');
    endpoint = undefined;
  }
  return {
    agentHost: value(...SETTINGS.jaegerAgentHost.env) ?? 'localhost',
    agentPort: readSetting(read, SETTINGS.jaegerAgentPort),
    endpoint,
    user: value('OTEL_EXPORTER_JAEGER_USER', 'JAEGER_USER'),
    password: value('OTEL_EXPORTER_JAEGER_PASSWORD', 'JAEGER_PASSWORD'),
    timeoutMs: readSetting(read, SETTINGS.jaegerTimeout),
  };
}

function readOtlp(read: EnvReader): OtlpConfig {
  // Its own message rather than oneOf's: `grpc` is what a user most often tries.
  const { env: protocolNames, allowed, fallback } = SETTINGS.otlpProtocol;
  const protocolVar = read.firstSet(...protocolNames);
  let protocol: OtlpConfig['protocol'] = fallback;
  if (protocolVar) {
    const value = read.raw(protocolVar)!;
    if ((allowed as readonly string[]).includes(value)) protocol = value as OtlpConfig['protocol'];
    else read.reject(protocolVar, value, `hoptrace speaks ${allowed.join(' or ')}`, using(protocol));
  }
  return {
    endpoint: readOtlpEndpoint(read),
    protocol,
    headers: {
      ...read.keyValues('OTEL_EXPORTER_OTLP_HEADERS', { secret: true }),
      ...read.keyValues('OTEL_EXPORTER_OTLP_TRACES_HEADERS', { secret: true }),
    },
    timeoutMs: readSetting(read, SETTINGS.otlpTimeout),
    tls: readTlsFiles(read),
  };
}

/**
 * The OTLP exporter's TLS files, the traces-specific variables first. Read once, at start: a file
 * that cannot be read is said, naming the setting, and left out (the connection then fails or
 * falls back to Node's defaults, as it would without the setting). A client certificate needs its key.
 */
function readTlsFiles(read: EnvReader): OtlpConfig['tls'] {
  const pem = (general: string, specific: string): string | undefined => {
    const name = read.firstSet(specific, general);
    if (!name) return undefined;
    const file = read.raw(name)!;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      read.reject(name, file, `the file cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'it is not used');
      return undefined;
    }
  };
  const ca = pem('OTEL_EXPORTER_OTLP_CERTIFICATE', 'OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE');
  let cert = pem('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', 'OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE');
  let key = pem('OTEL_EXPORTER_OTLP_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY');
  if ((cert === undefined) !== (key === undefined)) {
    read.warnText(`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY go together: only one is usable, so neither is used`);
    cert = key = undefined;
  }
  return ca === undefined && cert === undefined ? undefined : { ca, cert, key };
}

/** The signal-specific variable is used as given; the general one gets `/v1/traces` appended (OTLP spec). */
function readOtlpEndpoint(read: EnvReader): string {
  const specific = read.raw('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (specific !== undefined) {
    if (isHttpUrl(specific)) return specific;
    read.reject('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', urlForLog(specific), 'expected an http:// or https:// URL', 'using OTEL_EXPORTER_OTLP_ENDPOINT or the default');
  }
  const base = read.raw('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base !== undefined) {
    if (isHttpUrl(base)) return otlpTracesUrl(base);
    read.reject('OTEL_EXPORTER_OTLP_ENDPOINT', urlForLog(base), 'expected an http:// or https:// URL', using(DEFAULT_OTLP_BASE));
  }
  return otlpTracesUrl(DEFAULT_OTLP_BASE);
}

/** undefined: not set (defaults apply); []: `none`. */
function readPropagators(read: EnvReader): PropagatorName[] | undefined {
  const names = read.list('OTEL_PROPAGATORS');
  if (!names) return undefined;
  const chosen: PropagatorName[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === 'none') return [];
    if ((PROPAGATORS as readonly string[]).includes(name)) {
      if (!chosen.includes(name as PropagatorName)) chosen.push(name as PropagatorName);
    } else {
      read.reject('OTEL_PROPAGATORS', raw, `expected any of ${PROPAGATORS.join(', ')}, none`, 'it is skipped');
    }
  }
  return chosen.length > 0 ? chosen : [...DEFAULT_INJECT_PROPAGATORS];
}

function readSampler(read: EnvReader): Config['sampler'] {
  if (read.raw('OTEL_TRACES_SAMPLER') === undefined && read.raw('JAEGER_SAMPLER_TYPE') !== undefined) return readJaegerSampler(read);
  const name = read.oneOf<SamplerName>('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on');
  if (name === 'jaeger_remote' || name === 'parentbased_jaeger_remote') return { name: 'parentbased_jaeger_remote', ratio: 1, remote: readRemoteSamplingArg(read) };
  const usesRatio = name === 'traceidratio' || name === 'parentbased_traceidratio';
  const ratio = usesRatio ? read.number('OTEL_TRACES_SAMPLER_ARG', 1, 0, 1) : 1;
  return { name, ratio };
}

/**
 * OTEL_TRACES_SAMPLER_ARG for jaeger_remote, as OpenTelemetry spells it:
 * `endpoint=http://localhost:5778,pollingIntervalMs=5000,initialSamplingRate=0.25`, each optional.
 */
function readRemoteSamplingArg(read: EnvReader): RemoteSamplingConfig {
  const given = read.keyValues('OTEL_TRACES_SAMPLER_ARG');
  const say = (key: string, expected: string, instead: string) => read.reject('OTEL_TRACES_SAMPLER_ARG', `${key}=${given[key]}`, expected, instead);
  for (const key of Object.keys(given)) {
    if (!REMOTE_ARG_KEYS.includes(key)) say(key, `jaeger_remote reads ${REMOTE_ARG_KEYS.join(', ')}`, 'it is ignored');
  }
  let endpoint = DEFAULT_REMOTE_SAMPLING.endpoint;
  if (given.endpoint !== undefined) {
    if (/^https?:\/\/[^/]/.test(given.endpoint)) endpoint = given.endpoint;
    else say('endpoint', 'expected an http:// or https:// URL', `using ${endpoint}`);
  }
  const pollingIntervalMs = remoteNumber(given.pollingIntervalMs, 100, 24 * 3600_000, DEFAULT_REMOTE_SAMPLING.pollingIntervalMs, (instead) =>
    say('pollingIntervalMs', 'expected milliseconds from 100 to a day', instead),
  );
  const initialSamplingRate = remoteNumber(given.initialSamplingRate, 0, 1, DEFAULT_REMOTE_SAMPLING.initialSamplingRate, (instead) =>
    say('initialSamplingRate', 'expected a rate between 0 and 1', instead),
  );
  return { endpoint, pollingIntervalMs, initialSamplingRate };
}

function remoteNumber(text: string | undefined, min: number, max: number, fallback: number, refuse: (instead: string) => void): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() !== '' && Number.isFinite(value) && value >= min && value <= max) return value;
  refuse(using(fallback));
  return fallback;
}

/** jaeger-client's sampler settings, as the nearest OpenTelemetry sampler (see jaeger-settings.ts). */
function readJaegerSampler(read: EnvReader): Config['sampler'] {
  const type = read.raw('JAEGER_SAMPLER_TYPE');
  const remote = { hostPort: read.raw('JAEGER_SAMPLER_MANAGER_HOST_PORT'), refreshIntervalMs: read.raw('JAEGER_SAMPLER_REFRESH_INTERVAL') };
  return jaegerSampler(
    type,
    read.raw('JAEGER_SAMPLER_PARAM') ?? (type === 'remote' ? undefined : 1),
    { name: 'parentbased_always_on', ratio: 1 },
    (reason, instead) => read.reject('JAEGER_SAMPLER_TYPE', type ?? '', reason, instead),
    remote,
  );
}

/**
 * The instrumentations to run. The loggers' are on only with HOPTRACE_LOGS_INJECTION=true (one
 * switch); the lists can leave any of them out, and naming a logger while the switch is off says so.
 */
function readInstrumentations(read: EnvReader, logsInjection: boolean): Set<InstrumentationName> {
  const enabledList = checkNames(read, SETTINGS.enabledInstrumentations.env[0]);
  const disabledList = checkNames(read, SETTINGS.disabledInstrumentations.env[0]) ?? [];
  const enabled = new Set<InstrumentationName>(enabledList ?? ALL_INSTRUMENTATIONS);
  for (const name of disabledList) enabled.delete(name);
  if (!logsInjection) {
    const named = enabledList?.filter((name) => (LOGGERS as readonly string[]).includes(name)) ?? [];
    if (named.length > 0) {
      read.warnText(`OTEL_NODE_ENABLED_INSTRUMENTATIONS names ${named.join(', ')}, whose records hoptrace stamps with trace ids only with HOPTRACE_LOGS_INJECTION=true; they are left as they are`);
    }
    for (const name of LOGGERS) enabled.delete(name);
  }
  return enabled;
}

function checkNames(read: EnvReader, variable: string): InstrumentationName[] | undefined {
  const names = read.list(variable);
  if (!names) return undefined;
  const known: InstrumentationName[] = [];
  for (const name of names) {
    const lower = name.toLowerCase() as InstrumentationName;
    if (ALL_INSTRUMENTATIONS.includes(lower)) known.push(lower);
    else read.reject(variable, name, `hoptrace instruments ${ALL_INSTRUMENTATIONS.join(', ')}`, 'it is skipped');
  }
  return known;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (!(value instanceof Set)) for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
