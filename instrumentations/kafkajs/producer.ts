/**
 * Producer side: a PRODUCER span per message (or per call), its context written into a copy of
 * each message's headers. Parent: the active span; else a context the message already carries
 * (relays and outbox processes forward messages with no request around them); else a new trace.
 *
 * @confluentinc/kafka-javascript's sendBatch() calls the producer's own, traced, send() once per
 * topic; inside a traced sendBatch those calls pass straight through (SENDING_TRACED_BATCH), so each
 * message still gets exactly one span, and the per-call mode one span per sendBatch().
 */
import { KAFKAJS_SWITCH } from './switch';
import { type Context, type Span, type Tracer, SpanKind, context, createContextKey, trace } from '@opentelemetry/api';
import { reportAgentError } from '../../agent/log';
import { whenThrown } from '../../agent/observe-throw';
import { activeContext } from '../../agent/tracing/context-manager';
import { recordFailure } from '../../agent/tracing/errors';
import { type ClockReading, readClock } from '../../agent/tracing/clock';
import { endSpanAt, setMadeAttribute, startReadingOf, startSpanWith } from '../../agent/tracing/tracer';
import { clientAttributes, sendAttributes, sendSpanName } from './attributes';
import { withHeaders, withProperty } from './copies';
import { type KafkaDestinations, type TopicDestination, sentMessageRecipe } from './destinations';
import { extractMessageContext, headersWithContext, isHeaderMap } from './headers';
import { noteSent, propagationDebug } from '../../agent/propagation/debug';
import type { ProducerBatch, ProducerMessage, ProducerRecord, RecordMetadata, Send, SendBatch, Sender } from './internal-types';
import type { KafkajsInstrumentationOptions } from './types';

interface TopicMessages {
  topic: string;
  messages: ProducerMessage[];
}

/**
 * The spans one call started: one per message, in the order of `groups` and their messages; or,
 * per call, one for them all. The spans alone are kept per message (where each went is read from
 * `groups` when the broker answers, and only if a span is recorded): an entry object per message
 * was most of what an unsampled send cost hoptrace beyond the headers.
 */
interface SentSpans {
  readonly spans: Span[];
  /** How many of `spans` have started. */
  started: number;
  readonly groups: readonly TopicMessages[];
  readonly perCall: boolean;
}

export interface ProducerTracing {
  /** Names, attributes and tracers per topic (destinations.ts). */
  destinations: KafkaDestinations;
  options: KafkajsInstrumentationOptions;
}

/** Set while a traced sendBatch() runs: its messages are traced already. */
const SENDING_TRACED_BATCH = createContextKey('hoptrace.kafka.sendingTracedBatch');

export function wrapSend(tracing: ProducerTracing) {
  return (original: Send): Send =>
    function send(this: unknown, record: ProducerRecord): Promise<RecordMetadata[]> {
      if (!KAFKAJS_SWITCH.on || !record || typeof record !== 'object' || !Array.isArray(record.messages)) return original.call(this, record);
      if (activeContext().getValue(SENDING_TRACED_BATCH) === true) return original.call(this, record);
      if (record.messages.length === 1 && tracing.options.producerSpans !== 'per-call') return traceSendOfOne(tracing, record, original, this);
      // The record is its own topic group (topic and messages are all a group is read for): no object made for it.
      return traceSend(tracing, [record], original, this, record, recordWithCopies);
    };
}

export function wrapSendBatch(tracing: ProducerTracing) {
  return (original: SendBatch): SendBatch =>
    function sendBatch(this: unknown, batch: ProducerBatch): Promise<RecordMetadata[]> {
      const topicMessages = batch?.topicMessages;
      if (!KAFKAJS_SWITCH.on || !Array.isArray(topicMessages) || topicMessages.some((t) => !t || !Array.isArray(t.messages))) return original.call(this, batch);
      // The producer's own send(), should sendBatch call it, passes the copies on untouched.
      const marked: SendBatch = function sendTracedBatch(this: unknown, copy: ProducerBatch) {
        return context.with(context.active().setValue(SENDING_TRACED_BATCH, true), () => original.call(this, copy));
      };
      return traceSend(tracing, topicMessages, marked, this, batch, batchWithCopies);
    };
}

