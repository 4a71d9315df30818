/**
 * HOPTRACE_DEBUG_PROPAGATION=1: where a trace breaks, said as it happens. One line (to stderr,
 * `hoptrace: propagation:`, at any log level but `none`, each kind of line at most once a minute
 * per hop and place) for every hop received with no trace context, or with one that could not be
 * read, or in a format this service does not write onward (its next hop cannot pass it on to a
 * peer that reads only that format); and one for every hop sent, with the headers written.
 *
 * Off, it costs one property read at each hop: the instrumentations test `propagationDebug.on`
 * before calling in.
 */
import { type Context, isSpanContextValid, trace } from '@opentelemetry/api';
import { noteRateLimited } from '../log';

type Format = 'tracecontext' | 'baggage' | 'jaeger' | 'b3' | 'b3multi';

export const propagationDebug = { on: false };
let written: readonly string[] = [];
let writesNone = false;

/** Turns the lines on; `formatsWritten` as configured (OTEL_PROPAGATORS), `none` when propagation is off. */
export function enablePropagationDebug(formatsWritten: readonly string[], propagationDisabled: boolean): void {
  propagationDebug.on = true;
  written = formatsWritten;
  writesNone = propagationDisabled;
}

/** The trace formats whose headers `carrier` holds, by their names in any case. */
export function formatsIn(carrier: unknown): Format[] {
  const found = new Set<Format>();
  if (carrier && typeof carrier === 'object') {
    for (const key of Object.keys(carrier)) {
      const name = key.toLowerCase();
      if (name === 'traceparent') found.add('tracecontext');
      else if (name === 'baggage') found.add('baggage');
      else if (name === 'uber-trace-id') found.add('jaeger');
      else if (name === 'b3') found.add('b3');
      else if (name === 'x-b3-traceid') found.add('b3multi');
    }
  }
  return [...found];
}

const HEADER: Record<Format, string> = { tracecontext: 'traceparent', baggage: 'baggage', jaeger: 'uber-trace-id', b3: 'b3', b3multi: 'X-B3-*' };
const headers = (formats: readonly Format[]): string => formats.map((f) => HEADER[f]).join(', ');

/** A hop received: `what` ("HTTP request"), `where` ("POST /orders"), its carrier and the context read from it. */
export function noteReceived(what: string, where: string, carrier: unknown, extracted: Context | undefined): void {
  const formats = formatsIn(carrier);
  const spanContext = extracted && trace.getSpanContext(extracted);
  const key = `received ${what} ${where}`;
  if (formats.filter((f) => f !== 'baggage').length === 0) {
    noteRateLimited(`${key}: none`, `propagation: received ${what} ${where} with no trace context: a new trace starts here`);
  } else if (!spanContext || !isSpanContextValid(spanContext)) {
    noteRateLimited(`${key}: unread`, `propagation: received ${what} ${where} with ${headers(formats)} that could not be read: a new trace starts here`);
  } else if (!writesNone) {
    const notWritten = formats.filter((f) => f !== 'baggage' && !written.includes(f));
    if (notWritten.length > 0) {
      noteRateLimited(
        `${key}: unwritten`,
        `propagation: received ${what} ${where} in trace ${spanContext.traceId} by ${headers(formats)}; this service writes ${written.join(', ') || 'nothing'} onward (OTEL_PROPAGATORS), not ${notWritten.join(', ')}: a next service that reads only ${headers(notWritten)} starts a new trace`,
      );
    }
  }
}

/** A hop sent: `what` ("Kafka message"), `where` ("to topic orders"), the carrier as it leaves, and why it has none when that is known. */
export function noteSent(what: string, where: string, carrier: unknown, sent: Context, whyNone?: string): void {
  const spanContext = trace.getSpanContext(sent);
  const trace_ = spanContext && isSpanContextValid(spanContext) ? ` in trace ${spanContext.traceId}` : '';
  const formats = formatsIn(carrier);
  const why = whyNone ?? (writesNone ? 'OTEL_PROPAGATORS=none' : undefined);
  const how = formats.length > 0 ? `with ${headers(formats)}` : `with no trace context${why ? ` (${why})` : ''}`;
  noteRateLimited(`sent ${what} ${where}`, `propagation: sent ${what} ${where}${trace_} ${how}`);
}
