'use strict';
// Turns the benchmark's measurements into bench/RESULTS.md: medians with min–max, and ratios
// against no agent and against OpenTelemetry, next to the targets hoptrace holds itself to.
const fs = require('node:fs');
const path = require('node:path');
const { targets } = require('./floor-report');

/** The floor's run on the headline majors whose verdicts RESULTS.md repeats (`npm run bench -- --floor --majors 24,26 --out FLOOR-24-26`). */
const HEADLINE_FLOOR_RUN = 'FLOOR-24-26';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const range = (xs, digits = 0) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : '—');

const signed = (x) => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x), 1)}`;

function cpuPerMessage(results, key) {
  const base = median(results['no agent'].kafka[key].map((x) => x.cpuPerMessageUs));
  return Object.entries(results)
    .map(([name, r]) => {
      const m = median(r.kafka[key].map((x) => x.cpuPerMessageUs));
      return name === 'no agent' ? `${name} ${fmt(m)}` : `${name} ${fmt(m)} (+${fmt(m - base)})`;
    })
    .join('; ');
}

function throughputTable(results, pick, unit) {
  const names = Object.keys(results);
  const base = median(pick(results['no agent']));
  const otel = median(pick(results.OpenTelemetry));
  const rows = names.map((name) => {
    const xs = pick(results[name]);
    const m = median(xs);
    return `| ${name} | ${fmt(m)} | ${range(xs)} | ${ratio(m, base)} | ${name === 'OpenTelemetry' ? '1.00×' : ratio(m, otel)} |`;
  });
  return [`| agent | median ${unit} | min–max | vs no agent | vs OpenTelemetry |`, '|---|---|---|---|---|', ...rows].join('\n');
}

/** One Node major's tables: throughput, CPU and latency, Kafka, start-up, memory, and the comparison's goals. */
function majorSection(results, plan, version) {
  const users = (r) => r.users.map((x) => x.rps);
  const chain = (r) => r.chain.map((x) => x.rps);
  const base = results['no agent'];
  const lines = [`## Node ${version}`, ''];
  lines.push('### express `GET /users/:id` (requests/s)');
  lines.push('');
  lines.push(throughputTable(results, users, 'req/s'));
  lines.push('');
  const esmNames = Object.keys(results).filter((n) => results[n].usersEsm.length > 0);
  if (esmNames.includes('no agent') && esmNames.includes('hoptrace')) {
    const esm = (n) => median(results[n].usersEsm.map((x) => x.rps));
    const cjsRatio = median(users(results.hoptrace)) / median(users(base));
    lines.push('The same app as an ES module (`http-app.mjs`, `import express from \'express\'`), hoptrace started with `--import`:');
    lines.push('');
    lines.push('| agent | median req/s | min–max | vs no agent (ES module app) | the CommonJS app\'s ratio |');
    lines.push('|---|---|---|---|---|');
    for (const n of esmNames) {
      const xs = results[n].usersEsm.map((x) => x.rps);
      lines.push(`| ${n} | ${fmt(esm(n))} | ${range(xs)} | ${ratio(esm(n), esm('no agent'))} | ${n === 'hoptrace' ? `${cjsRatio.toFixed(2)}×` : '—'} |`);
    }
    lines.push('');
  }
  lines.push('### REST chain: server → client → server (`GET /chain`, requests/s)');
  lines.push('');
  lines.push(throughputTable(results, chain, 'req/s'));
  lines.push('');
  lines.push('App CPU per request (µs, median of rounds; CPU time of the app process during the measured load, divided by the requests served): ' + Object.entries(results).map(([n, r]) => `${n} ${fmt(median(r.users.map((x) => x.cpuPerRequestUs)))} / ${fmt(median(r.chain.map((x) => x.cpuPerRequestUs)))}`).join('; ') + ' (users / chain).');
  lines.push('');
  lines.push('p99 latency (ms, median of rounds): ' + Object.entries(results).map(([n, r]) => `${n} ${fmt(median(r.users.map((x) => x.p99)))} / ${fmt(median(r.chain.map((x) => x.p99)))}`).join('; ') + ' (users / chain).');
  lines.push('');
  lines.push('### kafkajs produce + consume through the real broker (messages/s)');
  lines.push('');
  lines.push(`${plan.kafka[1].toLocaleString('en-US')} messages for batches of 1, ${plan.kafka[100].toLocaleString('en-US')} for batches of 100, produced and consumed in one process against Apache Kafka 4.4.0 on the same machine${plan.kafkaWarmup ? `, each run measured after ${plan.kafkaWarmup[1].toLocaleString('en-US')} and ${plan.kafkaWarmup[100].toLocaleString('en-US')} messages sent and consumed the same way to warm up` : ''}.`);
  for (const key of Object.keys(base.kafka)) {
    lines.push('');
    lines.push(`#### ${key}`);
    lines.push('');
    lines.push(throughputTable(results, (r) => r.kafka[key].map((x) => x.rate), 'msg/s'));
    lines.push('');
    lines.push(`App CPU per message (µs, median of rounds; the app's own CPU time from the first send until the last message was consumed, divided by the messages): ${cpuPerMessage(results, key)}.`);
  }
  lines.push('');
  lines.push('### Start-up');
  lines.push('');
  lines.push(`Wall time of \`node -r <agent> -e 0\` and of the express app until it listens, ${plan.startupRuns} runs each after 3 warm-up runs, on ${version}; every supported Node major: bench/STARTUP.md.`);
  lines.push('');
  lines.push('| agent | `-e 0` median ms | added | app listening median ms | added |');
  lines.push('|---|---|---|---|---|');
  const b0 = median(base.startup);
  const bl = median(base.listening);
  for (const [name, r] of Object.entries(results)) {
    const s = median(r.startup);
    const l = median(r.listening);
    lines.push(`| ${name} | ${fmt(s, 1)} | +${fmt(s - b0, 1)} | ${fmt(l, 1)} | +${fmt(l - bl, 1)} |`);
  }
  lines.push('');
  lines.push('### Memory');
  lines.push('');
  const [shortRun, longRun] = plan.memoryRequests;
  const count = (n) => n.toLocaleString('en-US');
  lines.push(`RSS of the express app (\`GET /users/:id\`, every request traced and exported) after warm-up, after ${count(shortRun)} requests and, for no agent and hoptrace, after ${count(longRun)}; "added" is against no agent at the same point. "receiver down": the exporter's endpoint refuses connections for the whole run, so every span is dropped after its export fails.`);
  lines.push('');
  lines.push(`| agent | after warm-up MB | added | after ${count(shortRun)} MB | added | after ${count(longRun)} MB | added | growth ${count(shortRun)} → ${count(longRun)} MB |`);
  lines.push('|---|---|---|---|---|---|---|---|');
  const baseMemory = base.memory[0];
  const memoryRow = (name, m) => {
    const cells = [name, fmt(m.afterWarmup, 1), signed(m.afterWarmup - baseMemory.afterWarmup), fmt(m.after[shortRun], 1), signed(m.after[shortRun] - baseMemory.after[shortRun])];
    if (m.after[longRun] !== undefined) cells.push(fmt(m.after[longRun], 1), signed(m.after[longRun] - baseMemory.after[longRun]), signed(m.after[longRun] - m.after[shortRun]));
    else cells.push('—', '—', '—');
    return `| ${cells.join(' | ')} |`;
  };
  for (const [name, r] of Object.entries(results)) lines.push(memoryRow(name, r.memory[0]));
  if (results.hoptrace.memoryReceiverDown) lines.push(memoryRow('hoptrace, receiver down', results.hoptrace.memoryReceiverDown));
  lines.push('');
  lines.push('### Against the goals of this comparison');
  lines.push('');
  const h = results.hoptrace;
  const o = results.OpenTelemetry;
  const target = (label, value, goal, pass) => `| ${label} | ${value} | ${goal} | ${pass ? 'met' : '**missed**'} |`;
  lines.push('| target | measured | goal | |');
  lines.push('|---|---|---|---|');
  const u = median(users(h)) / median(users(base));
  const uo = median(users(h)) / median(users(o));
  const c = median(chain(h)) / median(chain(base));
  lines.push(target('GET /users/:id vs no agent', `${u.toFixed(2)}×`, '≥ 0.85×', u >= 0.85));
  lines.push(target('GET /users/:id vs OpenTelemetry', `${uo.toFixed(2)}×`, '≥ 2×', uo >= 2));
  lines.push(target('REST chain vs no agent', `${c.toFixed(2)}×`, '≥ 0.80×', c >= 0.8));
  for (const key of Object.keys(base.kafka)) {
    const rate = (r) => median(r.kafka[key].map((x) => x.rate));
    const k = rate(h) / rate(base);
    if (key.endsWith('batches of 1')) lines.push(target(`kafkajs ${key} vs no agent`, `${k.toFixed(2)}×`, '≥ 0.90×', k >= 0.9));
    else {
      lines.push(target(`kafkajs ${key} vs no agent`, `${k.toFixed(2)}×`, '≥ 0.65×', k >= 0.65));
      const ko = rate(h) / rate(o);
      lines.push(target(`kafkajs ${key} vs OpenTelemetry`, `${ko.toFixed(2)}×`, '≥ 2×', ko >= 2));
    }
  }
  const added = median(h.startup) - b0;
  lines.push(target(`start-up added to \`node -e 0\` (every major: STARTUP.md)`, `+${fmt(added, 1)} ms`, '≤ 15 ms', added <= 15));
  for (const [label, m] of [['receiver up', h.memory[0]], ['receiver down', h.memoryReceiverDown]]) {
    if (!m) continue;
    const rss = m.after[shortRun] - baseMemory.after[shortRun];
    lines.push(target(`RSS added after ${count(shortRun)} requests, ${label}`, `+${fmt(rss, 1)} MB`, '≤ 12 MB', rss <= 12));
    if (m.after[longRun] !== undefined) {
      // Flat: hoptrace's share grows by no more than 2 MB, against the same growth without an agent.
      const growth = m.after[longRun] - m.after[shortRun] - (baseMemory.after[longRun] - baseMemory.after[shortRun]);
      lines.push(target(`RSS growth ${count(shortRun)} → ${count(longRun)} requests beyond no agent's, ${label}`, `${signed(growth)} MB`, '≤ 2 MB (flat)', growth <= 2));
    }
  }
  lines.push('');
  return lines;
}

