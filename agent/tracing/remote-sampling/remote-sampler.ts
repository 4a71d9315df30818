/**
 * Jaeger remote sampling: the strategy for new traces is asked of Jaeger (its sampling endpoint,
 * `GET <endpoint>/sampling?service=<name>`) and asked again every polling interval. Before the
 * first answer, new traces are sampled at the initial rate; when Jaeger cannot be reached or
 * answers something unusable, the last strategy stays in force and the interval doubles up to
 * five minutes; each change (a new strategy, Jaeger lost, Jaeger back) is said once. The timer
 * and the connection never keep the process alive, and the requests are not traced.
 *
 * Parent-based, as Jaeger's clients are: a span with a parent follows its parent's decision; only
 * a new trace asks the strategy.
 */
import { type Attributes, type Context, type Link, ROOT_CONTEXT, type SpanKind, TraceFlags, context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-node';
import type * as http from 'node:http';
import type { RemoteSamplingConfig } from '../../config/types';
import { urlForLog } from '../../config/url-for-log';
import { type DetachedAgent, createDetachedAgent, unwrapped } from '../../exporters/detached-agent';
import { log } from '../../log';
import { NOT_SAMPLED, SAMPLED } from '../sampling-answers';
import { isValidSpanContext } from '../span-context';
import { type Decider, Probabilistic, deciderFor } from './deciders';
import { type Strategy, describeStrategy, parseStrategy, sameStrategy } from './strategy';

const MAX_INTERVAL_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 5000;

export class RemoteSampler implements Sampler {
  private decider: Decider;
  private strategy: Strategy | undefined;
  private failures = 0;
  private reachable: boolean | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private connection: { readonly agent: DetachedAgent; readonly get: typeof http.get } | undefined;
  private readonly url: URL;

  constructor(
    private readonly serviceName: string,
    private readonly config: RemoteSamplingConfig,
  ) {
    this.decider = new Probabilistic(config.initialSamplingRate);
    this.url = samplingUrl(config.endpoint, serviceName);
    // The first question right away: a service's first traces should follow Jaeger, not the initial rate.
    this.schedule(0);
  }

  shouldSample(ctx: Context, traceId: string, spanName: string, _kind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(ctx);
    if (parent !== undefined && isValidSpanContext(parent)) return (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? SAMPLED : NOT_SAMPLED;
    return this.decider.sampled(traceId, spanName) ? SAMPLED : NOT_SAMPLED;
  }

  toString(): string {
    return `JaegerRemoteSampler{${urlForLog(this.url.href)}, ${this.strategy ? describeStrategy(this.strategy) : `initial probabilistic ${this.config.initialSamplingRate}`}}`;
  }

  /** Stops polling (the process is ending). */
  shutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.connection?.agent.abandon();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.poll(), delayMs);
    this.timer.unref();
  }

  private poll(): void {
    let answered = false;
    const done = (body: string | undefined, failure: string | undefined) => {
      if (answered) return;
      answered = true;
      this.settle(body, failure);
    };
    try {
      const { agent, get } = this.connect();
      context.with(suppressTracing(ROOT_CONTEXT), () => {
        const req = get(this.url, { agent: agent.agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (body.length < 1_000_000) body += chunk;
          });
          res.on('end', () => (res.statusCode === 200 ? done(body, undefined) : done(undefined, `HTTP ${res.statusCode}`)));
          res.on('error', (error) => done(undefined, error.message));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
        req.on('error', (error: NodeJS.ErrnoException) => done(undefined, error.code ?? error.message));
      });
    } catch (error) {
      done(undefined, error instanceof Error ? error.message : String(error));
    }
  }

  private settle(body: string | undefined, failure: string | undefined): void {
    // An answer that arrives after shutdown schedules nothing more.
    if (this.stopped) return;
    const parsed = body === undefined ? undefined : parseStrategy(body);
    const reason = failure ?? (parsed && 'refused' in parsed ? parsed.refused : undefined);
    if (reason !== undefined || parsed === undefined || 'refused' in parsed) {
      this.failures++;
      if (this.reachable !== false) {
        const keeping = this.strategy ? describeStrategy(this.strategy) : `the initial rate ${this.config.initialSamplingRate}`;
        log.warn(`remote sampling for ${this.serviceName}: ${urlForLog(this.url.href)} gave no strategy (${reason}); keeping ${keeping}, asking again with growing intervals`);
      }
      this.reachable = false;
      this.schedule(Math.min(this.config.pollingIntervalMs * 2 ** this.failures, MAX_INTERVAL_MS));
      return;
    }
    if (this.reachable === false) log.info(`remote sampling for ${this.serviceName}: ${urlForLog(this.url.href)} answers again`);
    this.reachable = true;
    this.failures = 0;
    if (!this.strategy || !sameStrategy(this.strategy, parsed)) {
      // A new decider only for a new strategy: a rate limiter keeps its bucket while the strategy stands.
      this.decider = deciderFor(parsed);
      this.strategy = parsed;
      log.info(`remote sampling for ${this.serviceName}: ${describeStrategy(parsed)}`);
    }
    this.schedule(this.config.pollingIntervalMs);
  }

  private connect(): { readonly agent: DetachedAgent; readonly get: typeof http.get } {
    if (this.connection) return this.connection;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = (this.url.protocol === 'https:' ? require('node:https') : require('node:http')) as typeof http;
    this.connection = { agent: createDetachedAgent(module), get: unwrapped(module.get) };
    return this.connection;
  }
}

/** `<endpoint>/sampling?service=<name>`; an endpoint that already ends in /sampling is used as is. */
export function samplingUrl(endpoint: string, serviceName: string): URL {
  const url = new URL(endpoint);
  if (!url.pathname.endsWith('/sampling')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/sampling`;
  url.searchParams.set('service', serviceName);
  return url;
}
