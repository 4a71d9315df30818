'use strict';
// One allocation measurement, in this process: SCENARIO run OPS times after a warm-up, in a young
// generation large enough that garbage collections seldom run, so heap growth (plus what any
// collection in the loop freed: freedBytes) divided by the count is what one operation allocates. Prints one
// JSON line (with the loop's time per operation, for a look in passing: times are not what this
// measures). Started by bench/alloc.js with or without hoptrace preloaded; FLOOR=1 is the
// propagation floor written by hand (apps/floor.js).
//
// WARMUP: operations run before the measured loop (OPS when not set).
//
// Scenarios: kafka-<eachMessage|eachBatch>-<sends of N>: a message sent and consumed through a
// kafkajs-shaped stub (kafkajs-stub.js), the operation being one message; http: one express
// `GET /users/:id` over a keep-alive loopback connection, the operation being one request;
// http-chain: one `GET /chain`, whose handler calls /users/1 on the same server.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const SCENARIO = process.env.SCENARIO;
const OPS = Number(process.env.OPS || 4000);
const YIELD_EVERY = Number(process.env.YIELD_EVERY || 0);
const floor = process.env.FLOOR === '1' ? require('../apps/floor') : undefined;

/** The stub, installed as `node_modules/kafkajs` so an agent finds it as it finds kafkajs. */
function requireStubKafkajs() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-alloc-'));
  const pkg = path.join(dir, 'node_modules', 'kafkajs');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'kafkajs', version: '2.2.4', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), `module.exports = require(${JSON.stringify(path.join(__dirname, 'kafkajs-stub.js'))});\n`);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return require(path.join(pkg, 'index.js'));
}

async function kafkaScenario(mode, batch) {
  const { Kafka } = requireStubKafkajs();
  const { kafkaHandlers, benchMessages } = require('../apps/kafka-handlers');
  const kafka = new Kafka({ clientId: 'bench', brokers: ['127.0.0.1:9092'] });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'bench' });
  let consumed = 0;
  await consumer.run(kafkaHandlers((n) => (consumed += n), floor)[mode]);
  let sent = 0;
  let sinceYield = 0;
  return async function messages(count) {
    for (let done = 0; done < count; done += batch) {
      await producer.send({ topic: 'orders', messages: benchMessages(sent, batch, floor) });
      sent += batch;
      await kafka.broker.deliver();
      // YIELD_EVERY=n (the hot-path bench): back to the event loop every n messages, as a consumer
      // waiting on its broker is, so that timers run and an agent exports while the loop goes on.
      sinceYield += batch;
      if (YIELD_EVERY > 0 && sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (consumed !== sent) throw new Error(`consumed ${consumed} of ${sent}`);
  };
}

/** `path`: /users/42 (one SERVER span), or /chain (server → client → server over a keep-alive agent). */
async function httpScenario(path) {
  const server = require('../apps/http-routes').serve(require('node:http'), require('express'));
  await new Promise((resolve) => server.once('listening', resolve));
  const socket = net.connect(server.address().port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  let received = '';
  let answered;
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => {
    received += chunk;
    const end = received.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/content-length: (\d+)/i.exec(received.slice(0, end))[1]);
    if (received.length < end + 4 + length) return;
    if (!received.startsWith('HTTP/1.1 200')) throw new Error(`unexpected answer: ${received.slice(0, 40)}`);
    received = received.slice(end + 4 + length);
    answered();
  });
  return async function requests(count) {
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => {
        answered = resolve;
        socket.write(request);
      });
    }
  };
}

/**
 * HEAP_PROFILE=file: V8's sampling heap profile of the measured loop, garbage included (for finding
 * who allocates; open it in Chrome's DevTools).
 */
async function startHeapProfile() {
  const post = inspectorSession();
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop(file) {
      const { profile } = await post('HeapProfiler.stopSampling');
      fs.writeFileSync(file, JSON.stringify(profile));
    },
  };
}

/** CPU_PROFILE=file: V8's CPU profile of the measured loop alone. */
async function startCpuProfile() {
  const post = inspectorSession();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
    },
  };
}

function inspectorSession() {
  const session = new (require('node:inspector').Session)();
  session.connect();
  return (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

/**
 * What the loop's minor collections moved to the old generation, per operation: the bytes that
 * outlived the young generation (in the default heap; with bench/alloc.js's large one no collection
 * runs and this is 0). An app's objects for one operation die young; bytes promoted per operation
 * well above the floor's mean the agent keeps something alive across operations (see the cursor's
 * views in instrumentations/kafkajs/batch.ts), which costs scavenger time at every collection and
 * fills the old generation until a full one.
 */
function promotedBytes(profile) {
  const oldGeneration = (snapshot) =>
    snapshot.heapSpaceStatistics.filter((space) => space.spaceName === 'old_space' || space.spaceName === 'large_object_space').reduce((sum, space) => sum + space.spaceUsedSize, 0);
  let promoted = 0;
  let minorCollections = 0;
  for (const gc of profile.statistics) {
    if (gc.gcType !== 'Scavenge' && gc.gcType !== 'MinorMarkSweep') continue;
    minorCollections++;
    promoted += Math.max(0, oldGeneration(gc.afterGC) - oldGeneration(gc.beforeGC));
  }
  return { promotedPerOp: promoted / OPS, minorCollections };
}

/**
 * Bytes the loop's collections freed: what the heap held before each one less what it held after.
 * Added to the heap's growth over the loop, the bytes the loop allocated even when V8 collected in
 * the middle of it (as it does when the agent's encoded spans, outside the heap, grow fast: Node 20
 * scavenged for "external memory pressure" in eachBatch's loop at 100 % after a longer warm-up).
 */
function freedBytes(profile) {
  let freed = 0;
  for (const gc of profile.statistics) freed += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize);
  return freed;
}

async function main() {
  const [kind, mode, batch] = SCENARIO.split('-');
  const run = kind === 'kafka' ? await kafkaScenario(mode, Number(batch)) : await httpScenario(mode === 'chain' ? '/chain' : '/users/42');
  // Warm-up (WARMUP operations, OPS by default): code optimized, caches filled, pools made.
  await run(Number(process.env.WARMUP || OPS));
  global.gc();
  const profiler = process.env.HEAP_PROFILE ? await startHeapProfile() : process.env.CPU_PROFILE ? await startCpuProfile() : undefined;
  const gcProfiler = new (require('node:v8').GCProfiler)();
  gcProfiler.start();
  const before = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  await run(OPS);
  const elapsed = Number(process.hrtime.bigint() - started);
  const after = process.memoryUsage().heapUsed;
  const gcProfile = gcProfiler.stop();
  const promoted = promotedBytes(gcProfile);
  const allocated = after - before + freedBytes(gcProfile);
  if (profiler) await profiler.stop(process.env.HEAP_PROFILE || process.env.CPU_PROFILE);
  // Collections in the loop: counted in `allocated` (freedBytes); shown for a look in passing.
  const collections = gcProfile.statistics.length;
  console.log(JSON.stringify({ scenario: SCENARIO, ops: OPS, bytesPerOp: allocated / OPS, collections, nsPerOp: Math.round(elapsed / OPS), ...promoted }));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
