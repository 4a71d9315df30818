/**
 * Collects ended spans and hands them to the exporter in batches, off the request path. Ended
 * spans go into the exporter's own kind of batch 16 at a time (ENCODE_GROUP; the OTLP exporter
 * writes them out there and then, so the span objects are not kept until the export; see
 * exporters/otlp/otlp-batch.ts).
 *
 * Written here instead of using the SDK's BatchSpanProcessor (which bounds its queue and counts
 * what it drops too) for what that one cannot do: end with the process instead of holding it
 * (drain: one bounded wait, then what is unconfirmed is given up); deliver the spans still queued
 * or in flight synchronously when the process is about to exit; tell whether anything is waiting
 * (so `beforeExit` drains only when needed); say why spans were lost (queue full, export failed,
 * invalid ids, no answer before the end) in the user's log, rate-limited while running and as one
 * total at the end; and keep spans with invalid ids from every exporter.
 */
import { type Context, ROOT_CONTEXT, TraceFlags, context, isSpanContextValid } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { BatchConfig } from '../config/types';
import type { HoptraceExporter, SpanBatch } from '../exporters/types';
import { log, logRateLimited } from '../log';
import { outsideRequests } from './outside-requests';
import { HoptraceSpan } from './span';

/** An export under way; `giveUp` settles it as failed at once, whatever the exporter does later. */
interface ExportUnderWay {
  readonly done: Promise<void>;
  giveUp(reason: Error): void;
}

/**
 * Ended spans go into their batch (for OTLP: are encoded, otlp-batch.ts) this many at a time, not
 * each as it ends. Encoding a span between two of the app's requests found the encoder's code and
 * data cold and left the app's cold in turn: in the express loop of bench/HOTPATH.md (Node 24,
 * 100 % sampled, spans encoded but not sent) a request cost 5-11 µs more than with spans not
 * exported at all (two runs); encoded 16 at a time, 3 µs (64 at a time did no better). The spans
 * wait for at most 15 more to end, or for the export timer: a few ms under load, well inside the
 * young generation they were made in.
 */
const ENCODE_GROUP = 16;

export class BoundedBatchProcessor implements SpanProcessor {
  /** Batches waiting for export, oldest first; spans go into the last one until it is full. */
  private queue: SpanBatch[] = [];
  /** Spans in `queue`: the bound applies to them, whatever form the exporter keeps them in. */
  private queued = 0;
  /** Spans ended but not yet in a batch (see ENCODE_GROUP); counted in `queued`. */
  private unbatched: ReadableSpan[] = [];
  private readonly inFlight = new Map<readonly SpanBatch[], ExportUnderWay>();
  /** The process is ending (drain): nothing is exported on schedule, nothing is retried. */
  private draining = false;
  /** A drain ran out of time: the destination does not answer, so exit does not wait for it again. */
  private unresponsive = false;
  private timer: NodeJS.Timeout | undefined;
  /** `timer` is set to export at once (a full batch waits), not at the schedule. */
  private timerIsImmediate = false;
  private exporting: Promise<void> | undefined;
  private droppedQueueFull = 0;
  private droppedExportFailed = 0;
  private droppedInvalidIds = 0;
  private droppedUnencodable = 0;
  private lastFailure = '';
  private stopped = false;

  constructor(
    private readonly exporter: HoptraceExporter,
    private readonly config: BatchConfig,
  ) {}

