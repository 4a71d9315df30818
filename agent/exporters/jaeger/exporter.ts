/**
 * Jaeger's native protocol, through jaeger-client's senders: Thrift over UDP to an agent (or any
 * Jaeger that runs the agent receivers), or over HTTP to a collector. Loaded only when
 * OTEL_TRACES_EXPORTER=jaeger.
 *
 * UDP packets have a size limit: the UDP sender starts a new packet whenever the next span would
 * not fit. A span too large for a packet on its own is sent again trimmed (long string tags
 * shortened, logs capped, tagged `hoptrace.trimmed=true`); if even that does not fit it is dropped
 * and counted in a warning, never sent broken.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { JaegerExporterConfig } from '../../config/types';
import { urlForLog } from '../../config/url-for-log';
import { logRateLimited } from '../../log';
import { warnIfCredentialsInClear } from '../cleartext-credentials';
import { type DetachedAgent, createDetachedAgent } from '../detached-agent';
import { SpanList, spansOf } from '../span-list';
import { postSynchronously, sendDatagramsSynchronously } from '../sync-post';
import type { HoptraceExporter } from '../types';
import { type ThriftProcess, type ThriftSpan, toThriftProcess, toThriftSpan, trimThriftSpan } from './to-thrift';

interface Sender {
  setProcess(process: ThriftProcess): void;
  append(span: ThriftSpan, callback: (count: number, error?: string) => void): void;
  flush(callback: (count: number, error?: string) => void): void;
  close(): void;
}

const TRIMMED_STRING_LENGTH = 256;
/**
 * Pause after each full UDP packet. A receiving socket holds ~200 KB by default on Linux
 * (net.core.rmem_default), about three full packets: a burst of more is dropped by the kernel
 * before Jaeger reads it. Two milliseconds per 65 KB packet still allow ~30 MB/s.
 */
const PAUSE_BETWEEN_PACKETS_MS = 2;
const TRIMMED_LOGS = 8;

/**
 * The HTTP sender keeps its own keep-alive pool; it is swapped for one whose sockets never hold
 * the process open and can be abandoned at exit (../detached-agent.ts).
 */
interface HttpSenderPool {
  _httpAgent?: { destroy?: () => void };
  _httpOptions?: { agent?: unknown };
}

/** What exportSync uses of jaeger-client's senders: their Thrift encoders and batch. */
interface ThriftBatch {
  spans: unknown[];
}
interface HttpSenderInternals {
  _batch: ThriftBatch;
  _jaegerThrift: { Span: new (span: ThriftSpan) => unknown; Batch: { rw: { toBuffer(batch: ThriftBatch): { err?: unknown; value?: Buffer } } } };
  setProcess(process: ThriftProcess): void;
  close(): void;
}
interface UdpSenderInternals {
  _client: { send(...args: never[]): void; close(): void };
  setProcess(process: ThriftProcess): void;
  append(span: ThriftSpan, done: (count: number, error?: string) => void): void;
  flush(done: (count: number, error?: string) => void): void;
}

function createSender(config: JaegerExporterConfig): { sender: Sender; connections?: DetachedAgent } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (config.endpoint) {
    const HTTPSender = require('jaeger-client/dist/src/reporters/http_sender').default;
    const sender = new HTTPSender({ endpoint: config.endpoint, username: config.user, password: config.password, timeoutMs: config.timeoutMs, logger: quietLogger });
    const pool = sender as HttpSenderPool;
    if (!pool._httpOptions) return { sender };
    const connections = createDetachedAgent(new URL(config.endpoint).protocol === 'https:' ? require('node:https') : require('node:http'));
    pool._httpAgent?.destroy?.();
    pool._httpAgent = connections.agent;
    pool._httpOptions.agent = connections.agent;
    return { sender, connections };
  }
  const UDPSender = require('jaeger-client/dist/src/reporters/udp_sender').default;
  const sender = new UDPSender({ host: config.agentHost, port: config.agentPort, logger: quietLogger });
  // The sender's socket would otherwise keep an app alive that has nothing else left to do.
  (sender as { _client?: { unref?: () => void } })._client?.unref?.();
  return { sender };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const quietLogger = {
  info: () => {},
  error: (message: string) => logRateLimited('warn', 'jaeger-sender', `jaeger sender: ${message}`),
};

export class JaegerExporter implements HoptraceExporter<SpanList> {
  readonly destination: string;
  private sender: Sender | undefined;
  private connections: DetachedAgent | undefined;
  /** Bumped by abandon(): a send loop from before it stops appending. */
  private generation = 0;
  private droppedTooLarge = 0;

  constructor(private readonly config: JaegerExporterConfig) {
    this.destination = config.endpoint ? urlForLog(config.endpoint) : `udp://${config.agentHost}:${config.agentPort}`;
    if (config.endpoint && (config.user !== undefined || config.password !== undefined)) {
      warnIfCredentialsInClear(new URL(config.endpoint), this.destination, ["Jaeger's user and password"]);
    }
  }

