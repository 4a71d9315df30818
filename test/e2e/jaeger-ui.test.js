'use strict';
// The demo's traces in the real Jaeger UI (built by test/infra/jaeger/ui-build.sh), rendered by a
// real headless Chromium: the trace page, the Search page and the System Architecture page, each
// read from the rendered DOM and saved as a screenshot (HOPTRACE_SCREENSHOT_DIR, else a temporary
// folder; the README's images in docs/ were made this way).
const { test } = require('uvu');
const assert = require('uvu/assert');
const { before } = require('../support/before');
const os = require('node:os');
const path = require('node:path');
const { Browser } = require('../support/browser');
const { runDemoShort } = require('../support/demo');
const { JAEGER_QUERY_URL, getJson, requireJaegerUi } = require('../support/jaeger');
const { requireKafka } = require('../support/kafka');

const SCREENSHOTS = path.resolve(process.env.HOPTRACE_SCREENSHOT_DIR || path.join(os.tmpdir(), 'hoptrace-screenshots'));
const SERVICES = ['gateway', 'worker', 'inventory'];

let demo;
let browser;
let page;

// Set-up, through test/support/before.js so that a Jaeger without the UI fails each test with the reason.
before(test, async () => {
  await requireJaegerUi();
  await requireKafka();
  demo = await runDemoShort();
  browser = Browser.launch();
  page = await browser.newPage({ width: 1440, height: 900 });
});

test.after(async () => {
  if (browser) await browser.close();
});

const bodyText = () => page.evaluate('document.body.innerText');

test('the demo ends with a link to each trace in the Jaeger UI', () => {
  assert.is(demo.code, 0, demo.stderr + demo.stdout);
  assert.is(demo.traceIds.length, 3, demo.stdout);
  for (const id of demo.traceIds) assert.ok(demo.stdout.includes(`\n  ${JAEGER_QUERY_URL}/trace/${id}\n`), `no link to trace ${id} in:\n${demo.stdout}`);
});

test('the trace page shows the whole trace: 3 services, 6 spans at depth 5, each service and operation in its place', async () => {
  const [traceId] = demo.traceIds;
  await page.goto(`${JAEGER_QUERY_URL}/trace/${traceId}`);
  await page.waitFor("document.body.innerText.includes('Total Spans')", { what: 'the trace page header' });
  const text = await bodyText();
  assert.match(text, `gateway: POST /orders ${traceId.slice(0, 7)}`, 'the title: the root span and the short trace id');
  assert.match(text, /Services\s*3(?!\d)/);
  assert.match(text, /Depth\s*5(?!\d)/);
  assert.match(text, /Total Spans\s*6(?!\d)/);
  // The span rows as the timeline lists them, parent before child: "<service> <operation>".
  const rows = text.split('\n').filter((line) => /^(gateway|worker|inventory) \S/.test(line));
  assert.equal(rows, [
    'gateway POST /orders',
    'gateway send orders',
    'worker process orders',
    'worker GET',
    'inventory GET /stock/:sku',
    'worker send order-results',
  ]);
  // Each service is drawn in a colour of its own (the bars of its spans).
  const colours = await page.evaluate(`(() => {
    const byService = {};
    for (const row of document.querySelectorAll('.span-row')) {
      const name = row.querySelector('.span-svc-name');
      const bar = row.querySelector('.SpanBar--bar');
      if (name && bar) byService[name.textContent.trim()] = getComputedStyle(bar).backgroundColor;
    }
    return byService;
  })()`);
  assert.equal(Object.keys(colours).sort(), [...SERVICES].sort(), JSON.stringify(colours));
  assert.is(new Set(Object.values(colours)).size, 3, JSON.stringify(colours));
  // Down to the last span's row, not the empty page under it.
  const bottom = await page.evaluate("Math.ceil(Math.max(...[...document.querySelectorAll('.span-row')].map((r) => r.getBoundingClientRect().bottom)))");
  await page.screenshot(path.join(SCREENSHOTS, 'jaeger-ui-trace.png'), { height: bottom + 12 });
});

test("the Search page lists the demo's services and finds its traces", async () => {
  await page.goto(`${JAEGER_QUERY_URL}/search`);
  const select = 'document.querySelector(\'div[name="service"]\')';
  await page.waitFor(`${select} && !${select}.className.includes('disabled') && /Service \\(\\d+\\)/.test(document.body.innerText)`, {
    what: 'the services list',
  });
  // The list shows ten names at a time (other tests' services share this Jaeger), so each service is
  // looked for as a user would: a click opens the list, its name typed filters it.
  const { x, y } = await page.evaluate(`(() => { const r = ${select}.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
  const options = "[...document.querySelectorAll('.ant-select-item-option')].map((e) => e.textContent.trim())";
  for (const service of SERVICES) {
    for (const type of ['mousePressed', 'mouseReleased']) await page.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
    await page.send('Input.insertText', { text: service });
    // Filtered: every name shown contains what was typed (gateway-http-… too), the service among them.
    const shown = await page.waitFor(
      `(() => { const o = ${options}; return o.length > 0 && o.every((name) => name.includes(${JSON.stringify(service)})) ? o : null; })()`,
      { what: `the services list filtered by "${service}"` },
    );
    assert.ok(shown.includes(service), `${service} missing from the filtered services list ${JSON.stringify(shown)}`);
    // Closed again with Escape, which also clears what was typed.
    for (const type of ['keyDown', 'keyUp']) await page.send('Input.dispatchKeyEvent', { type, key: 'Escape', code: 'Escape', windowsVirtualKeyCode: 27 });
    await page.waitFor(`${options}.length === 0 || !document.querySelector('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')`, { what: 'the list closed' });
  }

  await page.goto(`${JAEGER_QUERY_URL}/search?service=gateway&lookback=1h&limit=50`);
  const shortIds = demo.traceIds.map((id) => id.slice(0, 7));
  await page.waitFor(`${JSON.stringify(shortIds)}.every((id) => document.body.innerText.includes(id))`, { what: "the demo's traces in the results" });
  const text = await bodyText();
  for (const id of shortIds) {
    // A result: its title with the short id, the span count, then the spans per service.
    assert.match(text, new RegExp(`gateway: POST /orders${id}\\n6 Spans[^\\n]*\\ngateway \\(2\\)\\ninventory \\(1\\)\\nworker \\(3\\)`), `the result for ${id}`);
  }
  await page.screenshot(path.join(SCREENSHOTS, 'jaeger-ui-search.png'));
});

test('the System Architecture page draws the services, and Jaeger links gateway → worker → inventory', async () => {
  const { data: edges } = await getJson(`${JAEGER_QUERY_URL}/api/dependencies?endTs=${Date.now()}&lookback=3600000`);
  const edge = (parent, child) => edges.some((e) => e.parent === parent && e.child === child && e.callCount >= 3);
  assert.ok(edge('gateway', 'worker'), `gateway → worker in ${JSON.stringify(edges)}`);
  assert.ok(edge('worker', 'inventory'), `worker → inventory in ${JSON.stringify(edges)}`);

  await page.goto(`${JAEGER_QUERY_URL}/dependencies`);
  await page.waitFor(`${JSON.stringify(SERVICES)}.every((s) => document.body.innerText.split('\\n').includes(s))`, { what: 'the three services in the graph' });
  await page.screenshot(path.join(SCREENSHOTS, 'jaeger-ui-architecture.png'));
});

test.run();
