'use strict';
// The exporter's own HTTP/1.1 POST (agent/exporters/socket-post.ts): answers read to their end
// however they are framed, connections kept and reused, a reused connection the server closed
// tried once more, a silent server timed out, and everything under way given up on abandon().
const http = require('node:http');
const net = require('node:net');
const { test } = require('uvu');
const assert = require('uvu/assert');
const { SocketPoster, readAnswer } = require('../../dist/agent/exporters/socket-post');

const bytes = (text) => Buffer.from(text, 'latin1');

test('an answer is whole when its Content-Length, its chunked framing or the connection says so', () => {
  assert.equal(readAnswer(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), false), { status: 200, keepAlive: true, length: 40, bytes: 40 });
  assert.is(readAnswer(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\no'), false), undefined);
  assert.is(readAnswer(bytes('HTTP/1.1 200 OK\r\nContent-Len'), false), undefined);
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n0\r\nGrpc-Status: 0\r\n\r\n';
  assert.equal(readAnswer(bytes(chunked), false), { status: 200, keepAlive: true, length: chunked.length, bytes: chunked.length });
  for (let cut = chunked.indexOf('\r\n\r\n') + 4; cut < chunked.length; cut++) assert.is(readAnswer(bytes(chunked.slice(0, cut)), false), undefined, `cut at ${cut}`);
  // Read to the connection's end when neither is given.
  assert.is(readAnswer(bytes('HTTP/1.1 200 OK\r\n\r\npartial'), false), undefined);
  assert.equal(readAnswer(bytes('HTTP/1.1 200 OK\r\n\r\nall'), true), { status: 200, keepAlive: false, length: 22, bytes: 22 });
  assert.ok(readAnswer(bytes('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'), true) instanceof Error);
});

test('1xx answers are passed over; Connection and the HTTP version decide whether the connection is kept', () => {
  const answer = readAnswer(bytes('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n'), false);
  assert.is(answer.status, 202);
  assert.is(readAnswer(bytes('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'), false).keepAlive, false);
  assert.is(readAnswer(bytes('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'), false).keepAlive, false);
  assert.is(readAnswer(bytes('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n'), false).keepAlive, true);
  assert.equal(readAnswer(bytes('HTTP/1.1 204 No Content\r\n\r\n'), false), { status: 204, keepAlive: true, length: 27, bytes: 27 });
  // Bytes beyond the answer: the connection is not reused (length < bytes).
  const extra = readAnswer(bytes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1'), false);
  assert.ok(extra.length < extra.bytes);
  assert.ok(readAnswer(bytes('SSH-2.0-OpenSSH\r\n\r\n'), false) instanceof Error);
  // The server's keep-alive timeout, when it says it.
  assert.is(readAnswer(bytes('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n'), false).keepAliveMs, 5000);
  // Content-Length as some proxies repeat it is one length; anything else is no length to trust.
  assert.is(readAnswer(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok'), false).status, 200);
  for (const length of ['0x10', '1e3', '', '2, 3', '-1']) assert.ok(readAnswer(bytes(`HTTP/1.1 200 OK\r\nContent-Length: ${length}\r\n\r\nok`), false) instanceof Error, length);
  assert.ok(readAnswer(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok'), false) instanceof Error);
  assert.ok(readAnswer(bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n'), false) instanceof Error);
  assert.ok(readAnswer(bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), false) instanceof Error);
});

async function listen(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

const post = (poster, body) =>
  new Promise((resolve) => {
    let written = false;
    poster.post(Buffer.from(body), (error, status) => resolve({ error, status, written }), () => (written = true));
  });

const destination = (port, extra = {}) => ({
  url: new URL(`http://127.0.0.1:${port}/v1/traces?tenant=a`),
  headers: { 'content-type': 'application/x-protobuf' },
  timeoutMs: 2000,
  headersSetting: 'OTEL_EXPORTER_OTLP_HEADERS',
  ...extra,
});

test('a real server gets every byte with the configured headers; posts in turn share one connection; statuses come back', async () => {
  const received = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.headers['x-answer'] === 'chunked' || received.length === 2) {
        res.write('part one;');
        res.end('part two');
      } else res.writeHead(received.length === 3 ? 503 : 200).end();
    });
  });
  server.on('connection', () => connections++);
  const port = await listen(server);
  const said = [];
  const write = process.stderr.write;
  process.stderr.write = (text) => said.push(String(text));
  let poster;
  try {
    const headers = {
      'content-type': 'application/x-protobuf',
      authorization: 'Bearer t0ken',
      'content-length': '999',
      'bad\nname': 'x',
      'x-bad-value': 'a\r\nInjected: 1',
      // Written as latin1, each character's low byte: U+010D U+010A would be CR LF.
      'x-wide-value': 'a\u010d\u010aInjected: 2',
    };
    poster = new SocketPoster(destination(port, { headers }));
  } finally {
    process.stderr.write = write;
  }
  // Each header HTTP cannot carry said once, by its name when it has one to print, never its value.
  assert.equal(said.join('').trim().split('\n'), [
    'hoptrace: warn: OTEL_EXPORTER_OTLP_HEADERS: a header with characters HTTP does not allow is not sent',
    'hoptrace: warn: OTEL_EXPORTER_OTLP_HEADERS: a header "x-bad-value" with characters HTTP does not allow is not sent',
    'hoptrace: warn: OTEL_EXPORTER_OTLP_HEADERS: a header "x-wide-value" with characters HTTP does not allow is not sent',
  ]);
  try {
    const first = await post(poster, 'spans one');
    const second = await post(poster, 'spans two');
    const third = await post(poster, 'x'.repeat(300000));
    assert.equal([first.error, first.status, first.written], [undefined, 200, true]);
    assert.equal([second.error, second.status], [undefined, 200]);
    assert.equal([third.error, third.status], [undefined, 503]);
    assert.is(connections, 1);
    assert.equal(received.map((r) => r.body.length), [9, 9, 300000]);
    assert.is(received[0].url, '/v1/traces?tenant=a');
    assert.is(received[0].headers.authorization, 'Bearer t0ken');
    assert.is(received[0].headers['content-type'], 'application/x-protobuf');
    assert.is(received[0].headers['content-length'], '9');
    assert.is(received[0].headers.host, `127.0.0.1:${port}`);
    assert.not.ok('x-bad-value' in received[0].headers);
    assert.not.ok('injected' in received[0].headers);
    assert.not.ok('x-wide-value' in received[0].headers);
  } finally {
    poster.abandon();
    server.close();
  }
});

test('a kept connection the server closed (its keep-alive timeout, or under the request) is replaced: the post succeeds', async () => {
  let connections = 0;
  // The first connection answers once, keeps the connection, and closes it when the next request comes.
  const server = net.createServer((socket) => {
    const mine = ++connections;
    let requests = 0;
    socket.on('data', (chunk) => {
      if (!chunk.includes('\r\n\r\n')) return;
      requests++;
      if (mine === 1 && requests === 2) socket.destroy();
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    socket.on('error', () => {});
  });
  const port = await listen(server);
  const poster = new SocketPoster(destination(port));
  try {
    assert.is((await post(poster, 'a')).status, 200);
    const second = await post(poster, 'b');
    assert.equal([second.error, second.status], [undefined, 200]);
    assert.is(connections, 2);
  } finally {
    poster.abandon();
    server.close();
  }
});

test('a server that never answers: the post fails after timeoutMs, once, and is not sent again', async () => {
  let requests = 0;
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => (requests += chunk.includes('POST') ? 1 : 0));
    socket.on('error', () => {});
  });
  const port = await listen(server);
  const poster = new SocketPoster(destination(port, { timeoutMs: 150 }));
  try {
    const started = Date.now();
    const outcome = await post(poster, 'a');
    assert.match(outcome.error.message, /no answer within 150 ms/);
    assert.ok(Date.now() - started >= 140);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.is(requests, 1);
  } finally {
    poster.abandon();
    server.close();
  }
});

test('abandon(): the post under way and the ones waiting fail at once; nothing listening fails with the error', async () => {
  const server = net.createServer((socket) => socket.on('error', () => {}));
  const port = await listen(server);
  const poster = new SocketPoster(destination(port, { timeoutMs: 60000 }));
  const outcomes = [post(poster, 'a'), post(poster, 'b'), post(poster, 'c')];
  await new Promise((resolve) => setTimeout(resolve, 50));
  poster.abandon();
  for (const outcome of await Promise.all(outcomes)) assert.match(outcome.error.message, /abandoned/);
  server.close();
  const nothing = net.createServer();
  const closedPort = await listen(nothing);
  await new Promise((resolve) => nothing.close(resolve));
  // The poster's sockets and timers never hold the process open: this test holds it while it waits.
  const holdOpen = setInterval(() => {}, 1000);
  const refused = await post(new SocketPoster(destination(closedPort)), 'd');
  clearInterval(holdOpen);
  assert.match(refused.error.message, /ECONNREFUSED/);
});

test('a client key TLS cannot use: the post fails with the reason, nothing thrown, and the next post is answered too', async () => {
  const poster = new SocketPoster(destination(9, { url: new URL('https://127.0.0.1:9/v1/traces'), tls: { key: 'not a key', cert: 'not a certificate' } }));
  const holdOpen = setInterval(() => {}, 1000);
  const outcomes = [await post(poster, 'a'), await post(poster, 'b')];
  clearInterval(holdOpen);
  for (const outcome of outcomes) assert.ok(outcome.error instanceof Error && outcome.status === 0, String(outcome.error));
});

test.run();
