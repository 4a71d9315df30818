/**
 * OTLP over HTTP (protobuf or JSON), the default way spans reach Jaeger or a collector.
 *
 * The transport is ours, on Node's http module as it was before any patch, so the agent's own
 * requests can never show up as spans, and so that the same payload can be delivered
 * synchronously at exit (see sync-post.ts). Protobuf, the default, is written by our own encoder
 * as each span ends (otlp/otlp-batch.ts); JSON, a debugging aid, by the OpenTelemetry transformer
 * at export, loaded only when chosen.
 */
import type * as http from 'node:http';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { OtlpConfig } from '../config/types';
import { warnIfCredentialsInClear } from './cleartext-credentials';
import { type DetachedAgent, createDetachedAgent } from './detached-agent';
import { OtlpBatch, requestOf } from './otlp/otlp-batch';
import { SpanList, spansOf } from './span-list';
import { postSynchronously } from './sync-post';
import type { HoptraceExporter } from './types';

type Batch = OtlpBatch | SpanList;

export class OtlpHttpExporter implements HoptraceExporter<Batch> {
  readonly destination: string;
  private readonly json: boolean;
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  private transport: { readonly connections: DetachedAgent; readonly send: typeof http.request } | undefined;

  constructor(private readonly config: OtlpConfig) {
    this.url = new URL(config.endpoint);
    this.json = config.protocol === 'http/json';
    this.destination = `${this.url.origin}${this.url.pathname}`;
    this.headers = {
      ...config.headers,
      'content-type': config.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    };
    const names = Object.keys(config.headers);
    warnIfCredentialsInClear(this.url, this.destination, names.length > 0 ? [`OTLP headers (${names.join(', ')})`] : []);
  }

  /**
   * Only the module the endpoint needs (https would load TLS for nothing), and only at the first
   * export: a process that never exports (or does not use http itself, as a Kafka worker) does not
   * pay for loading it at start. By then the http instrumentation may have patched it; the
   * function underneath is used, and the export runs with tracing suppressed besides.
   */
  private connect(): { readonly connections: DetachedAgent; readonly send: typeof http.request } {
    if (this.transport) return this.transport;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = (this.url.protocol === 'https:' ? require('node:https') : require('node:http')) as typeof http;
    this.transport = { connections: createDetachedAgent(module, this.url.protocol === 'https:' ? { ...this.config.tls } : {}), send: unwrapped(module.request) };
    return this.transport;
  }

  newBatch(): Batch {
    return this.json ? new SpanList() : new OtlpBatch();
  }

  private encode(batches: readonly Batch[]): Uint8Array | undefined {
    if (!this.json) return requestOf(batches as readonly OtlpBatch[]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const transformer = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
    return transformer.JsonTraceSerializer.serializeRequest(spansOf(batches as readonly SpanList[]));
  }

  export(batches: readonly Batch[], done: (result: ExportResult) => void): void {
    let body: Uint8Array | undefined;
    try {
      body = this.encode(batches);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    if (!body) {
      done({ code: ExportResultCode.FAILED, error: new Error('spans could not be encoded') });
      return;
    }
    let answered = false;
    let delivered = false;
    let written = false;
    // The request's buffer is reused once the collector has answered and the socket no longer
    // holds it (after a failure it is simply dropped: the socket may still be writing it).
    const releaseWhenDone = () => {
      if (delivered && written && batches.length === 1 && batches[0] instanceof OtlpBatch) batches[0].release();
    };
    const answer = (error?: Error) => {
      if (answered) return;
      answered = true;
      delivered = error === undefined;
      done(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS });
      releaseWhenDone();
    };
    const { send, connections } = this.connect();
    const req = send(this.url, {
      method: 'POST',
      agent: connections.agent,
      headers: { ...this.headers, 'content-length': body.length },
      timeout: this.config.timeoutMs,
    });
    req.on('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on('end', () => answer(status >= 200 && status < 300 ? undefined : new Error(`HTTP ${status}`)));
      res.on('error', (error) => answer(error));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${this.config.timeoutMs} ms`)));
    req.on('error', (error) => answer(error));
    req.on('finish', () => {
      written = true;
      releaseWhenDone();
    });
    req.end(body);
  }

  exportSync(batches: readonly Batch[], timeoutMs: number): boolean {
    const body = this.encode(batches);
    if (!body) return false;
    return postSynchronously({ url: this.url.href, headers: this.headers, body, tls: this.config.tls }, timeoutMs);
  }

  abandon(): void {
    this.transport?.connections.abandon();
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.transport?.connections.abandon();
  }
}

/** What shimmer wrapped (it marks each wrapper with `__original`), down to Node's own function. */
export function unwrapped<F extends (...args: never[]) => unknown>(fn: F): F {
  let original = fn;
  for (let depth = 0; depth < 8; depth++) {
    const inner = (original as { __original?: unknown }).__original;
    if (typeof inner !== 'function') break;
    original = inner as F;
  }
  return original;
}
