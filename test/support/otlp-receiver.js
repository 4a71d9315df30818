'use strict';
// An OTLP/HTTP trace receiver for tests: decodes what arrives, keeps every span, answers 200.
const http = require('node:http');
const https = require('node:https');
const { decodeJson, decodeProtobuf } = require('./otlp-decode');

/** `tls`: https.createServer options (key, cert, and for mTLS ca + requestCert): an https receiver. */
async function startReceiver({ tls } = {}) {
  const spans = [];
  const requests = [];
  const waiters = new Set();
  const handle = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = req.headers['content-type'] || '';
      requests.push({ path: req.url, headers: req.headers, size: body.length });
      try {
        const decoded = type.includes('json') ? decodeJson(body) : decodeProtobuf(body);
        spans.push(...decoded);
        res.writeHead(200, { 'content-type': type }).end(type.includes('json') ? '{}' : '');
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
      for (const waiter of waiters) waiter();
    });
  };
  const server = tls ? https.createServer(tls, handle) : http.createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    spans,
    requests,
    /** Resolves with the spans once `predicate(spans)` holds; rejects after `timeoutMs` saying what arrived. */
    waitFor(predicate, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(spans)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(spans);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`spans did not arrive within ${timeoutMs} ms; got: ${JSON.stringify(spans.map((s) => `${s.kind} ${s.name}`))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

module.exports = { startReceiver };
