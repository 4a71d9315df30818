'use strict';
// The order gateway: an express app with no tracing code. POST /orders {id, sku} puts the order
// on the `orders` topic and answers 202.
const express = require('express');
const { Kafka, logLevel } = require('kafkajs');

const kafka = new Kafka({ clientId: 'gateway', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN });
const producer = kafka.producer();

const app = express();
app.use(express.json());
app.post('/orders', async (req, res) => {
  const { id, sku } = req.body;
  await producer.send({ topic: 'orders', messages: [{ key: id, value: JSON.stringify({ id, sku }) }] });
  res.status(202).json({ accepted: id });
});

producer.connect().then(() => {
  app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`gateway listening on ${process.env.PORT}`));
});
