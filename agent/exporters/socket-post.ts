/**
 * POSTs over the exporter's own sockets: HTTP/1.1 written and read here, not by Node's http module.
 *
 * Why: an app's server and Node's http client share OutgoingMessage's code (setHeader,
 * _storeHeader, write_, end) and the event and stream code under it. A client request every
 * 200 ms, the exporter's schedule, left V8's optimized code for all of it polymorphic and had it
 * re-optimized again and again: an express app that makes no outgoing call of its own served
 * each request 3.5 µs slower with no agent at all, and ~12 µs slower with hoptrace sampling 10 %
 * (Node 24, the loop of bench/alloc/worker.js). Requests written on a socket of our own cost it
 * ~2 µs, what net's code sees of a second kind of reader.
 *
 * What it does: keep-alive connections, at most MAX_CONNECTIONS, unref'd (never what keeps a
 * process alive), one request at a time each, closed after IDLE_MS unused (before a server's
 * usual 5 s keep-alive timeout closes them under a request); an answer read to its end by its
 * Content-Length, its chunked framing or the connection's close, 1xx answers skipped; a request
 * that finds a reused connection closed by the server before any answer is sent once more on a
 * new one; a request unanswered after `timeoutMs` fails and its connection is dropped.
 */
import * as net from 'node:net';
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
const IDLE_MS = 4000;
/** An answer's head, or a whole answer, larger than this is not an OTLP collector's: dropped. */
const MAX_ANSWER_BYTES = 1 << 20;
/** Written by hoptrace for every request: a header of the same name in the settings is left out. */
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex
const UNSAFE_VALUE = /[\r\n\0]/;

interface Request {
  readonly head: Buffer;
  readonly body: Uint8Array;
  readonly answer: PostAnswer;
  /** Every byte of the body handed to the operating system. */
  readonly written: () => void;
  /** Sent once more already, after a reused connection turned out closed. */
  retried: boolean;
}

export class SocketPoster {
  private readonly headPrefix: string;
  private readonly connections = new Set<Connection>();
  private readonly waiting: Request[] = [];

  constructor(private readonly destination: PostDestination) {
    const { url } = destination;
    let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
    for (const [name, value] of Object.entries(destination.headers)) {
      if (OWN_HEADERS.has(name.toLowerCase())) continue;
      if (!TOKEN.test(name) || UNSAFE_VALUE.test(value)) {
        // The value may be a credential: only its name is said, and only when it is printable.
        log.warn(`${destination.headersSetting}: a header ${TOKEN.test(name) ? `"${name}" ` : ''}with characters HTTP does not allow is not sent`);
        continue;
      }
      head += `${name}: ${value}\r\n`;
    }
    this.headPrefix = head;
  }

  /** Sends `body`; `answer` is called once, `written` once every byte of it left (not after a failure). */
  post(body: Uint8Array, answer: PostAnswer, written: () => void): void {
    const head = Buffer.from(`${this.headPrefix}Content-Length: ${body.length}\r\n\r\n`, 'latin1');
    this.waiting.push({ head, body, answer, written, retried: false });
    this.next();
  }

  /** Fails every request under way or waiting, and closes every connection. */
  abandon(): void {
    const reason = new Error('abandoned: the process is ending');
    for (const request of this.waiting.splice(0)) request.answer(reason, 0);
    for (const connection of [...this.connections]) connection.fail(reason, false);
  }

  /** Gives waiting requests to idle connections, opening new ones up to the limit. */
  private next(): void {
    while (this.waiting.length > 0) {
      let idle: Connection | undefined;
      for (const connection of this.connections) if (connection.idle) idle = connection;
      if (!idle && this.connections.size < MAX_CONNECTIONS) {
        idle = new Connection(this.destination, (connection, retry) => this.closed(connection, retry), () => this.next());
        this.connections.add(idle);
      }
      if (!idle) return;
      idle.send(this.waiting.shift()!);
    }
  }

