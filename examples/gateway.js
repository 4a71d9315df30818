'use strict';
// The order gateway: an express app with no tracing code. POST /orders {sku} asks inventory for
// stock with fetch and answers.
const express = require('express');

const INVENTORY = process.env.INVENTORY_URL;

const app = express();
app.use(express.json());
app.post('/orders', async (req, res) => {
  const { sku } = req.body;
  const stock = await fetch(`${INVENTORY}/stock/${encodeURIComponent(sku)}`);
  if (!stock.ok) return res.status(502).send(`inventory answered ${stock.status}`);
  res.status(201).json({ accepted: sku });
});

app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`gateway listening on ${process.env.PORT}`));
