'use strict';
// `npm run demo`: starts Kafka and Jaeger (unless you point at your own), runs the example
// services with `node -r hoptrace/register` and no tracing code in them — gateway (express) →
// Kafka → worker (kafkajs) → fetch → inventory (express) → Kafka — sends a few orders, then reads
// the traces back from Jaeger's HTTP API and prints each as a waterfall, then each trace's page in
// the Jaeger UI. Stops everything it started, on Ctrl-C too. `--short`: three orders (CI);
// `--keep`: leave Kafka and Jaeger running to look at the traces; `--open`: `--keep`, and the
// first trace opened in the system's browser.
const { spawn, execFileSync } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { createReadyTopics, startGroupAtEnd, untilReady } = require('../test/infra/kafka/topics');
const { renderWaterfall } = require('./waterfall');

const REPO = path.resolve(__dirname, '..');
const { Kafka, logLevel } = require('kafkajs');

const SHORT = process.argv.includes('--short');
const OPEN = process.argv.includes('--open');
// A page in a browser needs Jaeger still running (it keeps traces in memory only).
const KEEP = OPEN || process.argv.includes('--keep');
const ORDERS = SHORT ? ['sku-42', 'sku-slow', 'sku-broken'] : ['sku-42', 'sku-slow', 'sku-broken', 'sku-7', 'sku-9'];
// A group of its own per run, started at the topic's end: a worker of an earlier run that has not
// left the group yet cannot hold this one up.
const WORKER_GROUP = `order-workers-${Date.now()}`;
const children = [];
let startedJaeger = false;
let startedKafka = false;

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

