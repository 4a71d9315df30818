'use strict';
// scripts/check-prerequisites.sh, which `npm test` and `npm run demo` run first: on a PATH that
// lacks Java, Maven and Go it names each with the command that installs it and fails; on this
// machine (which runs CI, so has everything) it passes silently.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'check-prerequisites.sh');
const BASH = execFileSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim();

/** A PATH holding only node, npm and the shell tools the script itself uses. */
function barePath() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-prereq-'));
  for (const tool of ['node', 'npm', 'awk', 'sed', 'sort', 'head', 'id', 'dirname', 'grep', 'cat']) {
    const found = spawnSync(BASH, ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) fs.symlinkSync(found, path.join(dir, tool));
  }
  return dir;
}

test('a machine without Java, Maven and Go: each named, with the command that installs it; exit 1', () => {
  const bin = barePath();
  try {
    for (const mode of ['demo', 'test']) {
      const result = spawnSync(BASH, [SCRIPT, mode], { env: { PATH: bin, HOME: os.homedir() }, encoding: 'utf8' });
      assert.is(result.status, 1, `${mode}: ${result.stderr}`);
      assert.match(result.stderr, mode === 'demo' ? '`npm run demo` needs' : '`npm test` needs');
      assert.match(result.stderr, /- java: apt-get install openjdk-17-jdk-headless/);
      assert.match(result.stderr, /- mvn: apt-get install maven/);
      assert.match(result.stderr, /- go: Go 1\.\d+(\.\d+)? or newer builds Jaeger/);
      assert.not.match(result.stderr, /- node:/);
    }
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
});

test('the demo against the user\'s own broker and Jaeger needs neither Java nor Go', () => {
  const bin = barePath();
  try {
    const env = { PATH: bin, HOME: os.homedir(), KAFKA_BROKERS: '127.0.0.1:9092', JAEGER_QUERY_URL: 'http://127.0.0.1:16686', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    const result = spawnSync(BASH, [SCRIPT, 'demo'], { env, encoding: 'utf8' });
    assert.is(result.status, 0, result.stderr);
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
});

test('this machine has what both need', () => {
  for (const mode of ['demo', 'test']) {
    const result = spawnSync(BASH, [SCRIPT, mode], { encoding: 'utf8' });
    assert.is(result.status, 0, `${mode}: ${result.stderr}`);
    assert.is(result.stderr, '');
  }
});

test.run();