function writeReport(file, { measured, byMajor, plan, quick, versions, machine, failures }) {
  const lines = [];
  lines.push(`# hoptrace overhead${quick ? ' (quick run: a smoke test of the harness, not numbers to quote)' : ''}`);
  lines.push('');
  lines.push(`Measured ${measured} by \`npm run bench${quick ? ' -- --quick' : ''}\` (bench/run.js).`);
  lines.push('');
  lines.push(`- Machine: ${machine}. The app runs pinned to core 0, the load generator (autocannon, ${plan.connections} connections) and the span receiver on core 1.`);
  lines.push(`- Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  lines.push(`- ${plan.rounds} round(s), configurations interleaved within each round; every run starts a fresh app, warms up ${plan.warmup} s (discarded), then measures ${plan.duration} s.`);
  lines.push('- Every agent samples 100 % and exports to a live receiver on loopback that decodes and counts the spans (OTLP/HTTP protobuf for hoptrace and OpenTelemetry, the Datadog agent API for dd-trace). A run counts only if its agent delivered at least one span per traced operation (per request; 3 per `/chain` request; per Kafka send call and handler call). hoptrace and OpenTelemetry both run with `OTEL_BSP_MAX_QUEUE_SIZE=8192`.');
  lines.push('- Numbers from a shared 2-core VM vary by ±15 % from run to run; compare configurations within one file, not across files.');
  lines.push(`- On ${Object.values(byMajor).map((m) => `Node ${m.version}`).join(' and ')}, each major in its own section; the load generator and receiver run on ${process.version}.`);
  lines.push('');
  for (const { version, results } of Object.values(byMajor)) lines.push(...majorSection(results, plan, version));
  lines.push(...floorTargets());
  if (failures.length > 0) {
    lines.push('## Runs that did not count');
    lines.push('');
    for (const f of failures) lines.push(`- ${f}`);
    lines.push('');
  }
  lines.push(`Reproduce: \`npm run kafka:start && npm run bench\` (full, about ${18 * Object.keys(byMajor).length} minutes: 18 a major) or \`npm run bench -- --quick\`.`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/**
 * hoptrace's own targets are set against the propagation floor, not against no agent: the verdicts
 * of the last floor run on the headline majors, as its report gives them, so that one file holds
 * every figure the targets are judged by.
 */
function floorTargets() {
  const file = path.join(__dirname, `${HEADLINE_FLOOR_RUN}.json`);
  if (!fs.existsSync(file)) return ['## hoptrace\'s targets, against the propagation floor', '', `No floor run on file (bench/${HEADLINE_FLOOR_RUN}.json): \`npm run bench -- --floor --majors 24,26 --out ${HEADLINE_FLOOR_RUN}\` makes one.`, ''];
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  const [, ...verdicts] = targets(saved.byMajor);
  return [
    '## hoptrace\'s targets, against the propagation floor',
    '',
    `Throughput with sampling off and at 100 %, against the same apps carrying context by hand with no agent (the floor), as bench/${HEADLINE_FLOOR_RUN}.md gives them (\`npm run bench -- --floor\`, a run of its own: ${saved.plan.rounds} rounds, scenario by scenario, each ratio read against the floor of the same round). Bytes allocated per operation: bench/ALLOC.md; RSS after 100,000 and 1,000,000 requests: bench/MEMORY.md.`,
    ...verdicts,
  ];
}

module.exports = { writeReport, median };
