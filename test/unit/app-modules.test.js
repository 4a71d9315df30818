'use strict';
// One rule for modules a setting names (HOPTRACE_TRACER_PROVIDER, HOPTRACE_OTEL_INSTRUMENTATIONS):
// a path from the working directory, a package name from the app's entry folder (or the working
// directory when there is no entry file).
const { test } = require('uvu');
const assert = require('uvu/assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { requireAppModule } = require('../../dist/agent/app-modules');

function tree() {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hoptrace-app-modules-')));
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('app/app.js', '');
  write('app/x.js', "module.exports = 'x beside the app';");
  write('app/node_modules/pkg/index.js', "module.exports = 'pkg of the app';");
  write('cwd/x.js', "module.exports = 'x in the working directory';");
  write('cwd/node_modules/pkg/index.js', "module.exports = 'pkg of the working directory';");
  return root;
}

test('a path from the working directory, a package from the app, whatever the setting', () => {
  const root = tree();
  const before = process.cwd();
  process.chdir(path.join(root, 'cwd'));
  try {
    const entry = path.join(root, 'app', 'app.js');
    assert.is(requireAppModule('./x.js', entry), 'x in the working directory');
    assert.is(requireAppModule('./x', entry), 'x in the working directory', 'extensions as require() adds them');
    assert.is(requireAppModule(path.join(root, 'app', 'x.js'), entry), 'x beside the app');
    assert.is(requireAppModule('pkg', entry), 'pkg of the app');
    assert.is(requireAppModule('pkg', undefined), 'pkg of the working directory', 'no entry file (node -e, stdin)');
    assert.throws(() => requireAppModule('./missing', entry), /Cannot find module/);
  } finally {
    process.chdir(before);
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
