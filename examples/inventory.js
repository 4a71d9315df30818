'use strict';
// The inventory service: an express app with no tracing code. Some SKUs are slow, one always
// fails, so the traces show who was slow and who failed.
const express = require('express');

const SLOW_MS = { 'sku-slow': 400 };
const BROKEN = new Set(['sku-broken']);

const app = express();
app.get('/stock/:sku', async (req, res) => {
  const { sku } = req.params;
  await new Promise((resolve) => setTimeout(resolve, SLOW_MS[sku] ?? 15));
  if (BROKEN.has(sku)) throw new Error('stock database unavailable');
  res.json({ sku, available: 3 });
});

app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`inventory listening on ${process.env.PORT}`));
