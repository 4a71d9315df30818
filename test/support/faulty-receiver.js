'use strict';
// OTLP receivers that misbehave the ways real collectors do, on loopback, for the fault suite.
//   down       – nothing listens on the port (it was bound, then closed)
//   blackhole  – accepts connections and reads requests, never answers
//   slow       – answers 200 after `delayMs`
//   status     – answers `status` (500, 503, 429, 400 …) at once
//   reset      – resets the connection as soon as a request arrives
// Counts the spans of every request it answered with 2xx (`acknowledged`).
const http = require('node:http');
const { decodeProtobuf } = require('./otlp-decode');

async function startFaultyReceiver(mode, { delayMs = 3000, status = 500 } = {}) {
  const sockets = new Set();
  const timers = new Set();
  let acknowledged = 0;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (mode === 'blackhole') return;
      if (mode === 'reset') return req.socket.resetAndDestroy();
      const answer = () => {
        if (res.destroyed || req.socket.destroyed) return;
        const code = mode === 'status' ? status : 200;
        if (code >= 200 && code < 300) acknowledged += decodeProtobuf(Buffer.concat(chunks)).length;
        res.writeHead(code, mode === 'status' && status === 429 ? { 'retry-after': '1' } : {}).end();
      };
      if (mode === 'slow') {
        const timer = setTimeout(() => { timers.delete(timer); answer(); }, delayMs);
        timers.add(timer);
      } else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const close = async () => {
    for (const timer of timers) clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  if (mode === 'down') await close();
  return {
    mode,
    url: `http://127.0.0.1:${port}`,
    get acknowledged() { return acknowledged; },
    get requests() { return requests; },
    close: mode === 'down' ? async () => {} : close,
  };
}

/** hoptrace's warnings in a child's stderr, and the lost total its last word at exit gives. */
function lossReport(stderr) {
  const warnings = stderr.split('\n').filter((line) => line.startsWith('hoptrace: warn'));
  const final = warnings.find((line) => line.includes('spans lost while running'));
  const counts = final ? [...final.matchAll(/(\d+) (?:could not be exported|were dropped because the queue was full|had invalid ids)/g)].map((m) => Number(m[1])) : [];
  const atExit = warnings.map((line) => line.match(/(\d+) (?:spans )?lost$/)).filter(Boolean).map((m) => Number(m[1]));
  return { warnings, lost: counts.reduce((a, b) => a + b, 0) + atExit.reduce((a, b) => a + b, 0) };
}


module.exports = { startFaultyReceiver, lossReport };
