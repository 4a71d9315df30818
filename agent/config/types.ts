import type { SpanLimits } from '../tracing/span-limits';
import type { ExpressInstrumentationOptions } from '../../instrumentations/express/types';
import type { FastifyInstrumentationOptions } from '../../instrumentations/fastify/types';
import type { HttpInstrumentationOptions } from '../../instrumentations/http/types';
import type { KafkajsInstrumentationOptions } from '../../instrumentations/kafkajs/types';
import type { KoaInstrumentationOptions } from '../../instrumentations/koa/types';
import type { LogLevel } from '../log';

export type ExporterName = 'otlp' | 'jaeger' | 'console' | 'none';
export type OtlpProtocol = 'http/protobuf' | 'http/json';
/** Names as the OTEL_PROPAGATORS specification spells them. */
export type PropagatorName = 'tracecontext' | 'baggage' | 'jaeger' | 'b3' | 'b3multi';
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio'
  | 'jaeger_remote'
  | 'parentbased_jaeger_remote';

/** Every instrumentation hoptrace ships, by the name users write in the OTEL_NODE_*_INSTRUMENTATIONS lists. */
export type InstrumentationName = 'http' | 'express' | 'fastify' | 'koa' | 'fetch' | 'kafkajs' | LoggerName;
/** Loggers whose records hoptrace stamps with the active span's ids (HOPTRACE_LOGS_INJECTION). */
export type LoggerName = 'pino' | 'winston' | 'bunyan';

export interface OtlpConfig {
  /** The full URL spans are posted to, `/v1/traces` included. */
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** PEM text from the files OTEL_EXPORTER_OTLP_(TRACES_)CERTIFICATE / _CLIENT_CERTIFICATE / _CLIENT_KEY name (https only). */
  readonly tls?: TlsMaterial;
}

export interface TlsMaterial {
  /** Certificate authorities to trust for the collector, instead of Node's defaults. */
  readonly ca?: string;
  /** Client certificate and key, for collectors that ask for one (mTLS). */
  readonly cert?: string;
  readonly key?: string;
}

/** Jaeger's native protocol: UDP to an agent unless a collector endpoint is set. */
export interface JaegerExporterConfig {
  readonly agentHost: string;
  readonly agentPort: number;
  /** Collector URL for Thrift over HTTP (`http://host:14268/api/traces`). */
  readonly endpoint?: string;
  readonly user?: string;
  readonly password?: string;
  readonly timeoutMs: number;
}

export interface BatchConfig {
  readonly scheduleDelayMs: number;
  readonly exportTimeoutMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

/**
 * One service as the tracing backend will show it. A process hosts one today; the shape lets a
 * later configuration file map Kafka topics, client ids or ports to several.
 */
export interface ServiceConfig {
  readonly name: string;
  readonly version?: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

/** OTEL_TRACES_SAMPLER's samplers, and Jaeger's rate-limiting one (a service-map file's `ratelimiting`). */
export interface SamplerConfig {
  readonly name: SamplerName | 'parentbased_ratelimiting';
  readonly ratio: number;
  /** parentbased_ratelimiting: new traces per second. */
  readonly perSecond?: number;
  /** (parentbased_)jaeger_remote: where the strategy is asked for, how often, and the rate before an answer. */
  readonly remote?: RemoteSamplingConfig;
}

export interface RemoteSamplingConfig {
  /** Jaeger's sampling endpoint (`http://host:5778`); `/sampling?service=<name>` is added. */
  readonly endpoint: string;
  readonly pollingIntervalMs: number;
  readonly initialSamplingRate: number;
}

/** Where a service's spans go. */
export interface ExporterSettings {
  readonly exporter: ExporterName;
  readonly otlp: OtlpConfig;
  readonly jaeger: JaegerExporterConfig;
}

/** What a service of a service-map file owns (see tracing/service-map-resolver.ts for the rules). */
export interface ServiceOwnership {
  readonly topics: readonly string[];
  /** Regular expressions, as written in the file between slashes. */
  readonly topicPatterns: readonly string[];
  readonly clientIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly ports: readonly number[];
}

/** One service of HOPTRACE_CONFIG_FILE (or INTERCEPTORS_CONFIG_FILE): unset settings are the process's. */
export interface ServiceDefinition {
  readonly service: ServiceConfig;
  readonly sampler: SamplerConfig;
  readonly export: ExporterSettings;
  readonly batch: BatchConfig;
  /** Every ended span also written to hoptrace's log (jaeger-client's `reporter.logSpans`). */
  readonly logSpans: boolean;
  readonly owns: ServiceOwnership;
}

export interface Config {
  readonly disabled: boolean;
  readonly logLevel: LogLevel;
  readonly service: ServiceConfig;
  readonly exporter: ExporterName;
  readonly otlp: OtlpConfig;
  readonly jaeger: JaegerExporterConfig;
  /** What we write into outgoing requests and messages; every known format is always read. */
  readonly injectPropagators: readonly PropagatorName[];
  /** HOPTRACE_JAEGER_BAGGAGE: whether the jaeger format writes baggage as `uberctx-*` headers too. */
  readonly jaegerBaggage: boolean;
  /** `OTEL_PROPAGATORS=none`: neither read nor write trace context. */
  readonly propagationDisabled: boolean;
  readonly sampler: SamplerConfig;
  readonly batch: BatchConfig;
  /** OpenTelemetry's span limit variables (tracing/span-limits.ts). */
  readonly spanLimits: SpanLimits;
  readonly instrumentations: ReadonlySet<InstrumentationName>;
  /** HOPTRACE_DEBUG_PROPAGATION: a line per hop received without usable context, and per hop sent (propagation/debug.ts). */
  readonly debugPropagation: boolean;
  /** HOPTRACE_LOGS_INJECTION: pino, winston and bunyan records carry trace_id, span_id and trace_flags. */
  readonly logsInjection: boolean;
  // Each instrumentation's options, declared in its own folder (instrumentations/<name>/types.ts).
  readonly http: HttpInstrumentationOptions;
  readonly express: ExpressInstrumentationOptions;
  readonly fastify: FastifyInstrumentationOptions;
  readonly koa: KoaInstrumentationOptions;
  readonly kafka: KafkajsInstrumentationOptions;
  /** The services of a service-map file, in the file's order; empty without one. */
  readonly services: readonly ServiceDefinition[];
  /** HOPTRACE_TRACER_PROVIDER: a module that supplies the TracerProvider hoptrace's spans start in. */
  readonly tracerProviderModule?: string;
  /** HOPTRACE_OTEL_INSTRUMENTATIONS: OpenTelemetry instrumentation packages of the app's to load. */
  readonly otelInstrumentations: readonly string[];
}
