'use strict';
// The order worker: a kafkajs consumer with no tracing code. For each order it asks inventory for
// stock with fetch and publishes the outcome on `order-results`.
const { Kafka, logLevel } = require('kafkajs');

const kafka = new Kafka({ clientId: 'worker', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: process.env.GROUP_ID });
const producer = kafka.producer();

async function handle({ message }) {
  const order = JSON.parse(message.value.toString());
  const stock = await fetch(`${process.env.INVENTORY_URL}/stock/${encodeURIComponent(order.sku)}`);
  const outcome = stock.ok ? 'reserved' : 'rejected';
  await producer.send({ topic: 'order-results', messages: [{ key: order.id, value: JSON.stringify({ ...order, outcome }) }] });
  console.log(`order ${order.id} ${outcome}`);
}

(async () => {
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders' });
  consumer.on(consumer.events.GROUP_JOIN, () => console.log('worker consuming orders'));
  await consumer.run({ eachMessage: handle });
})();

// Leave the group on the way out, so the next worker does not wait for this one to time out.
process.on('SIGTERM', () => {
  Promise.all([consumer.disconnect(), producer.disconnect()]).finally(() => process.exit(0));
});