/** True when something already listens on 127.0.0.1:port: a service the user runs, which the demo must leave running. */
function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function startKafka() {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS;
  const wasRunning = await listening(19092);
  const out = execFileSync('bash', [path.join(REPO, 'test/infra/kafka/start.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  startedKafka = !wasRunning;
  return out.trim().split('\n').pop();
}

/** Topics exist, and the worker group starts at their end: this run's orders, none from earlier runs. */
async function prepareTopics(brokers) {
  const admin = new Kafka({ clientId: 'demo', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  // A broker that has just started, on a busy machine, answers "not yet" for a while: waited for, bounded.
  await untilReady('connecting to the broker', () => admin.connect());
  try {
    await createReadyTopics(admin, [{ topic: 'orders' }, { topic: 'order-results' }]);
    await startGroupAtEnd(admin, WORKER_GROUP, 'orders');
  } finally {
    await admin.disconnect();
  }
}

async function startJaeger() {
  if (process.env.JAEGER_QUERY_URL && process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    return { queryUrl: process.env.JAEGER_QUERY_URL, otlp: process.env.OTEL_EXPORTER_OTLP_ENDPOINT };
  }
  const wasRunning = await listening(16686);
  const out = execFileSync('bash', [path.join(REPO, 'test/infra/jaeger/start.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  startedJaeger = !wasRunning;
  return { queryUrl: out.trim().split('\n').pop(), otlp: 'http://127.0.0.1:4318' };
}

function startService(name, script, env, readyPattern = /listening/) {
  const child = spawn(process.execPath, ['--require', 'hoptrace/register', path.join(__dirname, script)], {
    cwd: REPO,
    env: { ...process.env, OTEL_SERVICE_NAME: name, OTEL_BSP_SCHEDULE_DELAY: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // The services' own logs (express prints the errors it answers 500 for), marked with who wrote them.
  child.stderr.on('data', (d) => process.stderr.write(String(d).replace(/^(?=.)/gm, `  [${name}] `)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => readyPattern.test(String(d)) && resolve(child));
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

function stopInfra() {
  if (KEEP) return;
  if (startedJaeger) execFileSync('bash', [path.join(REPO, 'test/infra/jaeger/stop.sh')], { stdio: 'inherit' });
  if (startedKafka) execFileSync('bash', [path.join(REPO, 'test/infra/kafka/stop.sh')], { stdio: 'inherit' });
  startedJaeger = startedKafka = false;
}

async function fetchTraces(queryUrl, since, expected) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const { text } = await request('GET', `${queryUrl}/api/traces?service=gateway&limit=50&lookback=1h&start=${since * 1000}`);
    const traces = JSON.parse(text).data || [];
    const complete = traces.filter((t) => new Set(t.spans.map((s) => t.processes[s.processID].serviceName)).size >= 3);
    if (complete.length >= expected || Date.now() > deadline) return complete;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Runs one stage of the set-up and says how long it took: on a first run the builds and downloads
 * take minutes, and each stage's own lines (on stderr) say what it is doing meanwhile.
 */
async function stage(name, work) {
  const started = Date.now();
  const result = await work();
  process.stderr.write(`demo: ${name} (${formatElapsed(Date.now() - started)})\n`);
  return result;
}

function formatElapsed(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

async function main() {
  const brokers = await stage('Kafka ready', startKafka);
  const { queryUrl, otlp } = await stage('Jaeger ready', startJaeger);
  await stage('topics ready', () => prepareTopics(brokers));
  const [inventoryPort, gatewayPort] = await Promise.all([freePort(), freePort()]);
  const common = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp, KAFKA_BROKERS: brokers, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  const worker = await stage('services started (inventory, worker, gateway)', async () => {
    await startService('inventory', 'inventory.js', { ...common, PORT: String(inventoryPort) });
    const started = await startService(
      'worker',
      'worker.js',
      { ...common, GROUP_ID: WORKER_GROUP, INVENTORY_URL: `http://127.0.0.1:${inventoryPort}` },
      /worker consuming/,
    );
    await startService('gateway', 'gateway.js', { ...common, PORT: String(gatewayPort) });
    return started;
  });

  const since = Date.now();
  let handled = 0;
  const allHandled = new Promise((resolve) => {
    worker.stdout.on('data', (d) => {
      handled += (String(d).match(/^order /gm) || []).length;
      if (handled >= ORDERS.length) resolve();
    });
  });
  console.log('\nSending orders to the gateway (gateway → Kafka → worker → inventory → Kafka):');
  for (const [i, sku] of ORDERS.entries()) {
    const id = `order-${i + 1}`;
    const { status, text } = await request('POST', `http://127.0.0.1:${gatewayPort}/orders`, JSON.stringify({ id, sku }));
    console.log(`  POST /orders {"id":"${id}","sku":"${sku}"} → ${status} ${text}`);
  }
  let giveUp;
  await Promise.race([allHandled, new Promise((r) => (giveUp = setTimeout(r, 30000)))]);
  clearTimeout(giveUp);
  await stopServices();

  const traces = await fetchTraces(queryUrl, since, ORDERS.length);
  console.log(`\n${traces.length} traces in Jaeger (${queryUrl}), oldest first:`);
  for (const trace of traces.sort((a, b) => Math.min(...a.spans.map((s) => s.startTime)) - Math.min(...b.spans.map((s) => s.startTime)))) {
    console.log(`\ntrace ${trace.traceID}`);
    for (const row of renderWaterfall(trace)) console.log(row);
  }
  console.log(`\nTrace ids: ${traces.map((t) => t.traceID).join(' ')}`);
  console.log('✗ marks failed spans; bars are scaled to each trace.');
  await showInJaegerUi(queryUrl, traces);
  if (traces.length < ORDERS.length) throw new Error(`expected ${ORDERS.length} traces in Jaeger, found ${traces.length}`);
}

/** Where to see each trace in the Jaeger UI, and how long it stays there. */
async function showInJaegerUi(queryUrl, traces) {
  const ui = await servesUi(queryUrl);
  if (ui) {
    console.log('\nThe traces in the Jaeger UI:');
    for (const trace of traces) console.log(`  ${queryUrl}/trace/${trace.traceID}`);
  } else {
    console.log(`\nJaeger at ${queryUrl} serves its API but no UI (test/infra/jaeger/ui-build.sh builds it; README: "The Jaeger UI"). API: ${queryUrl}/api/traces/<trace id>`);
  }
  const started = [startedKafka && 'Kafka', startedJaeger && 'Jaeger'].filter(Boolean);
  if (KEEP && started.length) {
    console.log(`${started.join(' and ')} keep running; stop them with ${started.map((s) => `\`npm run ${s.toLowerCase()}:stop\``).join(' and ')}.`);
  } else if (startedJaeger) {
    console.log('Jaeger stops with the demo and keeps traces in memory only: `npm run demo -- --keep` leaves it running to look at them.');
  }
  if (OPEN && ui && traces.length) openInBrowser(`${queryUrl}/trace/${traces[0].traceID}`);
}

/** True when Jaeger serves the real UI, not the placeholder page of a binary built without it. */
async function servesUi(queryUrl) {
  const { status, text } = await request('GET', `${queryUrl}/`).catch(() => ({ status: 0, text: '' }));
  return status === 200 && text.includes('id="jaeger-ui-root"');
}

function openInBrowser(url) {
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.once('error', () => console.log(`Could not start \`${command}\` to open a browser; open ${url} yourself.`));
  child.once('spawn', () => console.log(`Opening ${url} in your browser.`));
  child.unref();
}

process.on('SIGINT', async () => {
  await stopServices();
  stopInfra();
  process.exit(130);
});

main()
  .catch((error) => {
    console.error(`demo failed: ${error.message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopServices();
    stopInfra();
  });
