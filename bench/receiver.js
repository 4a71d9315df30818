'use strict';
// A live trace receiver on loopback for the benchmark: accepts OTLP/HTTP protobuf (hoptrace,
// OpenTelemetry) and Datadog's agent API (dd-trace, msgpack), answers like the real thing, and
// counts spans per sender so a configuration that drops spans cannot pass.
const http = require('node:http');
const { decode } = require('@msgpack/msgpack');
const { readFields } = require('../test/support/protobuf');

/** Spans in an ExportTraceServiceRequest, without decoding them: resource_spans(1) → scope_spans(2) → spans(2). */
function countOtlpSpans(body) {
  let count = 0;
  for (const rs of readFields(body)) {
    if (rs.number !== 1) continue;
    for (const ss of readFields(rs.value)) {
      if (ss.number !== 2) continue;
      for (const s of readFields(ss.value)) if (s.number === 2) count++;
    }
  }
  return count;
}

function countDatadogSpans(body) {
  const traces = decode(body);
  return Array.isArray(traces) ? traces.reduce((n, trace) => n + (Array.isArray(trace) ? trace.length : 0), 0) : 0;
}

async function startReceiver() {
  let spans = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        if (req.url === '/v1/traces') {
          spans += countOtlpSpans(body);
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } else if (/^\/v0\.[34]\/traces/.test(req.url)) {
          spans += countDatadogSpans(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate_by_service":{}}');
        } else if (req.url === '/info') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"endpoints":["/v0.4/traces"]}');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        }
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  server.keepAliveTimeout = 60000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    take() {
      const n = spans;
      spans = 0;
      return n;
    },
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

module.exports = { startReceiver };
