'use strict';
// The one declaration of every setting (agent/config/settings.ts): the reader uses it, what
// load-config.ts reads is declared in it, and README's tables are what it makes.
const { test } = require('uvu');
const assert = require('uvu/assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { SETTINGS } = require('../../dist/agent/config/settings');
const { loadConfig } = require('../../dist/agent/config/load-config');

const REPO = path.resolve(__dirname, '../..');
const checkTables = (env = {}) => spawnSync(process.execPath, [path.join(REPO, 'scripts/settings-table.js'), '--check'], { encoding: 'utf8', env: { ...process.env, ...env } });

test("README's configuration tables are what the declarations make", () => {
  const result = checkTables();
  assert.is(result.status, 0, result.stderr);
});

test('the check fails on a README whose table differs from the declarations', () => {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-readme-')), 'README.md');
  fs.writeFileSync(copy, fs.readFileSync(path.join(REPO, 'README.md'), 'utf8').replace('| `OTEL_BSP_MAX_QUEUE_SIZE` | `2048` |', '| `OTEL_BSP_MAX_QUEUE_SIZE` | `4096` |'));
  const result = checkTables({ HOPTRACE_README: copy });
  assert.is(result.status, 1);
  assert.match(result.stderr, /not what agent\/config\/settings\.ts declares/);
});

const INVALID = { boolean: 'maybe', switch: 'maybe', integer: 'lots', duration: 'soon', number: 'half', oneOf: 'something-else' };

test('each typed setting is read under its declared name, against its declared type: an invalid value is refused naming the variable and the default', () => {
  const typed = Object.entries(SETTINGS).filter(([, setting]) => INVALID[setting.kind] !== undefined);
  assert.ok(typed.length >= 20, `${typed.length} typed settings`);
  for (const [key, setting] of typed) {
    for (const variable of setting.env) {
      const warnings = [];
      // OTEL_TRACES_SAMPLER_ARG is a ratio only for the ratio samplers; the Jaeger exporter's are read when it is chosen.
      const context = key === 'samplerRatio' ? { OTEL_TRACES_SAMPLER: 'traceidratio' } : key.startsWith('jaeger') ? { OTEL_TRACES_EXPORTER: 'jaeger' } : {};
      loadConfig({ ...context, [variable]: INVALID[setting.kind] }, {}, (message) => warnings.push(message));
      const shown = setting.fallback === Infinity ? 'no limit' : JSON.stringify(setting.fallback);
      assert.ok(
        warnings.some((warning) => warning.startsWith(`${variable}="${INVALID[setting.kind]}" is not valid`) && warning.endsWith(`using ${shown}`)),
        `${variable}: ${JSON.stringify(warnings)}`,
      );
    }
  }
});

test('every environment variable load-config.ts names is declared', () => {
  const declared = new Set(Object.values(SETTINGS).flatMap((setting) => setting.env));
  const source = fs.readFileSync(path.join(REPO, 'agent/config/load-config.ts'), 'utf8');
  const named = [...new Set(source.match(/'(?:OTEL|HOPTRACE|JAEGER|INTERCEPTORS)_[A-Z0-9_]+'/g).map((quoted) => quoted.slice(1, -1)))];
  const undeclared = named.filter((variable) => !declared.has(variable));
  assert.equal(undeclared, []);
});

test.run();