/** `copies`: each group's messages, copied, in the order of the groups. */
function recordWithCopies(record: ProducerRecord, copies: ProducerMessage[][]): ProducerRecord {
  return withProperty(record, 'messages', copies[0]);
}

function batchWithCopies(batch: ProducerBatch, copies: ProducerMessage[][]): ProducerBatch {
  return withProperty(
    batch,
    'topicMessages',
    batch.topicMessages!.map((t, i) => withProperty(t, 'messages', copies[i])),
  );
}

/**
 * Wraps send and sendBatch of the object a transaction() promise resolves to (`wrap` leaves what is
 * wrapped already: confluent's transaction() resolves with the producer itself).
 */
export function traceTransactionSender(sender: Sender, wrap: (sender: Sender) => void): Sender {
  try {
    wrap(sender);
  } catch (error) {
    reportAgentError('kafkajs transaction', error);
  }
  return sender;
}

/**
 * Sends `payload` through `original` with each message's copy in place of the message (`withCopies`
 * makes the call's argument), or as it came should starting the spans fail.
 */
function traceSend<P>(
  tracing: ProducerTracing,
  groups: readonly TopicMessages[],
  original: (this: unknown, payload: P) => Promise<RecordMetadata[]>,
  self: unknown,
  payload: P,
  withCopies: (payload: P, copies: ProducerMessage[][]) => P,
): Promise<RecordMetadata[]> {
  const perCall = tracing.options.producerSpans === 'per-call';
  // Made to size (an array grown by push() from empty made room for 17 spans for one message, and
  // left three smaller copies behind for a hundred).
  const sent: SentSpans = { spans: new Array<Span>(perCall ? 1 : messageCount(groups)), started: 0, groups, perCall };
  let sending = payload;
  try {
    sending = withCopies(payload, startSendSpans(tracing, groups, sent));
  } catch (error) {
    reportAgentError('kafkajs producer', error);
    // Spans already started still end, with the outcome of the send that goes out untraced.
  }
  // Only the spans that started (all of them, unless starting one failed).
  if (sent.started < sent.spans.length) sent.spans.length = sent.started;
  // kafkajs's send is async and rejects; should a patched one throw, the error passes on untouched (observe-throw.ts).
  let threw = true;
  try {
    const result = original.call(self, sending);
    threw = false;
    return settleSpans(sent, result);
  } finally {
    if (threw) endAllWhenThrown(sent);
  }
}

/**
 * send() of one message, the usual send of a request that produces: traceSend's work without its
 * bookkeeping for many spans (the group list, the record of spans, the list of copies): 269 B less
 * a send with sampling off, 210 B at 100 % (Node 24). The same span, copy and ending as there.
 */
function traceSendOfOne(tracing: ProducerTracing, record: ProducerRecord, original: Send, self: unknown): Promise<RecordMetadata[]> {
  let span: Span | undefined;
  let sending = record;
  try {
    const active = activeContext();
    const message = record.messages[0];
    const parent = parentOf(message, active, trace.getSpan(active) !== undefined);
    const destination = tracing.destinations.topic(record.topic);
    span = startMessageSpan(destination, destination.tracer(), parent, message, undefined);
    sending = withProperty(record, 'messages', [copyWithContext(message, trace.setSpan(parent, span), record.topic)]);
  } catch (error) {
    reportAgentError('kafkajs producer', error);
  }
  let threw = true;
  try {
    const result = original.call(self, sending);
    threw = false;
    if (span !== undefined && span.isRecording()) endWhenSettled(span, record.topic, result);
    return result;
  } finally {
    if (threw && span !== undefined) endWhenThrown(span, record.topic);
  }
}

// The closures are made here, not in traceSendOfOne: what a closure reads from a function's
// arguments is kept in an object made at every call of that function, recorded span or not.
function endWhenSettled(span: Span, topic: string, result: Promise<RecordMetadata[]>): void {
  Promise.resolve(result).then(
    (metadata) => endSentSpan(span, topic, metadata, undefined),
    (error: unknown) => endSentSpan(span, topic, undefined, error),
  );
}