  /** Where the exporter sends, for diagnostics. */
  get destination(): string {
    return this.exporter.destination;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const spanContext = span.spanContext();
    if (this.stopped || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return;
    // Backends reject ids that are not exactly 16 and 8 bytes; no exporter gets one. hoptrace's
    // own spans have valid ids by construction (tracer.ts); the app's, from any id generator, are checked.
    if (!(span instanceof HoptraceSpan) && !isSpanContextValid(spanContext)) {
      this.droppedInvalidIds++;
      logRateLimited('warn', 'invalid-ids', `span "${span.name}" has an invalid trace or span id and is dropped; dropped so far: ${this.droppedInvalidIds}`);
      return;
    }
    if (this.queued >= this.config.maxQueueSize) {
      this.droppedQueueFull++;
      logRateLimited(
        'warn',
        'queue-full',
        `span queue full (${this.config.maxQueueSize}): the exporter to ${this.exporter.destination} is not keeping up; spans dropped so far: ${this.droppedQueueFull}`,
      );
      return;
    }
    this.unbatched.push(span);
    this.queued++;
    if (this.unbatched.length >= Math.min(ENCODE_GROUP, this.config.maxExportBatchSize) || this.queued >= this.config.maxQueueSize) this.batchEnded();
    // Every batch but the last is full: a full one goes out now. (A group can fill a batch and
    // open the next, so the last one being full is not the only sign.)
    const last = this.queue[this.queue.length - 1];
    if (this.queue.length > 1 || (last !== undefined && last.size >= this.config.maxExportBatchSize)) this.scheduleExport(0);
    else if (this.queued > 0) this.scheduleExport(this.config.scheduleDelayMs);
  }

  /** The spans ended since the last call go into the open batch, a new batch whenever one is full. */
  private batchEnded(): void {
    const ended = this.unbatched;
    if (ended.length === 0) return;
    this.unbatched = [];
    for (let i = 0; i < ended.length; i++) {
      const span = ended[i];
      let open = this.queue[this.queue.length - 1];
      if (!open || open.size >= this.config.maxExportBatchSize) {
        open = this.exporter.newBatch();
        this.queue.push(open);
      }
      const before = open.size;
      try {
        open.add(span);
      } catch (error) {
        // Never into the app, which is ending a span; the batch is left as it was.
        this.droppedUnencodable++;
        logRateLimited('warn', 'unencodable', `span "${span.name}" could not be encoded and is dropped (${(error as Error)?.message}); dropped so far: ${this.droppedUnencodable}`);
      }
      // A span the batch did not take (an encoding error, ids an exporter leaves out) is not queued.
      if (open.size === before) this.queued--;
    }
  }

  /** True while spans wait in the queue or an export is under way. */
  hasPending(): boolean {
    return this.queued > 0 || this.inFlight.size > 0;
  }

  async forceFlush(): Promise<void> {
    this.clearTimer();
    this.batchEnded();
    while (this.exporting) await this.exporting;
    while (this.queued > 0) {
      await this.exportNextBatch();
    }
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
    await this.exporter.shutdown();
  }

  /**
   * The process is ending: sends everything queued in one export, no more, and waits for it and
   * for any export under way for at most `timeoutMs`. What is unconfirmed by then is given up and
   * counted as lost, and the exporter drops its connections. The wait is the only thing of
   * hoptrace's that holds the event loop (one timer), and never for longer than `timeoutMs`.
   */
  drain(timeoutMs: number): Promise<void> {
    this.clearTimer();
    this.draining = true;
    const batches = this.takeQueue();
    if (batches.length > 0) this.startExport(batches);
    const underWay = [...this.inFlight.values()];
    if (underWay.length === 0) {
      this.draining = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const deadline = setTimeout(() => {
        this.unresponsive = true;
        const reason = new Error(`no answer within ${timeoutMs} ms as the process ended`);
        for (const exportUnderWay of [...this.inFlight.values()]) exportUnderWay.giveUp(reason);
        this.exporter.abandon?.();
        resolve();
      }, timeoutMs);
      void Promise.all(underWay.map((u) => u.done)).then(() => {
        clearTimeout(deadline);
        resolve();
      });
    }).finally(() => {
      this.draining = false;
    });
  }

  /**
   * Delivers every span not yet confirmed, blocking. Used only when the process exits without
   * turning the event loop again. Batches still in flight are sent again: an unanswered request
   * dies with the process, and a duplicate beats a gap in the trace. A destination that just let
   * a drain run out is not waited for a second time.
   */
  flushSync(timeoutMs: number): void {
    this.clearTimer();
    this.batchEnded();
    const batches = [...[...this.inFlight.keys()].flat(), ...this.takeQueue()];
    this.inFlight.clear();
    const count = spansIn(batches);
    if (count > 0) {
      if (this.unresponsive) {
        log.warn(`not sent to ${this.exporter.destination} at exit, which did not answer as the process ended: ${count} spans lost`);
      } else if (timeoutMs <= 0) {
        log.warn(`not sent to ${this.exporter.destination} at exit: the time for delivery at exit was used up by other exporters; ${count} spans lost`);
      } else {
        let delivered = false;
        try {
          delivered = this.exporter.exportSync?.(batches, timeoutMs) ?? false;
        } catch {
          delivered = false;
        }
        if (!delivered) log.warn(`could not deliver spans to ${this.exporter.destination} before exit: ${count} lost`);
      }
    }
    this.reportLosses();
  }

