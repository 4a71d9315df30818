/**
 * POSTs over the exporter's own sockets: HTTP/1.1 written and read here, not by Node's http module.
 *
 * Why: an app's server and Node's http client share OutgoingMessage's code (setHeader,
 * _storeHeader, write_, end) and the event and stream code under it. A client request every
 * 200 ms (the benchmark's export schedule) left V8's optimized code for all of it polymorphic and
 * had it re-optimized again and again: an express app that makes no outgoing call of its own
 * served each request 3.5 µs slower with no agent at all, and 7-13 µs slower with hoptrace
 * sampling 10 % (Node 24, median of 30,000 requests in bench/alloc/worker.js's loop). Requests
 * written on a socket of our own cost it ~2 µs, what net's code sees of a second kind of reader.
 *
 * What it does: keep-alive connections, at most MAX_CONNECTIONS, one request at a time each,
 * unref'd (once connected they never keep a process alive; a DNS lookup or a connect under way
 * does, as Node's own agent's did, for at most `timeoutMs`); a kept connection closed half a second
 * before the server's Keep-Alive timeout when it gives one, else after IDLE_MS unused; an answer
 * read to its end by its Content-Length, its chunked framing or the connection's close, 1xx
 * answers skipped; a request that finds a kept connection closed by the server before any answer
 * is sent once more on a new one; a request unanswered `timeoutMs` after it was posted fails.
 */
// The module's Buffer, not the global one: Node's global `Buffer` is a getter, called at every use.
import { Buffer } from 'node:buffer';
import type * as net from 'node:net';
import type * as tlsModule from 'node:tls';
import type { TlsMaterial } from '../config/types';
import { log } from '../log';

export interface PostDestination {
  readonly url: URL;
  /** The request's headers but Host and Content-Length, which are written here. */
  readonly headers: Readonly<Record<string, string>>;
  readonly tls?: TlsMaterial;
  readonly timeoutMs: number;
  /** Where the headers came from, to name in a warning about one that cannot be sent. */
  readonly headersSetting: string;
}

/** `error` when no answer came; else the answer's status. */
export type PostAnswer = (error: Error | undefined, status: number) => void;

const MAX_CONNECTIONS = 2;
/** Requests waiting for a connection: beyond it the oldest fails (a collector this slow loses spans anyway). */
const MAX_WAITING = 16;
/** How long a kept connection waits for the next request when the server did not say (Keep-Alive: timeout=N). */
const IDLE_MS = 15000;
/** An answer's head, or a whole answer, larger than this is not an OTLP collector's: dropped. */
const MAX_ANSWER_BYTES = 1 << 20;
/** Written by hoptrace for every request: a header of the same name in the settings is left out. */
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Node's own rule for a header value: tab, visible ASCII, space, and bytes 0x80-0xFF (latin1 keeps each character's low byte, so nothing above 0xFF). */
const UNSAFE_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

interface Request {
  readonly head: Buffer;
  readonly body: Uint8Array;
  readonly answer: PostAnswer;
  /** Every byte of the body handed to the operating system, by the attempt that was answered. */
  readonly written: () => void;
  /** When it fails unanswered, however often it was sent. */
  readonly deadline: number;
  /** Bumped per attempt: a write that completes for an earlier attempt is not this one's. */
  attempt: number;
  settled: boolean;
}

/** Calls `answer` once; an answer that throws stays here (it runs from a socket's or a timer's event). */
function settle(request: Request, error: Error | undefined, status: number): void {
  if (request.settled) return;
  request.settled = true;
  try {
    request.answer(error, status);
  } catch {
    // The exporter's callback; nothing of the connection depends on it.
  }
}

export class SocketPoster {
  private readonly headPrefix: string;
  private readonly connections = new Set<Connection>();
  private readonly waiting: Request[] = [];
  private abandoning = false;

  constructor(private readonly destination: PostDestination) {
    const { url } = destination;
    // One value per name, whatever its case: the last given wins.
    const headers = new Map<string, [string, string]>();
    for (const [name, value] of Object.entries(destination.headers)) {
      if (OWN_HEADERS.has(name.toLowerCase())) continue;
      if (!TOKEN.test(name) || UNSAFE_VALUE.test(value)) {
        // The value may be a credential: only its name is said, and only when it is printable.
        log.warn(`${destination.headersSetting}: a header ${TOKEN.test(name) ? `"${name}" ` : ''}with characters HTTP does not allow is not sent`);
        continue;
      }
      headers.set(name.toLowerCase(), [name, value]);
    }
    let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
    for (const [name, value] of headers.values()) head += `${name}: ${value}\r\n`;
    this.headPrefix = head;
  }

