'use strict';
// The order gateway: no tracing code. POST /orders {sku} asks inventory for stock and answers.
const http = require('node:http');

const INVENTORY = process.env.INVENTORY_URL;

function askInventory(sku) {
  return new Promise((resolve, reject) => {
    http
      .get(`${INVENTORY}/stock/${encodeURIComponent(sku)}`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/orders') return res.writeHead(404).end();
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    try {
      const { sku } = JSON.parse(body);
      const stock = await askInventory(sku);
      if (stock.status !== 200) return res.writeHead(502).end(`inventory answered ${stock.status}`);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: sku }));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`gateway listening on ${process.env.PORT}`));
