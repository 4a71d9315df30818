'use strict';
// The load generator, run as its own process pinned to its own core: autocannon against URL for
// DURATION seconds (or AMOUNT requests) with CONNECTIONS connections; prints one JSON line.
const autocannon = require('autocannon');

autocannon(
  {
    url: process.env.URL,
    connections: Number(process.env.CONNECTIONS),
    // AMOUNT: a fixed number of requests (the memory scenario); otherwise DURATION seconds.
    ...(process.env.AMOUNT ? { amount: Number(process.env.AMOUNT) } : { duration: Number(process.env.DURATION) }),
    pipelining: 1,
  },
  (error, result) => {
    if (error) throw error;
    console.log(
      JSON.stringify({
        requests: result.requests.total,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
      }),
    );
  },
);
