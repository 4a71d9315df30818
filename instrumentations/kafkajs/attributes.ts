/**
 * Span names and attributes for Kafka, after the OpenTelemetry messaging semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/messaging/kafka/). Pure functions of messages and
 * client settings. No message value or header value is ever recorded.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import type { Attributes } from '@opentelemetry/api';
import type { ClientInfo } from './types';

/** How long the message waited between its timestamp (producer or broker time) and processing. */
export const QUEUE_TIME_ATTRIBUTE = 'hoptrace.kafka.queue_time_ms';
const MAX_KEY_LENGTH = 256;

export function clientAttributes(client: ClientInfo): Attributes {
  const attributes: Attributes = { 'messaging.system': 'kafka' };
  if (client.clientId) attributes['messaging.client.id'] = client.clientId;
  if (client.serverAddress) attributes['server.address'] = client.serverAddress;
  if (client.serverPort !== undefined) attributes['server.port'] = client.serverPort;
  if (client.groupId) attributes['messaging.consumer.group.name'] = client.groupId;
  return attributes;
}

/** `host:port` of the first broker, when the brokers are given as a list. */
export function firstBroker(brokers: unknown): { serverAddress?: string; serverPort?: number } {
  const first = Array.isArray(brokers) ? brokers[0] : undefined;
  if (typeof first !== 'string') return {};
  const colon = first.lastIndexOf(':');
  if (colon < 0) return { serverAddress: first };
  const port = Number(first.slice(colon + 1));
  return { serverAddress: first.slice(0, colon).replace(/^\[|\]$/g, ''), serverPort: Number.isInteger(port) ? port : undefined };
}

/**
 * The key, when it is short printable text; binary keys are not recorded. Printable: no control
 * character but tab, line feed, vertical tab, form feed and carriage return, and no U+FFFD (what
 * bytes that are not UTF-8 decode to).
 */
export function keyAsText(key: unknown): string | undefined {
  if (typeof key === 'string') return key.length <= MAX_KEY_LENGTH && isPrintable(key) ? key : undefined;
  if (!Buffer.isBuffer(key) || key.length > MAX_KEY_LENGTH * 4) return undefined;
  // Printable ASCII, the usual key, is its own text in any of these encodings: checked on the
  // bytes and decoded as Latin-1, where UTF-8 took two crossings into C++ (the decoding, and its
  // length in bytes to tell whether it decoded whole) and a regular expression.
  if (key.length <= MAX_KEY_LENGTH && isPrintableAscii(key)) return (key as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(0, key.length);
  const decoded = key.toString('utf8');
  return Buffer.byteLength(decoded) === key.length && decoded.length <= MAX_KEY_LENGTH && isPrintable(decoded) ? decoded : undefined;
}

function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 ? code < 0x09 || code > 0x0d : code === 0xfffd) return false;
  }
  return true;
}

function isPrintableAscii(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte < 0x20 ? byte < 0x09 || byte > 0x0d : byte > 0x7f) return false;
  }
  return true;
}

export function bodySize(value: unknown): number | undefined {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return value.length;
  return undefined;
}

/** Adds the message's own attributes to `attributes` (built per message, so written in place). */
export function messageAttributes(message: { key?: unknown; value?: unknown }, attributes: Attributes = {}): Attributes {
  const key = keyAsText(message.key);
  if (key !== undefined) attributes['messaging.kafka.message.key'] = key;
  if (message.value === null) attributes['messaging.kafka.message.tombstone'] = true;
  const size = bodySize(message.value);
  if (size !== undefined) attributes['messaging.message.body.size'] = size;
  return attributes;
}

export function sendSpanName(topic: string | undefined): string {
  return topic ? `send ${topic}` : 'send';
}

export function processSpanName(topic: string): string {
  return `process ${topic}`;
}

export function sendAttributes(topic: string | undefined): Attributes {
  const attributes: Attributes = { 'messaging.operation.type': 'send', 'messaging.operation.name': 'send' };
  if (topic) attributes['messaging.destination.name'] = topic;
  return attributes;
}

export function processAttributes(topic: string, partition: number): Attributes {
  return {
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': topic,
    'messaging.destination.partition.id': String(partition),
  };
}

export function consumedMessageAttributes(
  message: { key?: unknown; value?: unknown; offset?: string; timestamp?: string },
  now: number,
  attributes: Attributes = {},
): Attributes {
  messageAttributes(message, attributes);
  const offset = Number(message.offset);
  if (Number.isSafeInteger(offset)) attributes['messaging.kafka.offset'] = offset;
  const timestamp = Number(message.timestamp);
  if (Number.isFinite(timestamp) && timestamp > 0) attributes[QUEUE_TIME_ATTRIBUTE] = Math.max(0, now - timestamp);
  return attributes;
}
