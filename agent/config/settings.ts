/**
 * Every setting hoptrace reads, declared once: its environment variables (the first one set wins:
 * the specific before the general, OpenTelemetry's before jaeger-client's), its type, default and
 * bounds, the service-map key that sets the same thing per service, and what it means.
 *
 * One reader (readSetting) reads a declared setting from either source: the environment
 * (load-config.ts, EnvReader) or a service-map entry's key for the same setting (service-map.ts);
 * settings of several parts are read by load-config's own code, which still takes their names and
 * defaults from here. README's configuration tables are written from here by
 * scripts/settings-table.js, and a unit test fails when they are not current.
 */
import { DEFAULT_SPAN_LIMITS } from '../tracing/span-limits';

interface Common {
  /** Environment variables, in the order they are consulted. */
  readonly env: readonly string[];
  /** The service-map key that sets the same thing per service (`batch.maxQueueSize`). */
  readonly fileKey?: string;
  /** README: the default as shown (`—` when there is none). */
  readonly shown: string;
  /** README: what it does. */
  readonly meaning: string;
  /** README: which table. */
  readonly table: 'main' | 'jaeger';
}

export type Setting =
  | (Common & { readonly kind: 'boolean'; readonly fallback: boolean })
  /** On/off written as 1/0 as often as true/false. */
  | (Common & { readonly kind: 'switch'; readonly fallback: boolean })
  | (Common & { readonly kind: 'integer'; readonly fallback: number; readonly min: number; readonly max?: number })
  /** Whole milliseconds from `min`, capped at what a Node timer can wait. */
  | (Common & { readonly kind: 'duration'; readonly fallback: number; readonly min: number })
  | (Common & { readonly kind: 'number'; readonly fallback: number; readonly min: number; readonly max: number })
  | (Common & { readonly kind: 'oneOf'; readonly fallback: string; readonly allowed: readonly string[] })
  | (Common & { readonly kind: 'list' })
  /** Read by load-config.ts's own code (a setting of several parts, or of several variables at once). */
  | (Common & { readonly kind: 'custom' });