function endWhenThrown(span: Span, topic: string): void {
  whenThrown((error) => endSentSpan(span, topic, undefined, error));
}

/** traceSendOfOne's span ended, placed where the broker says its message landed. */
function endSentSpan(span: Span, topic: string, metadata: RecordMetadata[] | undefined, error: unknown): void {
  try {
    const landed = metadata ? onlyPartitionOf(metadata, topic) : undefined;
    if (landed) placeSpan(span, landed, 0);
    if (error !== undefined) recordFailure(span, error);
    span.end();
  } catch (agentError) {
    reportAgentError('kafkajs producer', agentError);
  }
}

/**
 * A side chain: the app gets kafkajs's own promise, settling with the same value or error. None
 * when no span is recorded: there is nothing to note when the send settles.
 */
function settleSpans(sent: SentSpans, result: Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
  if (sent.spans.some(isRecorded)) endAllWhenSettled(sent, result);
  return result;
}

// As endWhenSettled and endWhenThrown: the closures made only where they are used.
function endAllWhenSettled(sent: SentSpans, result: Promise<RecordMetadata[]>): void {
  Promise.resolve(result).then(
    (metadata) => endSendSpans(sent, metadata, undefined),
    (error: unknown) => endSendSpans(sent, undefined, error),
  );
}

function endAllWhenThrown(sent: SentSpans): void {
  whenThrown((error) => endSendSpans(sent, undefined, error));
}

function messageCount(groups: readonly TopicMessages[]): number {
  let count = 0;
  for (const group of groups) count += group.messages.length;
  return count;
}

function isRecorded(span: Span): boolean {
  return span.isRecording();
}

/** Starts the spans (into `sent`, so that they can be ended whatever happens) and returns the copies to send. */
function startSendSpans(tracing: ProducerTracing, groups: readonly TopicMessages[], sent: SentSpans): ProducerMessage[][] {
  const active = activeContext();
  const hasActiveSpan = trace.getSpan(active) !== undefined;

  if (sent.perCall) {
    const count = groups.reduce((n, g) => n + g.messages.length, 0);
    const topics = [...new Set(groups.map((g) => g.topic))];
    const topic = topics.length === 1 ? topics[0] : undefined;
    const firstMessage = groups.find((g) => g.messages.length > 0)?.messages[0];
    const parent = hasActiveSpan ? active : (extractMessageContext(firstMessage?.headers) ?? active);
    const destination = tracing.destinations.topic(topic);
    const span = destination.tracer().startSpan(
      sendSpanName(topic),
      { kind: SpanKind.PRODUCER, attributes: { ...clientAttributes(tracing.destinations.client), ...sendAttributes(topic), 'messaging.batch.message_count': count } },
      parent,
    );
    const spanContext = trace.setSpan(parent, span);
    const copies = groups.map((g) => g.messages.map((m) => copyWithContext(m, spanContext, g.topic)));
    sent.spans[sent.started++] = span;
    return copies;
  }

  const copies: ProducerMessage[][] = new Array(groups.length);
  // The call's spans start at one moment: the first recorded one reads the clocks, and the others
  // take its reading (not made for a call of one message, where nothing would share it).
  const shared = groups.length > 1 || groups[0]?.messages.length > 1;
  let startedAt: ClockReading | undefined;
  for (let g = 0; g < groups.length; g++) {
    const { topic, messages } = groups[g];
    const destination = tracing.destinations.topic(topic);
    const tracer = destination.tracer();
    const copied: ProducerMessage[] = new Array(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      const parent = parentOf(message, active, hasActiveSpan);
      const span = startMessageSpan(destination, tracer, parent, message, startedAt);
      if (shared) startedAt ??= startReadingOf(span);
      sent.spans[sent.started++] = span;
      copied[i] = copyWithContext(message, trace.setSpan(parent, span), topic);
    }
    copies[g] = copied;
  }
  return copies;
}

/** A message's parent: the active span; else a context the message carries; else the active context (a new trace). */
function parentOf(message: ProducerMessage, active: Context, hasActiveSpan: boolean): Context {
  return hasActiveSpan ? active : (extractMessageContext(message?.headers) ?? active);
}

