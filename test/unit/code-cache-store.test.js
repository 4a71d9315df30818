'use strict';
// A saved code cache is read only from a file no one else could have put there: V8 runs what a
// cache holds when its length and version fit. Not a symbolic link, a regular file, owned by this
// user (or root), writable by no group or other.
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { codeCacheStore } = require('../../dist/agent/code-cache-store');

function freshStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-code-cache-test-'));
  const bundle = path.join(dir, 'hoptrace.js');
  fs.writeFileSync(bundle, '');
  const store = codeCacheStore(bundle, 'feedfacecafebeef');
  const folder = store.write(Buffer.from('compiled code'));
  assert.is(folder, path.join(dir, 'code-cache'), 'saved beside the bundle');
  const [file] = fs.readdirSync(folder);
  return { dir, store, file: path.join(folder, file) };
}

test('a cache this user saved is read back', () => {
  const { dir, store } = freshStore();
  assert.equal(store.read(), Buffer.from('compiled code'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a symbolic link in its place is not followed', () => {
  const { dir, store, file } = freshStore();
  const elsewhere = path.join(dir, 'planted');
  fs.writeFileSync(elsewhere, 'planted code', { mode: 0o600 });
  fs.rmSync(file);
  fs.symlinkSync(elsewhere, file);
  assert.is(store.read(), undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a file others may write, or not a regular file, is not read', () => {
  const { dir, store, file } = freshStore();
  fs.chmodSync(file, 0o666);
  assert.is(store.read(), undefined, 'writable by group and others');
  fs.chmodSync(file, 0o620);
  assert.is(store.read(), undefined, 'writable by group');
  fs.chmodSync(file, 0o600);
  assert.ok(store.read(), 'private again: read');
  fs.rmSync(file);
  fs.mkdirSync(file);
  assert.is(store.read(), undefined, 'a folder of that name');
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a file another user owns is not read (checked where this user may change owners)", () => {
  const { dir, store, file } = freshStore();
  try {
    fs.chownSync(file, 4242, 4242);
  } catch {
    // Not allowed to give files away (not root): the rule is then shown by the cases above only.
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  assert.is(store.read(), undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

// A recursive mkdir spun forever under /proc: the app never exited (found timing start-up).
test('no folder that takes a cache (the package folder taken, TMPDIR on /proc): nothing saved, at once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-code-cache-test-'));
  const bundle = path.join(dir, 'hoptrace.js');
  fs.writeFileSync(bundle, '');
  fs.writeFileSync(path.join(dir, 'code-cache'), 'a file where the folder would go');
  const before = process.env.TMPDIR;
  process.env.TMPDIR = '/proc';
  try {
    const store = codeCacheStore(bundle, 'feedfacecafebeef');
    assert.is(store.write(Buffer.from('x')), undefined);
    assert.is(store.read(), undefined);
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
