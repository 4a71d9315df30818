'use strict';
// The inventory service: no tracing code. Some SKUs are slow, one is always failing, so the
// traces show who was slow and who failed.
const http = require('node:http');

const SLOW_MS = { 'sku-slow': 400 };
const BROKEN = new Set(['sku-broken']);

const server = http.createServer((req, res) => {
  const match = req.url.match(/^\/stock\/([\w-]+)$/);
  if (!match) return res.writeHead(404).end();
  const sku = match[1];
  setTimeout(() => {
    if (BROKEN.has(sku)) return res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"stock database unavailable"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku, available: 3 }));
  }, SLOW_MS[sku] ?? 15);
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`inventory listening on ${process.env.PORT}`));