const limit = (name: string, general: string | undefined, fallback: number, what: string): Extract<Setting, { kind: 'integer' }> => ({
  kind: 'integer',
  env: general ? [name, general] : [name],
  fallback,
  min: 0,
  shown: fallback === Infinity ? 'no limit' : String(fallback),
  meaning: `${what}${general ? ` (\`${general}\`: the general limit, when the span's own is not set)` : ''}`,
  table: 'main',
});

/** In README order. */
export const SETTINGS = {
  disabled: { kind: 'boolean', env: ['OTEL_SDK_DISABLED'], fallback: false, shown: '`false`', table: 'main', meaning: '`true`: hoptrace does nothing, not even load itself (`register.js` reads it first; `OTEL_LOG_LEVEL=debug` says so)' },
  serviceName: { kind: 'custom', env: ['OTEL_SERVICE_NAME'], fileKey: 'name', shown: "`name` from the app's package.json, else `unknown_service:node`", table: 'main', meaning: 'the service name' },
  resourceAttributes: { kind: 'custom', env: ['OTEL_RESOURCE_ATTRIBUTES'], fileKey: 'resourceAttributes', shown: '—', table: 'main', meaning: "`key=value,…` (percent-decoded) added to every span's resource" },
  exporter: { kind: 'custom', env: ['OTEL_TRACES_EXPORTER'], fileKey: 'exporter.type', shown: '`otlp`', table: 'main', meaning: '`otlp`, `jaeger` (see [Jaeger](#jaeger)), `console` (stdout) or `none`' },
  otlpEndpoint: { kind: 'custom', env: ['OTEL_EXPORTER_OTLP_ENDPOINT'], fileKey: 'exporter.endpoint', shown: '`http://localhost:4318`', table: 'main', meaning: 'base URL; `/v1/traces` is appended' },
  otlpTracesEndpoint: { kind: 'custom', env: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'], shown: '—', table: 'main', meaning: 'full URL, used as given; wins over the above' },
  otlpProtocol: {
    kind: 'oneOf',
    env: ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    fallback: 'http/protobuf',
    allowed: ['http/protobuf', 'http/json'],
    fileKey: 'exporter.protocol',
    shown: '`http/protobuf`',
    table: 'main',
    meaning: 'or `http/json` (gRPC is not supported)',
  },
  otlpHeaders: {
    kind: 'custom',
    env: ['OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'],
    fileKey: 'exporter.headers',
    shown: '—',
    table: 'main',
    meaning: '`key=value,…` sent with every export (to another machine over plain `http://`: said once, with the header names); both are read, the traces-specific one wins per key',
  },
  otlpTimeout: {
    kind: 'duration',
    env: ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    fallback: 10000,
    min: 1,
    fileKey: 'exporter.timeoutMs',
    shown: '`10000`',
    table: 'main',
    meaning: 'ms per export request (this and the two `OTEL_BSP_*` times below: at most 2147483647, the longest a Node timer waits; longer is capped, with a warning)',
  },
  otlpCertificate: {
    kind: 'custom',
    env: ['OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CERTIFICATE'],
    shown: '—',
    table: 'main',
    meaning: "PEM file of the CA(s) to trust for an `https://` collector, instead of Node's defaults",
  },
  otlpClientCertificate: {
    kind: 'custom',
    env: ['OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', 'OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_CLIENT_KEY'],
    shown: '—',
    table: 'main',
    meaning:
      'PEM files of a client certificate and its key, for a collector that asks for one (mTLS); used while the app runs and in the delivery at exit. `NODE_TLS_REJECT_UNAUTHORIZED=0` is honoured at exit too',
  },
  propagators: {
    kind: 'custom',
    env: ['OTEL_PROPAGATORS'],
    shown: '`tracecontext,baggage,jaeger`',
    table: 'main',
    meaning: 'formats written: `tracecontext`, `baggage`, `jaeger`, `b3` (single header), `b3multi`, or `none` (neither read nor write)',
  },
  sampler: {
    kind: 'custom',
    env: ['OTEL_TRACES_SAMPLER'],
    fileKey: 'sampler.name',
    shown: '`parentbased_always_on`',
    table: 'main',
    meaning:
      '`always_on`, `always_off`, `traceidratio`, `parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio`, `jaeger_remote` or `parentbased_jaeger_remote` (both parent-based: [remote sampling](#remote-sampling))',
  },
  samplerRatio: {
    kind: 'number',
    env: ['OTEL_TRACES_SAMPLER_ARG'],
    fallback: 1,
    min: 0,
    max: 1,
    fileKey: 'sampler.ratio',
    shown: '`1`',
    table: 'main',
    meaning: 'ratio 0…1 for the ratio samplers; for `jaeger_remote`, `endpoint=…,pollingIntervalMs=…,initialSamplingRate=…` (defaults `http://localhost:5778`, `60000`, `0.001`)',
  },
  scheduleDelay: { kind: 'duration', env: ['OTEL_BSP_SCHEDULE_DELAY'], fallback: 5000, min: 0, fileKey: 'batch.scheduleDelayMs', shown: '`5000`', table: 'main', meaning: 'ms between exports' },
  exportTimeout: { kind: 'duration', env: ['OTEL_BSP_EXPORT_TIMEOUT'], fallback: 30000, min: 1, shown: '`30000`', table: 'main', meaning: 'ms an export may take before its spans are given up' },
  maxQueueSize: { kind: 'integer', env: ['OTEL_BSP_MAX_QUEUE_SIZE'], fallback: 2048, min: 1, fileKey: 'batch.maxQueueSize', shown: '`2048`', table: 'main', meaning: 'spans held at most; beyond, new spans are dropped and counted' },
  maxExportBatchSize: {
    kind: 'integer',
    env: ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
    fallback: 512,
    min: 1,
    fileKey: 'batch.maxExportBatchSize',
    shown: '`512`',
    table: 'main',
    meaning: 'spans per export request (at most the queue size)',
  },
  attributeCountLimit: limit('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT', DEFAULT_SPAN_LIMITS.attributeCount, 'attributes a span keeps, as OpenTelemetry\'s SDK applies them'),
  attributeValueLengthLimit: limit('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', Infinity, 'characters a string attribute keeps (cut as the span ends)'),
  eventCountLimit: limit('OTEL_SPAN_EVENT_COUNT_LIMIT', undefined, DEFAULT_SPAN_LIMITS.eventCount, 'events a span keeps'),
  linkCountLimit: limit('OTEL_SPAN_LINK_COUNT_LIMIT', undefined, DEFAULT_SPAN_LIMITS.linkCount, 'links a span keeps'),
  eventAttributeCountLimit: limit('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', undefined, DEFAULT_SPAN_LIMITS.eventAttributeCount, 'attributes an event keeps'),
  linkAttributeCountLimit: limit('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', undefined, DEFAULT_SPAN_LIMITS.linkAttributeCount, 'attributes a link keeps'),
  enabledInstrumentations: {
    kind: 'custom',
    env: ['OTEL_NODE_ENABLED_INSTRUMENTATIONS'],
    shown: 'all',
    table: 'main',
    meaning: 'comma list of instrumentations to use: `http`, `express`, `fastify`, `koa`, `fetch`, `kafkajs`, and, with `HOPTRACE_LOGS_INJECTION=true`, `pino`, `winston`, `bunyan`',
  },
  disabledInstrumentations: {
    kind: 'custom',
    env: ['OTEL_NODE_DISABLED_INSTRUMENTATIONS'],
    shown: '—',
    table: 'main',
    meaning:
      'comma list to leave out (express, fastify and koa work on the http instrumentation\'s SERVER spans: with http left out, they are too, with one warning when the app loads one of them)',
  },
  logLevel: {
    kind: 'custom',
    env: ['HOPTRACE_LOG_LEVEL', 'OTEL_LOG_LEVEL'],
    shown: '`warn`',
    table: 'main',
    meaning: '`none`, `error`, `warn`, `info`, `debug` (what was patched, exporter, propagators, sampler), `verbose`, `all`; `HOPTRACE_LOG_LEVEL` sets it for hoptrace alone and wins',
  },
  debugPropagation: {
    kind: 'switch',
    env: ['HOPTRACE_DEBUG_PROPAGATION'],
    fallback: false,
    shown: 'off',
    table: 'main',
    meaning:
      '`1` (or `true`): a line on stderr for every hop received with no trace context, or with one that could not be read or in a format not written onward, and for every hop sent (see [Where a trace breaks](#where-a-trace-breaks))',
  },
  logsInjection: {
    kind: 'boolean',
    env: ['HOPTRACE_LOGS_INJECTION'],
    fallback: false,
    shown: '`false`',
    table: 'main',
    meaning: '`true`: pino, winston and bunyan records written inside a span carry its `trace_id`, `span_id` and `trace_flags` (see [Trace ids in your logs](#trace-ids-in-your-logs))',
  },
  jaegerBaggage: {
    kind: 'boolean',
    env: ['HOPTRACE_JAEGER_BAGGAGE'],
    fallback: true,
    shown: '`true`',
    table: 'main',
    meaning: '`false`: the `jaeger` format writes `uber-trace-id` only, no `uberctx-*` baggage headers (see [Context propagation](#context-propagation))',
  },
  kafkaProducerSpans: {
    kind: 'oneOf',
    env: ['HOPTRACE_KAFKA_PRODUCER_SPANS'],
    fallback: 'per-message',
    allowed: ['per-message', 'per-call'],
    shown: '`per-message`',
    table: 'main',
    meaning: '`per-call`: one PRODUCER span per send / sendBatch',
  },
  kafkaConsumerParent: {
    kind: 'oneOf',
    env: ['HOPTRACE_KAFKA_CONSUMER_PARENT'],
    fallback: 'child',
    allowed: ['child', 'link'],
    shown: '`child`',
    table: 'main',
    meaning: "`link`: consumer spans start a new trace linking to the producer's",
  },
  handlerSpans: {
    kind: 'oneOf',
    env: ['HOPTRACE_HANDLER_SPANS'],
    fallback: 'route',
    allowed: ['route', 'middleware'],
    shown: '`route`',
    table: 'main',
    meaning: '`middleware`: also an INTERNAL span per middleware, hook and route handler, for express, fastify and koa',
  },
  expressSpans: {
    kind: 'oneOf',
    env: ['HOPTRACE_EXPRESS_SPANS'],
    fallback: 'route',
    allowed: ['route', 'middleware'],
    shown: '`route`',
    table: 'main',
    meaning: 'the older name, for express alone; `HOPTRACE_HANDLER_SPANS` wins when both are set',
  },
  redactQueryParams: {
    kind: 'list',
    env: ['HOPTRACE_HTTP_REDACT_QUERY_PARAMS'],
    shown: '—',
    table: 'main',
    meaning: 'comma list of query parameter names whose values are recorded as `REDACTED`, on top of the built-in list (matched the same way: any case, `-` or `_`, in brackets)',
  },
  redactPaths: {
    kind: 'custom',
    env: ['HOPTRACE_HTTP_REDACT_PATHS'],
    shown: '—',
    table: 'main',
    meaning:
      "comma list of path patterns whose `{…}` segments are recorded as `REDACTED`: `/files/*/share/{link}` (`*` any segment, kept; the rest equal; matched against a path's first segments), on top of the built-in rules",
  },
  ignoreIncomingPaths: {
    kind: 'list',
    env: ['HOPTRACE_HTTP_IGNORE_INCOMING_PATHS'],
    shown: '—',
    table: 'main',
    meaning: 'comma list of paths that get no span, nor do the calls they make: exact (`/health`) or prefix (`/internal/*`)',
  },
  httpVia: {
    kind: 'oneOf',
    env: ['HOPTRACE_HTTP_VIA'],
    fallback: 'channels',
    allowed: ['channels', 'patching'],
    shown: '`channels`',
    table: 'main',
    meaning:
      "how node:http and node:https are traced: through Node's diagnostics channels (no wrapper around the app's handlers; Node 22.12 and later, older Node patches whatever this says), or `patching` their functions (see [How HTTP is traced](#how-http-is-traced))",
  },
  configFile: {
    kind: 'custom',
    env: ['HOPTRACE_CONFIG_FILE', 'INTERCEPTORS_CONFIG_FILE'],
    shown: '—',
    table: 'main',
    meaning:
      "a service-map file: several services in one process (see [below](#several-services-in-one-process)); `INTERCEPTORS_CONFIG_FILE` is the OpenTracing Kafka interceptors' service file, read as is when `HOPTRACE_CONFIG_FILE` is not set",
  },
  tracerProvider: {
    kind: 'custom',
    env: ['HOPTRACE_TRACER_PROVIDER'],
    shown: '—',
    table: 'main',
    meaning: "a module (path or package) that supplies the tracer provider hoptrace's spans start in (see [Your own tracer provider](#your-own-tracer-provider))",
  },
  otelInstrumentations: {
    kind: 'list',
    env: ['HOPTRACE_OTEL_INSTRUMENTATIONS'],
    shown: '—',
    table: 'main',
    meaning: "comma list of OpenTelemetry instrumentation packages of your app's to load (see [OpenTelemetry instrumentations you already use](#opentelemetry-instrumentations-you-already-use))",
  },

  jaegerAgentHost: { kind: 'custom', env: ['OTEL_EXPORTER_JAEGER_AGENT_HOST', 'JAEGER_AGENT_HOST'], fileKey: 'exporter.agentHost', shown: '`localhost`', table: 'jaeger', meaning: 'UDP agent host' },
  jaegerAgentPort: {
    kind: 'integer',
    env: ['OTEL_EXPORTER_JAEGER_AGENT_PORT', 'JAEGER_AGENT_PORT'],
    fallback: 6832,
    min: 1,
    max: 65535,
    fileKey: 'exporter.agentPort',
    shown: '`6832`',
    table: 'jaeger',
    meaning: 'UDP agent port: jaeger-client sends Thrift *binary*, which Jaeger receives on 6832 (6831 is the compact protocol)',
  },
  jaegerEndpoint: {
    kind: 'custom',
    env: ['OTEL_EXPORTER_JAEGER_ENDPOINT', 'JAEGER_ENDPOINT'],
    fileKey: 'exporter.endpoint',
    shown: '—',
    table: 'jaeger',
    meaning: 'collector URL, e.g. `http://localhost:14268/api/traces`: send over HTTP instead of UDP',
  },
  jaegerUser: {
    kind: 'custom',
    env: ['OTEL_EXPORTER_JAEGER_USER', 'JAEGER_USER', 'OTEL_EXPORTER_JAEGER_PASSWORD', 'JAEGER_PASSWORD'],
    fileKey: 'exporter.user',
    shown: '—',
    table: 'jaeger',
    meaning: 'basic auth for the collector',
  },
  jaegerTimeout: { kind: 'integer', env: ['OTEL_EXPORTER_JAEGER_TIMEOUT'], fallback: 10000, min: 1, shown: '`10000`', table: 'jaeger', meaning: 'ms per HTTP request' },
  jaegerServiceName: {
    kind: 'custom',
    env: ['JAEGER_SERVICE_NAME'],
    shown: '—',
    table: 'jaeger',
    meaning: 'the service name when `OTEL_SERVICE_NAME` (and `service.name` in `OTEL_RESOURCE_ATTRIBUTES`) are not set',
  },
  jaegerTags: { kind: 'custom', env: ['JAEGER_TAGS'], shown: '—', table: 'jaeger', meaning: '`key=value,…` added to the resource (`OTEL_RESOURCE_ATTRIBUTES` wins per key)' },
  jaegerSampler: {
    kind: 'custom',
    env: ['JAEGER_SAMPLER_TYPE', 'JAEGER_SAMPLER_PARAM'],
    fileKey: 'sampler.type',
    shown: '—',
    table: 'jaeger',
    meaning:
      'when `OTEL_TRACES_SAMPLER` is not set: `const` 1/0 → parent-based always on/off; `probabilistic` p → parent-based ratio p; `ratelimiting` n → at most n new traces a second; `remote` → [remote sampling](#remote-sampling), p the rate before Jaeger\'s first answer',
  },
  jaegerSamplerManager: {
    kind: 'custom',
    env: ['JAEGER_SAMPLER_MANAGER_HOST_PORT', 'JAEGER_SAMPLER_REFRESH_INTERVAL'],
    fileKey: 'sampler.hostPort',
    shown: '`localhost:5778` / `60000`',
    table: 'jaeger',
    meaning: 'with `remote`: where the strategy is asked for, and how often (ms)',
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

type ValueOf<S extends Setting> = S extends { kind: 'boolean' | 'switch' }
  ? boolean
  : S extends { kind: 'integer' | 'duration' | 'number' }
    ? number
    : S extends { kind: 'oneOf'; allowed: readonly (infer A)[] }
      ? A
      : S extends { kind: 'list' }
        ? string[] | undefined
        : never;

/**
 * Where settings are read from: the environment (EnvReader: strings, each named by the first of a
 * setting's variables that is set) or one object of a service-map file (service-map.ts: JSON
 * values, named by the last part of the setting's file key). Each checks a value against the type
 * and bounds it is given and says what it refuses in its own voice (the variable, or the place in
 * the file), returning `fallback` then, or when the value is not there.
 */
export interface SettingSource {
  nameOf(setting: Setting): string;
  boolean(name: string, fallback: boolean): boolean;
  onOff(name: string, fallback: boolean): boolean;
  integer(name: string, fallback: number, min: number, max?: number): number;
  duration(name: string, fallback: number, min: number): number;
  number(name: string, fallback: number, min: number, max: number): number;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  list(name: string): string[] | undefined;
}

/**
 * A declared setting's value from `source`, checked against its declared type and bounds; the
 * declared default unless `fallback` is given (a service's entry falls back to the process's value).
 */
export function readSetting<S extends Setting>(source: SettingSource, setting: S, fallback?: ValueOf<S>): ValueOf<S> {
  const name = source.nameOf(setting);
  const given = fallback as never;
  switch (setting.kind) {
    case 'boolean':
      return source.boolean(name, given ?? setting.fallback) as ValueOf<S>;
    case 'switch':
      return source.onOff(name, given ?? setting.fallback) as ValueOf<S>;
    case 'integer':
      return source.integer(name, given ?? setting.fallback, setting.min, setting.max) as ValueOf<S>;
    case 'duration':
      return source.duration(name, given ?? setting.fallback, setting.min) as ValueOf<S>;
    case 'number':
      return source.number(name, given ?? setting.fallback, setting.min, setting.max) as ValueOf<S>;
    case 'oneOf':
      return source.oneOf(name, setting.allowed, given ?? setting.fallback) as ValueOf<S>;
    case 'list':
      return source.list(name) as ValueOf<S>;
    default:
      throw new Error(`${setting.env.join(', ')}: read by its own code in load-config.ts`);
  }
}

/** The declaration a service-map key shares, for its bounds and default (service-map.ts). */
export function settingOfFileKey(key: string): Setting | undefined {
  return (Object.values(SETTINGS) as Setting[]).find((setting) => setting.fileKey === key);
}

/** Whether `text` is an absolute http:// or https:// URL: the one test for every endpoint setting. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The traces URL of an OTLP base URL: `/v1/traces` appended, as the OTLP specification has it for
 * OTEL_EXPORTER_OTLP_ENDPOINT. A service-map entry's `exporter.endpoint` (`acceptFull`: the file's
 * own rule) may also be written as the full URL, which is then used as given.
 */
export function otlpTracesUrl(base: string, { acceptFull = false } = {}): string {
  if (acceptFull && /\/v1\/traces\/?$/.test(base)) return base;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}
