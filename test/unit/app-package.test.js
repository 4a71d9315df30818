'use strict';
// The app's package.json supplies the default service name and version: the nearest one above the
// main script (or the working directory), never one inside node_modules.
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { findAppPackage } = require('../../dist/agent/config/app-package');

function tree(files) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-app-package-')));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), typeof text === 'string' ? text : JSON.stringify(text));
  }
  return root;
}

test('the nearest package.json above the main script, its name and version', () => {
  const root = tree({ 'package.json': { name: 'outer', version: '9.9.9' }, 'app/package.json': { name: 'orders', version: '1.2.3' }, 'app/src/deep/main.js': '' });
  assert.equal(findAppPackage('app/src/deep/main.js', root), { name: 'orders', version: '1.2.3' });
  assert.equal(findAppPackage(path.join(root, 'app/src/deep/main.js'), '/'), { name: 'orders', version: '1.2.3' }, 'an absolute main script ignores cwd');
  assert.equal(findAppPackage(undefined, path.join(root, 'app', 'src')), { name: 'orders', version: '1.2.3' }, 'no script: from the working directory');
  assert.equal(findAppPackage('main.js', root), { name: 'outer', version: '9.9.9' }, 'a main script beside the package.json');
  fs.rmSync(root, { recursive: true, force: true });
});

test('package.json files inside node_modules are passed over: a tool run from there names the app around it', () => {
  const root = tree({ 'package.json': { name: 'the-app', version: '2.0.0' }, 'node_modules/tool/package.json': { name: 'tool', version: '0.0.1' }, 'node_modules/tool/bin/run.js': '' });
  assert.equal(findAppPackage('node_modules/tool/bin/run.js', root), { name: 'the-app', version: '2.0.0' });
  fs.rmSync(root, { recursive: true, force: true });
});

test('fields that are not non-empty strings are left out; an unparsable file gives nothing and stops the search', () => {
  const root = tree({ 'package.json': { name: 'outer', version: '1.0.0' }, 'a/package.json': { name: '', version: 3 }, 'a/x.js': '', 'b/package.json': '{ not json', 'b/x.js': '', 'c/package.json': { version: '0.1.0' }, 'c/x.js': '' });
  assert.equal(findAppPackage('a/x.js', root), { name: undefined, version: undefined });
  assert.equal(findAppPackage('b/x.js', root), {});
  assert.equal(findAppPackage('c/x.js', root), { name: undefined, version: '0.1.0' });
  fs.rmSync(root, { recursive: true, force: true });
});

test('at most 32 folders up: a package.json further away is not taken', () => {
  const deep = Array.from({ length: 40 }, (_, i) => `d${i}`).join('/');
  const upTo = (n) => deep.split('/').slice(0, n + 1).join('/');
  // From d39, the 32 folders looked at are d39 … d8.
  const root = tree({ 'package.json': { name: 'far', version: '1.0.0' }, [`${deep}/main.js`]: '', [`${upTo(7)}/package.json`]: { name: 'd7' } });
  assert.equal(findAppPackage(`${deep}/main.js`, root), {}, 'd7 is the 33rd folder up');
  fs.writeFileSync(path.join(root, upTo(8), 'package.json'), JSON.stringify({ name: 'd8' }));
  assert.equal(findAppPackage(`${deep}/main.js`, root), { name: 'd8', version: undefined }, 'd8 is the 32nd');
  fs.rmSync(root, { recursive: true, force: true });
});

test.run();
