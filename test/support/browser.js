'use strict';
// A real headless Chromium (Debian's chromium-headless-shell, installed by test/infra/chromium/),
// driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages ended by a
// NUL byte on file descriptors 3 and 4), so it needs no WebSocket client and runs on every Node.
// Just what the browser tests use: open a page, wait for what it renders, read it, screenshot it.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../..');

/** The browser's binary, installed on first use; a test that needs it fails with the reason. */
function chromiumBinary() {
  try {
    const out = execFileSync('bash', [path.join(REPO, 'test/infra/chromium/install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim().split('\n').pop();
  } catch (error) {
    throw new Error(`no headless Chromium for the browser tests: ${String(error.stderr || error.message).trim()}`);
  }
}

// The flags a closed network needs: without them Chromium keeps trying to reach its own services.
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--hide-scrollbars', '--mute-audio',
];

class Browser {
  static launch() {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-chromium-'));
    const child = spawn(chromiumBinary(), [...FLAGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    return new Browser(child, userDataDir);
  }

  constructor(child, userDataDir) {
    this.child = child;
    this.userDataDir = userDataDir;
    this.nextId = 1;
    this.pending = new Map();
    this.stderr = '';
    child.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    let buffered = '';
    child.stdio[4].on('data', (chunk) => {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf('\0')) !== -1) {
        this.receive(JSON.parse(buffered.slice(0, end)));
        buffered = buffered.slice(end + 1);
      }
    });
    child.once('exit', (code, signal) => {
      for (const { reject } of this.pending.values()) reject(new Error(`Chromium exited (${signal || code}): ${this.stderr.trim()}`));
      this.pending.clear();
    });
  }

  receive(message) {
    const waiting = message.id !== undefined && this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.error) waiting.reject(new Error(`${waiting.method}: ${message.error.message}`));
    else waiting.resolve(message.result);
  }

  send(method, params = {}, sessionId) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.child.stdio[3].write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  }

  async newPage({ width = 1440, height = 900 } = {}) {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  async close() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.userDataDir, { recursive: true, force: true });
  }
}

class Page {
  constructor(browser, sessionId) {
    this.browser = browser;
    this.sessionId = sessionId;
  }

  send(method, params) {
    return this.browser.send(method, params, this.sessionId);
  }

  async goto(url) {
    const { errorText } = await this.send('Page.navigate', { url });
    if (errorText) throw new Error(`${url}: ${errorText}`);
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  async evaluate(expression) {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description || exceptionDetails.text}`);
    return result.value;
  }

  /** Polls an expression until it is truthy; fails after `timeout` ms with what the page shows. */
  async waitFor(expression, { timeout = 20000, what = expression } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(expression).catch(() => undefined);
      if (value) return value;
      if (Date.now() > deadline) {
        const text = await this.evaluate('document.body ? document.body.innerText : ""').catch(() => '');
        throw new Error(`waited ${timeout} ms for ${what}; the page shows: ${JSON.stringify(String(text).slice(0, 600))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** A PNG of the viewport, or of its top `height` pixels, written to `file`. */
  async screenshot(file, { height } = {}) {
    const width = await this.evaluate('window.innerWidth');
    const clip = height ? { x: 0, y: 0, width, height, scale: 1 } : undefined;
    const { data } = await this.send('Page.captureScreenshot', { format: 'png', clip });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(data, 'base64'));
    return file;
  }
}

module.exports = { Browser };