  /**
   * Sends `body`; `answer` is called once, within `timeoutMs` of this call, and `written` at most
   * once, when every byte of it left (never after a failure).
   */
  post(body: Uint8Array, answer: PostAnswer, written: () => void): void {
    const head = Buffer.from(`${this.headPrefix}Content-Length: ${body.length}\r\n\r\n`, 'latin1');
    const request: Request = { head, body, answer, written, deadline: Date.now() + this.destination.timeoutMs, attempt: 0, settled: false };
    if (this.abandoning) {
      settle(request, new Error('abandoned: the process is ending'), 0);
      return;
    }
    this.waiting.push(request);
    if (this.waiting.length > MAX_WAITING) settle(this.waiting.shift()!, new Error(`more than ${MAX_WAITING} exports waiting for a connection`), 0);
    this.next();
  }

  /** Fails every request under way or waiting, and closes every connection. */
  abandon(): void {
    this.abandoning = true;
    try {
      const reason = new Error('abandoned: the process is ending');
      for (const request of this.waiting.splice(0)) settle(request, reason, 0);
      for (const connection of [...this.connections]) connection.fail(reason, false);
    } finally {
      this.abandoning = false;
    }
  }

  /** Gives waiting requests to idle connections, opening new ones up to the limit. */
  private next(): void {
    while (this.waiting.length > 0 && !this.abandoning) {
      let idle: Connection | undefined;
      for (const connection of this.connections) if (connection.idle) idle = connection;
      if (!idle && this.connections.size >= MAX_CONNECTIONS) return;
      const request = this.waiting.shift()!;
      if (Date.now() >= request.deadline) {
        settle(request, new Error(`no answer within ${this.destination.timeoutMs} ms`), 0);
        continue;
      }
      if (!idle) {
        try {
          idle = new Connection(this.destination, (connection, retry) => this.closed(connection, retry), () => this.next());
        } catch (error) {
          // tls.connect refuses a key or certificate it cannot use, synchronously.
          settle(request, error instanceof Error ? error : new Error(String(error)), 0);
          continue;
        }
        this.connections.add(idle);
      }
      idle.send(request);
    }
  }

  private closed(connection: Connection, retry: Request | undefined): void {
    this.connections.delete(connection);
    if (retry) {
      // The server closed a kept connection: the other kept ones are as old, so the retry gets a new one.
      for (const other of [...this.connections]) if (other.idle) other.fail(new Error('closed with a stale sibling'), false);
      this.waiting.unshift(retry);
    }
    this.next();
  }
}

class Connection {
  private readonly socket: net.Socket;
  private request: Request | undefined;
  /** What has arrived of the current request's answer. */
  private received: Buffer | undefined;
  /** Answered a request before: the server may have closed it since. */
  private reused = false;
  /** The server ended its side: no request goes on this connection any more. */
  private serverEnded = false;
  private done = false;
  private requestTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly destination: PostDestination,
    private readonly onClose: (connection: Connection, retry: Request | undefined) => void,
    private readonly onIdle: () => void,
  ) {
    this.socket = connect(destination);
    this.socket.unref();
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('end', () => this.ended());
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the connection closed before an answer')));
  }

  get idle(): boolean {
    return !this.done && !this.serverEnded && this.request === undefined;
  }

  send(request: Request): void {
    clearTimeout(this.idleTimer);
    this.request = request;
    this.received = undefined;
    const attempt = ++request.attempt;
    this.requestTimer = setTimeout(() => this.fail(new Error(`no answer within ${this.destination.timeoutMs} ms`), false), Math.max(0, request.deadline - Date.now()));
    this.requestTimer.unref();
    this.socket.cork();
    this.socket.write(request.head);
    this.socket.write(request.body, (error) => {
      // Only the attempt that was answered, or is still under way, says its bytes left.
      if (!error && request.attempt === attempt) request.written();
    });
    this.socket.uncork();
  }

  /**
   * Ends the connection; the request under way, if any, fails with `error`, or is sent again when
   * `retryable` and the server closed a reused connection before a byte of an answer.
   */
  fail(error: Error, retryable = true): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.requestTimer);
    clearTimeout(this.idleTimer);
    this.socket.destroy();
    const request = this.request;
    this.request = undefined;
    // A reused connection the server closed while it was idle: nothing of an answer came, and
    // the request goes on a new connection, once (a duplicate beats a gap in the trace).
    const retry = retryable && request !== undefined && this.reused && this.received === undefined && request.attempt === 1;
    this.onClose(this, retry ? request : undefined);
    if (request && !retry) settle(request, error, 0);
  }

  private read(chunk: Buffer): void {
    if (!this.request) {
      this.fail(new Error('bytes arrived with no request under way'));
      return;
    }
    this.received = this.received ? Buffer.concat([this.received, chunk]) : chunk;
    this.settleIf(readAnswer(this.received, false));
  }

  private ended(): void {
    this.serverEnded = true;
    if (this.request && this.received) this.settleIf(readAnswer(this.received, true));
    this.fail(new Error('the connection closed before an answer'));
  }

  private settleIf(answer: Answer | undefined): void {
    if (answer === undefined) return;
    const request = this.request!;
    clearTimeout(this.requestTimer);
    if (answer instanceof Error) {
      this.fail(answer, false);
      return;
    }
    this.request = undefined;
    this.received = undefined;
    this.reused = true;
    if (!answer.keepAlive || answer.length !== answer.bytes) this.fail(new Error('closed after its answer'));
    else {
      // Closed before the server would close it under the next request, when it said when.
      this.idleTimer = setTimeout(() => this.fail(new Error('idle')), answer.keepAliveMs === undefined ? IDLE_MS : Math.max(0, answer.keepAliveMs - 500));
      this.idleTimer.unref();
    }
    settle(request, undefined, answer.status);
    if (!this.done) this.onIdle();
  }
}

