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

test('a setting a service-map entry shares is read by the same declaration: the environment and the file refuse and accept the same values', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-settings-'));
  const shared = Object.values(SETTINGS).filter((setting) => setting.fileKey && ['integer', 'duration', 'number'].includes(setting.kind));
  assert.ok(shared.length >= 6, shared.map((setting) => setting.fileKey).join(', '));
  for (const setting of shared) {
    const [section, key] = setting.fileKey.split('.');
    const base = setting.kind === 'number' ? { name: 'traceidratio' } : section === 'exporter' ? { type: setting.env[0].includes('JAEGER') ? 'jaeger' : 'otlp' } : {};
    const context = setting.kind === 'number' ? { OTEL_TRACES_SAMPLER: 'traceidratio' } : setting.env[0].includes('JAEGER') ? { OTEL_TRACES_EXPORTER: 'jaeger' } : {};
    const below = setting.min - 1;
    const inFile = (value) => {
      const file = path.join(dir, `${setting.fileKey}-${value}.json`);
      fs.writeFileSync(file, JSON.stringify({ services: [{ name: 's', [section]: { ...base, [key]: value } }] }));
      const warnings = [];
      loadConfig({ ...context, HOPTRACE_CONFIG_FILE: file }, {}, (message) => warnings.push(message));
      return warnings.filter((warning) => warning.includes(`services[0].${setting.fileKey}`));
    };
    const inEnv = (value) => {
      const warnings = [];
      loadConfig({ ...context, [setting.env[0]]: String(value) }, {}, (message) => warnings.push(message));
      return warnings.filter((warning) => warning.startsWith(`${setting.env[0]}=`));
    };
    assert.is(inFile(below).length, 1, `${setting.fileKey} ${below} refused in the file`);
    assert.is(inEnv(below).length, 1, `${setting.env[0]} ${below} refused in the environment`);
    assert.equal(inFile(setting.min), [], `${setting.fileKey} ${setting.min} accepted in the file`);
    assert.equal(inEnv(setting.min), [], `${setting.env[0]} ${setting.min} accepted in the environment`);
    if (setting.kind !== 'number') {
      assert.is(inFile(setting.min + 0.5).length, 1, `${setting.fileKey}: a fraction refused in the file`);
      assert.is(inEnv(setting.min + 0.5).length, 1, `${setting.env[0]}: a fraction refused in the environment`);
    }
  }
});

test.run();