  private closed(connection: Connection, retry: Request | undefined): void {
    this.connections.delete(connection);
    if (retry) this.waiting.unshift(retry);
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
    this.requestTimer = setTimeout(() => this.fail(new Error(`no answer within ${this.destination.timeoutMs} ms`), false), this.destination.timeoutMs);
    this.requestTimer.unref();
    this.socket.cork();
    this.socket.write(request.head);
    this.socket.write(request.body, (error) => {
      if (!error) request.written();
    });
    this.socket.uncork();
  }

  /**
   * Ends the connection; the request under way, if any, fails with `error`, or is sent again when
   * `retryable` and the server closed a reused connection before reading it.
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
    // the request, which the server never read, goes on a new connection, once.
    const retry = retryable && request !== undefined && this.reused && this.received === undefined && !request.retried;
    if (retry) request.retried = true;
    else request?.answer(error, 0);
    this.onClose(this, retry ? request : undefined);
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
      this.idleTimer = setTimeout(() => this.fail(new Error('idle')), IDLE_MS);
      this.idleTimer.unref();
    }
    request.answer(undefined, answer.status);
    if (!this.done) this.onIdle();
  }
}

function connect(destination: PostDestination): net.Socket {
  const { url } = destination;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (url.protocol !== 'https:') return net.connect({ host, port: Number(url.port || 80) });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tls = require('node:tls') as typeof tlsModule;
  return tls.connect({ host, port: Number(url.port || 443), servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'], ...destination.tls });
}

type Answer = { status: number; keepAlive: boolean; length: number; bytes: number } | Error;

/**
 * The answer in `bytes`, when all of it is there (`closed`: the server closed the connection after
 * them); undefined while more is to come. `length` is how many of `bytes` it took.
 */
export function readAnswer(bytes: Buffer, closed: boolean): Answer | undefined {
  let offset = 0;
  for (;;) {
    const headEnd = bytes.indexOf('\r\n\r\n', offset, 'latin1');
    if (headEnd < 0) return bytes.length > MAX_ANSWER_BYTES ? new Error('an answer with a head over 1 MiB') : closed ? new Error('the connection closed in the answer') : undefined;
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
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon < 0) continue;
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.split(',').pop()!.trim() === 'chunked';
      else if (name === 'connection') keepAlive = value.includes('keep-alive') || (keepAlive && !value.includes('close'));
    }
    if (status === 204 || status === 304) return { status, keepAlive, length: offset, bytes: bytes.length };
    if (chunked) {
      const end = chunkedEnd(bytes, offset);
      if (end instanceof Error) return end;
      if (end === undefined) return closed ? new Error('the connection closed in the answer') : undefined;
      return { status, keepAlive, length: end, bytes: bytes.length };
    }
    if (length !== undefined) {
      if (!Number.isSafeInteger(length) || length < 0) return new Error('an answer with an invalid Content-Length');
      if (bytes.length - offset < length) return closed ? new Error('the connection closed in the answer') : bytes.length > MAX_ANSWER_BYTES ? new Error('an answer over 1 MiB') : undefined;
      return { status, keepAlive, length: offset + length, bytes: bytes.length };
    }
    // Neither: the body ends with the connection.
    if (!closed) return bytes.length > MAX_ANSWER_BYTES ? new Error('an answer over 1 MiB') : undefined;
    return { status, keepAlive: false, length: bytes.length, bytes: bytes.length };
  }
}

/** Where a chunked body that starts at `offset` ends (its last chunk and trailers included), if it is all there. */
function chunkedEnd(bytes: Buffer, offset: number): number | undefined | Error {
  let at = offset;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return undefined;
    const size = parseInt(bytes.toString('latin1', at, lineEnd).split(';')[0].trim(), 16);
    if (!Number.isSafeInteger(size) || size < 0) return new Error('an answer with invalid chunked framing');
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
    at += size + 2;
    if (at > bytes.length) return bytes.length > MAX_ANSWER_BYTES ? new Error('an answer over 1 MiB') : undefined;
  }
}