/** A message's PRODUCER span (`tracer`: the destination's, asked for once per call). */
function startMessageSpan(destination: TopicDestination, tracer: Tracer, parent: Context, message: ProducerMessage, startedAt: ClockReading | undefined): Span {
  return startSpanWith(tracer, destination.sendName, SpanKind.PRODUCER, parent, sentMessageRecipe, message, undefined, destination.sendTemplate, startedAt);
}

/**
 * A new message object with new headers; the caller's message and headers are left untouched.
 * A message kafkajs will refuse (no value, headers that are no map) is passed on as it is, so that
 * kafkajs refuses it with the very error, and the very message text, it would without hoptrace.
 */
function copyWithContext(message: ProducerMessage, ctx: Context, topic: string): ProducerMessage {
  if (!message || typeof message !== 'object' || message.value === undefined || !isHeaderMap(message.headers)) return message;
  const headers = headersWithContext(message.headers, ctx);
  if (propagationDebug.on) noteSent('Kafka message', `to topic ${topic}`, headers, ctx);
  return withHeaders(message, headers);
}

function endSendSpans(sent: SentSpans, metadata: RecordMetadata[] | undefined, error: unknown): void {
  try {
    if (metadata) placeSpans(sent, metadata);
    // One answer ends every span of the call: one reading of the clocks, if any span is recorded.
    let endedAt: ClockReading | undefined;
    const spans = sent.spans;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      if (error !== undefined) recordFailure(span, error);
      if (spans.length > 1 && span.isRecording()) endSpanAt(span, (endedAt ??= readClock()));
      else span.end();
    }
  } catch (agentError) {
    reportAgentError('kafkajs producer', agentError);
  }
}

/**
 * Where each single-message span's message landed, when the broker's answer makes it certain: the
 * topic went to one partition in this call (the broker gives the base offset of the messages it
 * appended, in order). With several partitions the partitioner's choice is not visible, so
 * nothing is guessed. Read straight from the answer, nothing built per span: a map per topic and
 * an object per message cost ~40 B of every message in sends of 100, ~500 B of a send of one.
 */
function placeSpans(sent: SentSpans, metadata: RecordMetadata[]): void {
  const { spans, groups } = sent;
  if (sent.perCall) {
    // One span for the call: placed only when it covers a single message.
    let messages = 0;
    let topic: string | undefined;
    for (const group of groups) {
      messages += group.messages.length;
      if (group.messages.length > 0) topic = group.topic;
    }
    const landed = messages === 1 && topic !== undefined ? onlyPartitionOf(metadata, topic) : undefined;
    if (landed) for (const span of spans) placeSpan(span, landed, 0);
    return;
  }
  // Span k is the k-th message across the groups, in order; each topic's messages count from its
  // base offset, across the groups of the call.
  let k = 0;
  for (let g = 0; g < groups.length && k < spans.length; g++) {
    const { topic, messages } = groups[g];
    const landed = onlyPartitionOf(metadata, topic);
    let index = messagesBefore(groups, g, topic);
    for (let i = 0; i < messages.length && k < spans.length; i++, k++, index++) if (landed) placeSpan(spans[k], landed, index);
  }
}

/** The answer's one entry for `topic`; undefined when it has none, or several (partitions). */
function onlyPartitionOf(metadata: RecordMetadata[], topic: string): RecordMetadata | undefined {
  let found: RecordMetadata | undefined;
  for (const entry of metadata) {
    if (entry.topicName !== topic) continue;
    if (found) return undefined;
    found = entry;
  }
  return found;
}

/** Messages for `topic` in the groups before group `g`. */
function messagesBefore(groups: readonly TopicMessages[], g: number, topic: string): number {
  let count = 0;
  for (let i = 0; i < g; i++) if (groups[i].topic === topic) count += groups[i].messages.length;
  return count;
}

function placeSpan(span: Span, landed: RecordMetadata, index: number): void {
  if (!span.isRecording()) return;
  setMadeAttribute(span, 'messaging.destination.partition.id', String(landed.partition));
  const base = Number(landed.baseOffset);
  if (Number.isSafeInteger(base)) setMadeAttribute(span, 'messaging.kafka.offset', base + index);
}
