'use strict';
// The benchmark consumer's handlers (kafka-app.js, alloc/worker.js): count what arrives, resolve
// each offset in eachBatch. With `floor` (floor.js) they also carry context by hand.
function kafkaHandlers(count, floor) {
  if (floor) {
    return {
      eachMessage: { eachMessage: async ({ message }) => floor.runWithContextOf(message.headers, () => count(1)) },
      eachBatch: {
        eachBatch: async ({ batch, resolveOffset }) =>
          floor.storage.run(undefined, () => {
            for (const message of batch.messages) {
              floor.enterContextOf(message.headers);
              resolveOffset(message.offset);
            }
            count(batch.messages.length);
          }),
      },
    };
  }
  return {
    eachMessage: { eachMessage: async () => count(1) },
    eachBatch: {
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const message of batch.messages) resolveOffset(message.offset);
        count(batch.messages.length);
      },
    },
  };
}

/** What each benchmark send carries: a key and a ~140-byte JSON value, headers added by the floor. */
function benchMessages(first, n, floor) {
  const value = JSON.stringify({ order: 1, sku: 'sku-42', qty: 2, note: 'x'.repeat(100) });
  const messages = new Array(n);
  for (let i = 0; i < n; i++) {
    const message = { key: `k${first + i}`, value };
    messages[i] = floor ? floor.withTraceHeaders(message) : message;
  }
  return messages;
}

module.exports = { kafkaHandlers, benchMessages };
