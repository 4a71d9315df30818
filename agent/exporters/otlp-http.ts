/**
 * OTLP over HTTP (protobuf or JSON), the default way spans reach Jaeger or a collector.
 *
 * The transport is ours, HTTP/1.1 on sockets of the exporter's own (socket-post.ts), not Node's
 * http module: the agent's own requests never show up as spans, never slow the app's HTTP code
 * down, and the same payload can be delivered synchronously at exit (see sync-post.ts). Protobuf,
 * the default, is written by our own encoder as spans end (otlp/otlp-batch.ts); JSON, a
 * debugging aid, by the OpenTelemetry transformer at export, loaded only when chosen.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { OtlpConfig } from '../config/types';
import { warnIfCredentialsInClear } from './cleartext-credentials';
import { OtlpBatch, requestOf } from './otlp/otlp-batch';
import { SpanList, spansOf } from './span-list';
import { SocketPoster } from './socket-post';
import { postSynchronously } from './sync-post';
import type { HoptraceExporter } from './types';

type Batch = OtlpBatch | SpanList;

export class OtlpHttpExporter implements HoptraceExporter<Batch> {
  readonly destination: string;
  private readonly json: boolean;
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  private poster: SocketPoster | undefined;

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

  /** Made at the first export (TLS is loaded then, for an https endpoint, and not before). */
  private connect(): SocketPoster {
    this.poster ??= new SocketPoster({
      url: this.url,
      headers: this.headers,
      tls: this.url.protocol === 'https:' ? this.config.tls : undefined,
      timeoutMs: this.config.timeoutMs,
      headersSetting: 'OTEL_EXPORTER_OTLP_HEADERS',
    });
    return this.poster;
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
    let delivered = false;
    let written = false;
    // The request's buffer is reused once the collector has answered and the socket no longer
    // holds it (after a failure it is simply dropped: the socket may still be writing it).
    const releaseWhenDone = () => {
      if (delivered && written && batches.length === 1 && batches[0] instanceof OtlpBatch) batches[0].release();
    };
    this.connect().post(
      body,
      (error, status) => {
        delivered = error === undefined && status >= 200 && status < 300;
        done(delivered ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: error ?? new Error(`HTTP ${status}`) });
        releaseWhenDone();
      },
      () => {
        written = true;
        releaseWhenDone();
      },
    );
  }

  exportSync(batches: readonly Batch[], timeoutMs: number): boolean {
    const body = this.encode(batches);
    if (!body) return false;
    return postSynchronously({ url: this.url.href, headers: this.headers, body, tls: this.config.tls }, timeoutMs);
  }

  abandon(): void {
    this.poster?.abandon();
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.poster?.abandon();
  }
}
