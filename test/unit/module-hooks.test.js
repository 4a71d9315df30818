'use strict';
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { packageOf, packageOfPath } = require('../../dist/agent/module-hooks');
const { runsAsEsModules } = require('../../dist/agent/module-hooks/app-format');
const { isPackageEntry, packageRootOf, packageVersion } = require('../../dist/agent/module-hooks/package-entry');
const { ModulePatcher } = require('../../dist/agent/module-hooks/patcher');

test('the package a require() id names', () => {
  assert.is(packageOf('express'), 'express');
  assert.is(packageOf('express/lib/router/index.js'), 'express');
  assert.is(packageOf('node:http'), 'http');
  assert.is(packageOf('http'), 'http');
  assert.is(packageOf('@opentelemetry/api'), '@opentelemetry/api');
  assert.is(packageOf('@opentelemetry/api/build/src'), '@opentelemetry/api');
  assert.is(packageOf('./lib/express'), '.');
  assert.is(packageOf('/abs/node_modules/kafkajs'), '');
});

test('the package an absolute path lies in: how an import of a CommonJS package arrives', () => {
  assert.is(packageOfPath('/app/node_modules/kafkajs/index.js'), 'kafkajs');
  assert.is(packageOfPath('/app/node_modules/express/node_modules/router/index.js'), 'router');
  assert.is(packageOfPath('/app/node_modules/@confluentinc/kafka-javascript/lib/index.js'), '@confluentinc/kafka-javascript');
  assert.is(packageOfPath('/app/node_modules/@scope'), undefined);
  assert.is(packageOfPath('/app/node_modules/kafkajs'), undefined);
  assert.is(packageOfPath('/app/src/express/index.js'), undefined);
});

const made = [];
test.after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A throwaway app folder: { 'package.json': {...}, 'node_modules/x/index.js': '...' }, removed after the tests. */
function tree(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-hooks-'));
  made.push(root);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

test('ES module apps: by --import, by .mjs, by the nearest package.json type', () => {
  const root = tree({
    'esm/package.json': { type: 'module' },
    'esm/app.js': '',
    'esm/sub/app.js': '',
    'cjs/package.json': { name: 'x' },
    'cjs/app.js': '',
  });
  const at = (entry, importedAgent = false) => runsAsEsModules({ entry, cwd: root, importedAgent });
  assert.is(at('esm/app.js'), true);
  assert.is(at('esm/sub/app.js'), true, 'the nearest package.json is above');
  assert.is(at('esm/app.cjs'), false, '.cjs is CommonJS whatever the type');
  assert.is(at('cjs/app.js'), false);
  assert.is(at('cjs/app.mjs'), true);
  assert.is(at(undefined), false, 'node -e');
  assert.is(at('cjs/app.js', true), true, 'loaded with --import');
});

test("a package's root, version and entry (what an import of it loads)", () => {
  const root = tree({
    'node_modules/lib/package.json': { name: 'lib', version: '2.2.4', main: 'src/main.js' },
    'node_modules/lib/src/main.js': '',
    'node_modules/lib/src/inner.js': '',
    'node_modules/dual/package.json': { name: 'dual', version: '1.0.0', exports: { import: './esm/wrapper.mjs', require: './cjs/index.js' } },
    'node_modules/dual/cjs/index.js': '',
  });
  const lib = path.join(root, 'node_modules/lib');
  assert.is(packageRootOf(path.join(lib, 'src/inner.js'), 'lib'), lib);
  assert.is(packageRootOf(path.join(lib, 'src/inner.js'), 'other'), undefined);
  assert.is(packageVersion(lib), '2.2.4');
  assert.is(isPackageEntry(path.join(lib, 'src/main.js'), 'lib', lib), true);
  assert.is(isPackageEntry(path.join(lib, 'src/inner.js'), 'lib', lib), false);
  const dual = path.join(root, 'node_modules/dual');
  assert.is(isPackageEntry(path.join(dual, 'cjs/index.js'), 'dual', dual), true, "the require condition's file");
});

function capturingStderr(run) {
  const write = process.stderr.write;
  let text = '';
  process.stderr.write = (chunk) => ((text += chunk), true);
  try {
    run();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

test('each module is patched once, only at its entry and in a supported version; the rest is said once', () => {
  const root = tree({
    'node_modules/good/package.json': { name: 'good', version: '2.1.0' },
    'node_modules/good/index.js': '',
    'node_modules/good/inner.js': '',
    'node_modules/old/package.json': { name: 'old', version: '1.16.0' },
    'node_modules/old/index.js': '',
  });
  const patched = [];
  const definition = (name) => ({ name, versions: ['>=2.0.0 <3'], lostWhenUntraced: `${name} spans`, patch: (exports, version) => patched.push([name, exports.id, version]) });
  const patcher = new ModulePatcher(new Map([['good', [definition('good')]], ['old', [definition('old')]], ['http', [definition('http')]]]));
  const at = (file) => path.join(root, 'node_modules', file);
  const good = { id: 'good' };
  const stderr = capturingStderr(() => {
    patcher.packageFileLoaded('good', good, at('good/index.js'), false);
    patcher.packageFileLoaded('good', good, at('good/index.js'), true);
    patcher.packageFileLoaded('good', { id: 'inner' }, at('good/inner.js'), false);
    patcher.packageFileLoaded('old', { id: 'old' }, at('old/index.js'), false);
    patcher.packageFileLoaded('old', { id: 'old-again' }, at('old/index.js'), false);
    patcher.builtinLoaded('http', { id: 'http' });
  });
  assert.equal(patched, [['good', 'good', '2.1.0'], ['http', 'http', undefined]]);
  assert.is(stderr, 'hoptrace: warn: old@1.16.0 is not traced: hoptrace supports old >=2.0.0 <3; old spans are missing\n');
  assert.ok(patcher.hasSeen(good));
});

test('a sealed ES module namespace is not patched, and said', async () => {
  const root = tree({ 'node_modules/sealed/package.json': { name: 'sealed', version: '2.0.0', type: 'module' }, 'node_modules/sealed/index.js': 'export const x = 1;' });
  const namespace = await import(path.join(root, 'node_modules/sealed/index.js'));
  let called = false;
  const patcher = new ModulePatcher(new Map([['sealed', [{ name: 'sealed', versions: ['*'], lostWhenUntraced: 'sealed spans', patch: () => (called = true) }]]]));
  const stderr = capturingStderr(() => patcher.packageFileLoaded('sealed', namespace, path.join(root, 'node_modules/sealed/index.js'), true));
  assert.is(called, false);
  assert.match(stderr, /sealed@2\.0\.0 is not traced: it was loaded as an ES module, whose exports hoptrace cannot patch; sealed spans are missing/);
});

test.run();
