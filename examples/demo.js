'use strict';
// `npm run demo`: starts Jaeger (unless you point at your own), runs the example services with
// `node -r hoptrace/register` and no tracing code in them, sends a few orders, then reads the
// traces back from Jaeger's HTTP API and prints each as a waterfall. Stops everything it started,
// on Ctrl-C too.
const { spawn, execFileSync } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { renderWaterfall } = require('./waterfall');

const REPO = path.resolve(__dirname, '..');
const ORDERS = ['sku-42', 'sku-slow', 'sku-broken', 'sku-7'];
const children = [];
let startedJaeger = false;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function startJaeger() {
  if (process.env.JAEGER_QUERY_URL && process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    return { queryUrl: process.env.JAEGER_QUERY_URL, otlp: process.env.OTEL_EXPORTER_OTLP_ENDPOINT };
  }
  const out = execFileSync('bash', [path.join(REPO, 'test/infra/jaeger/start.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  startedJaeger = !out.includes('already running');
  return { queryUrl: out.trim().split('\n').pop(), otlp: 'http://127.0.0.1:4318' };
}

function startService(name, script, env) {
  const child = spawn(process.execPath, ['--require', 'hoptrace/register', path.join(__dirname, script)], {
    cwd: REPO,
    env: { ...process.env, OTEL_SERVICE_NAME: name, OTEL_BSP_SCHEDULE_DELAY: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // The services' own logs (express prints the errors it answers 500 for), marked with who wrote them.
  child.stderr.on('data', (d) => process.stderr.write(String(d).replace(/^(?=.)/gm, `  [${name}] `)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => /listening/.test(String(d)) && resolve(child));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
}

function request(method, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function stopServices() {
  await Promise.all(
    children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => {
      c.once('exit', resolve);
      c.kill('SIGTERM'); // hoptrace flushes on SIGTERM before the process goes
    })),
  );
}

function stopJaeger() {
  if (!startedJaeger) return;
  startedJaeger = false;
  execFileSync('bash', [path.join(REPO, 'test/infra/jaeger/stop.sh')], { stdio: 'inherit' });
}

async function fetchTraces(queryUrl, since, expected) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const { text } = await request('GET', `${queryUrl}/api/traces?service=gateway&limit=50&lookback=1h&start=${since * 1000}`);
    const traces = JSON.parse(text).data || [];
    const complete = traces.filter((t) => new Set(t.spans.map((s) => t.processes[s.processID].serviceName)).size >= 2);
    if (complete.length >= expected || Date.now() > deadline) return complete;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main() {
  const { queryUrl, otlp } = startJaeger();
  const [inventoryPort, gatewayPort] = await Promise.all([freePort(), freePort()]);
  const exportTo = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp };
  await startService('inventory', 'inventory.js', { ...exportTo, PORT: String(inventoryPort) });
  await startService('gateway', 'gateway.js', {
    ...exportTo,
    PORT: String(gatewayPort),
    INVENTORY_URL: `http://127.0.0.1:${inventoryPort}`,
  });

  const since = Date.now();
  console.log('\nSending orders to the gateway:');
  for (const sku of ORDERS) {
    const { status, text } = await request('POST', `http://127.0.0.1:${gatewayPort}/orders`, JSON.stringify({ sku }));
    console.log(`  POST /orders {"sku":"${sku}"} → ${status} ${text}`);
  }
  await stopServices();

  const traces = await fetchTraces(queryUrl, since, ORDERS.length);
  console.log(`\n${traces.length} traces in Jaeger (${queryUrl}), oldest first:`);
  for (const trace of traces.sort((a, b) => Math.min(...a.spans.map((s) => s.startTime)) - Math.min(...b.spans.map((s) => s.startTime)))) {
    console.log(`\ntrace ${trace.traceID}`);
    for (const row of renderWaterfall(trace)) console.log(row);
  }
  console.log(`\nJaeger query API: ${queryUrl}/api/traces/<trace id>` + (startedJaeger ? ' (stopped again now; `npm run jaeger:start` keeps one running)' : ''));
  if (traces.length < ORDERS.length) throw new Error(`expected ${ORDERS.length} traces in Jaeger, found ${traces.length}`);
}

process.on('SIGINT', async () => {
  await stopServices();
  stopJaeger();
  process.exit(130);
});

main()
  .catch((error) => {
    console.error(`demo failed: ${error.message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopServices();
    stopJaeger();
  });