  /**
   * The last word on what never arrived, once, as the process ends: warnings while it ran are
   * rate-limited, so they may not have told the whole count.
   */
  private reportLosses(): void {
    const lost = this.droppedQueueFull + this.droppedExportFailed + this.droppedInvalidIds + this.droppedUnencodable;
    if (lost === 0) return;
    const parts = [];
    if (this.droppedExportFailed > 0) parts.push(`${this.droppedExportFailed} could not be exported (last error: ${this.lastFailure})`);
    if (this.droppedQueueFull > 0) parts.push(`${this.droppedQueueFull} were dropped because the queue was full`);
    if (this.droppedInvalidIds > 0) parts.push(`${this.droppedInvalidIds} had invalid ids`);
    if (this.droppedUnencodable > 0) parts.push(`${this.droppedUnencodable} could not be encoded`);
    log.warn(`spans lost while running, to ${this.exporter.destination}: ${parts.join('; ')}`);
    this.droppedQueueFull = this.droppedExportFailed = this.droppedInvalidIds = this.droppedUnencodable = 0;
  }

  private scheduleExport(delayMs: number): void {
    if (this.draining) return; // Whatever ends now goes out with the exit flush.
    if (this.exporting) return; // The running export picks the queue up when it finishes.
    if (this.timer && (delayMs > 0 || this.timerIsImmediate)) return;
    this.clearTimer();
    this.timerIsImmediate = delayMs === 0;
    // Made outside the request whose span ended just now (outside-requests.ts): the timer, and the
    // export it starts, would keep that request's context alive until the export is over.
    this.timer = outsideRequests(this.exportTimer, this, delayMs);
  }

  private exportTimer(delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timer = undefined;
      this.timerIsImmediate = false;
      void this.exportNextBatch();
    }, delayMs);
    // A pending export must never keep an app alive; beforeExit and exit flush what is left.
    timer.unref();
    return timer;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerIsImmediate = false;
  }

  private exportNextBatch(): Promise<void> {
    if (this.exporting) return this.exporting;
    this.batchEnded();
    const batch = this.queue.shift();
    if (!batch) return Promise.resolve();
    this.queued -= batch.size;
    if (batch.size === 0) return Promise.resolve();
    this.exporting = this.startExport([batch]).done.finally(() => {
      this.exporting = undefined;
      if (this.queued > 0 && !this.stopped && !this.draining) {
        this.scheduleExport(this.queued >= this.config.maxExportBatchSize ? 0 : this.config.scheduleDelayMs);
      }
    });
    return this.exporting;
  }

  /** Everything queued, the queue left empty. */
  private takeQueue(): SpanBatch[] {
    this.batchEnded();
    const batches = this.queue.filter((batch) => batch.size > 0);
    this.queue = [];
    this.queued = 0;
    return batches;
  }

  private startExport(batch: readonly SpanBatch[]): ExportUnderWay {
    let timeout: NodeJS.Timeout | undefined;
    let settled = false;
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      this.inFlight.delete(batch);
      if (error) {
        this.droppedExportFailed += spansIn(batch);
        this.lastFailure = error.message;
        logRateLimited(
          'warn',
          'export-failed',
          `could not export spans to ${this.exporter.destination}: ${error.message}; spans dropped so far: ${this.droppedExportFailed}`,
        );
      }
      resolveDone();
    };
    const underWay: ExportUnderWay = { done, giveUp: finish };
    this.inFlight.set(batch, underWay);
    timeout = setTimeout(() => finish(new Error(`no answer within ${this.config.exportTimeoutMs} ms`)), this.config.exportTimeoutMs);
    timeout.unref();
    try {
      // Our own export must never be traced, whatever transport the exporter uses.
      context.with(suppressTracing(ROOT_CONTEXT), () => {
        this.exporter.export(batch, (result) => {
          finish(result.code === ExportResultCode.SUCCESS ? undefined : (result.error ?? new Error('export failed')));
        });
      });
    } catch (error) {
      finish(error instanceof Error ? error : new Error(String(error)));
    }
    return underWay;
  }
}

function spansIn(batches: readonly SpanBatch[]): number {
  let count = 0;
  for (const batch of batches) count += batch.size;
  return count;
}