/** net and tls are loaded here, at the first export: an app that never exports never loads them for hoptrace. */
function connect(destination: PostDestination): net.Socket {
  const { url } = destination;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net = require('node:net') as typeof import('node:net');
  if (url.protocol !== 'https:') return net.connect({ host, port: Number(url.port || 80) });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tls = require('node:tls') as typeof tlsModule;
  return tls.connect({ host, port: Number(url.port || 443), servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'], ...destination.tls });
}

type Answer = { status: number; keepAlive: boolean; keepAliveMs?: number; length: number; bytes: number } | Error;

const tooLarge = (bytes: Buffer): Error | undefined => (bytes.length > MAX_ANSWER_BYTES ? new Error('an answer over 1 MiB') : undefined);

/**
 * The answer in `bytes`, when all of it is there (`closed`: the server closed the connection after
 * them); undefined while more is to come. `length` is how many of `bytes` it took.
 */
export function readAnswer(bytes: Buffer, closed: boolean): Answer | undefined {
  const cutShort = () => (closed ? new Error('the connection closed in the answer') : tooLarge(bytes));
  let offset = 0;
  for (;;) {
    const headEnd = bytes.indexOf('\r\n\r\n', offset, 'latin1');
    if (headEnd < 0) return cutShort();
    const lines = bytes.toString('latin1', offset, headEnd).split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
    if (!statusLine) return new Error(`not an HTTP answer: ${JSON.stringify(lines[0].slice(0, 40))}`);
    const status = Number(statusLine[2]);
    offset = headEnd + 4;
    // 100 Continue, 103 Early Hints: a final answer follows.
    if (status >= 100 && status < 200) continue;
    let length: number | undefined;
    let chunked = false;
    let keepAlive = statusLine[1] === '1';
    let keepAliveMs: number | undefined;
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon < 0) continue;
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') {
        // "5" or, from some proxies, "5, 5"; anything else, or two that differ, is no length to trust.
        const values = new Set(value.split(',').map((v) => v.trim()));
        const [only] = values;
        if (values.size !== 1 || !/^\d{1,15}$/.test(only) || (length !== undefined && length !== Number(only))) return new Error('an answer with an invalid Content-Length');
        length = Number(only);
      } else if (name === 'transfer-encoding') chunked = value.split(',').pop()!.trim() === 'chunked';
      else if (name === 'connection') keepAlive = value.includes('keep-alive') || (keepAlive && !value.includes('close'));
      else if (name === 'keep-alive') {
        const timeout = /(?:^|,)\s*timeout=(\d{1,9})/.exec(value);
        if (timeout) keepAliveMs = Number(timeout[1]) * 1000;
      }
    }
    const answer = (end: number, kept = keepAlive): Answer => ({ status, keepAlive: kept, ...(keepAliveMs === undefined ? {} : { keepAliveMs }), length: end, bytes: bytes.length });
    if (status === 204 || status === 304) return answer(offset);
    if (chunked) {
      const end = chunkedEnd(bytes, offset);
      if (end instanceof Error) return end;
      return end === undefined ? cutShort() : answer(end);
    }
    if (length !== undefined) return bytes.length - offset < length ? cutShort() : answer(offset + length);
    // Neither: the body ends with the connection.
    return closed ? answer(bytes.length, false) : tooLarge(bytes);
  }
}

/** Where a chunked body that starts at `offset` ends (its last chunk and trailers included), if it is all there. */
function chunkedEnd(bytes: Buffer, offset: number): number | undefined | Error {
  let at = offset;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return undefined;
    const sizeText = bytes.toString('latin1', at, lineEnd).split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) return new Error('an answer with invalid chunked framing');
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      // Trailers, each a line, until an empty one.
      for (;;) {
        const trailerEnd = bytes.indexOf('\r\n', at, 'latin1');
        if (trailerEnd < 0) return undefined;
        const empty = trailerEnd === at;
        at = trailerEnd + 2;
        if (empty) return at;
      }
    }
    at += size;
    if (at + 2 > bytes.length) return undefined;
    if (bytes[at] !== 13 || bytes[at + 1] !== 10) return new Error('an answer with invalid chunked framing');
    at += 2;
  }
}