  newBatch(): SpanList {
    return new SpanList();
  }

  export(batches: readonly SpanList[], done: (result: ExportResult) => void): void {
    this.send(spansOf(batches)).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
  }

  private async send(spans: ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return;
    if (!this.sender) {
      ({ sender: this.sender, connections: this.connections } = createSender(this.config));
      this.sender.setProcess(toThriftProcess(spans[0].resource.attributes));
    }
    const sender = this.sender;
    const generation = this.generation;
    const errors: string[] = [];
    const udp = !this.config.endpoint;
    for (const span of spans) {
      if (generation !== this.generation) throw new Error('abandoned: the process is ending');
      const thrift = toThriftSpan(span);
      let { error, flushed } = await append(sender, thrift);
      if (udp && flushed) await pause(PAUSE_BETWEEN_PACKETS_MS);
      if (error && /larger than maxSpanSize/.test(error)) {
        ({ error } = await append(sender, trimThriftSpan(thrift, TRIMMED_STRING_LENGTH, TRIMMED_LOGS)));
        if (error && /larger than maxSpanSize/.test(error)) {
          this.droppedTooLarge++;
          logRateLimited('warn', 'jaeger-too-large', `span "${span.name}" is too large for one UDP packet even trimmed; dropped (${this.droppedTooLarge} so far)`);
          continue;
        }
      }
      if (error) errors.push(error);
    }
    const flushError = await new Promise<string | undefined>((resolve) => sender.flush((_count, error) => resolve(error)));
    if (flushError) errors.push(flushError);
    if (errors.length > 0) throw new Error(errors[0]);
  }

  /**
   * At a crash or process.exit(): the spans encoded here, in this thread, as the senders would
   * (a Thrift batch for a collector, agent packets of at most the sender's size for UDP), then
   * delivered from a worker thread while this one waits (../sync-post.ts), as OTLP's are.
   */
  exportSync(batches: readonly SpanList[], timeoutMs: number): boolean {
    const spans = spansOf(batches);
    if (spans.length === 0) return true;
    return this.config.endpoint ? this.postSync(this.config.endpoint, spans, timeoutMs) : this.sendPacketsSync(spans, timeoutMs);
  }

  private postSync(endpoint: string, spans: ReadableSpan[], timeoutMs: number): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const HTTPSender = require('jaeger-client/dist/src/reporters/http_sender').default;
    const sender = new HTTPSender({ endpoint, timeoutMs, logger: quietLogger }) as HttpSenderInternals;
    sender.close();
    sender.setProcess(toThriftProcess(spans[0].resource.attributes));
    for (const span of spans) sender._batch.spans.push(new sender._jaegerThrift.Span(toThriftSpan(span)));
    const encoded = sender._jaegerThrift.Batch.rw.toBuffer(sender._batch);
    if (encoded.err || !encoded.value) return false;
    const headers: Record<string, string> = { 'content-type': 'application/x-thrift' };
    const { user, password } = this.config;
    if (user !== undefined || password !== undefined) headers.authorization = `Basic ${Buffer.from(`${user ?? ''}:${password ?? ''}`).toString('base64')}`;
    return postSynchronously({ url: endpoint, headers, body: encoded.value }, timeoutMs);
  }

  private sendPacketsSync(spans: ReadableSpan[], timeoutMs: number): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const UDPSender = require('jaeger-client/dist/src/reporters/udp_sender').default;
    const sender = new UDPSender({ host: this.config.agentHost, port: this.config.agentPort, logger: quietLogger }) as UdpSenderInternals;
    // The sender packs spans into packets as it would send them; the packets are kept instead.
    sender._client.close();
    const packets: Buffer[] = [];
    sender._client = {
      send(buffer: Buffer, offset: number, length: number, _port: number, _host: string, done?: (error: null, sent: number) => void) {
        packets.push(Buffer.from(buffer.subarray(offset, offset + length)));
        done?.(null, length);
      },
      close() {},
    };
    sender.setProcess(toThriftProcess(spans[0].resource.attributes));
    for (const span of spans) {
      const thrift = toThriftSpan(span);
      let tooLarge = false;
      sender.append(thrift, (_count, error) => (tooLarge = typeof error === 'string' && /larger than maxSpanSize/.test(error)));
      if (tooLarge) sender.append(trimThriftSpan(thrift, TRIMMED_STRING_LENGTH, TRIMMED_LOGS), () => {});
    }
    sender.flush(() => {});
    return packets.length === 0 || sendDatagramsSynchronously({ udp: { host: this.config.agentHost, port: this.config.agentPort, packets } }, timeoutMs);
  }

  abandon(): void {
    this.generation++;
    this.connections?.abandon();
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.sender?.close();
    this.connections?.abandon();
  }
}

/** `flushed`: the append sent a packet (the sender reports how many spans went out with it). */
function append(sender: Sender, span: ThriftSpan): Promise<{ error?: string; flushed: boolean }> {
  return new Promise((resolve) => sender.append(span, (count, error) => resolve({ error, flushed: count > 0 })));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
