'use strict';
// Bundles the agent into one file, dist/hoptrace.js, which is what `register.js` loads (with a V8
// code cache made where it runs: agent/bundle-loader.ts).
//
// Why: start-up time is module loading. Loaded from dist/agent/ and node_modules, the agent
// resolves, reads and compiles ~150 files before an app's first line runs; bundled from the
// packages' ES module builds (so unused exports are dropped) it is one file, and with the code
// cache it is hardly compiled at all. Code only some users need stays outside and is required
// when used: jaeger-client (OTEL_TRACES_EXPORTER=jaeger) and the OpenTelemetry transformer
// (OTLP/JSON).
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const LOADED_WHEN_USED = ['jaeger-client', 'jaeger-client/*', '@opentelemetry/otlp-transformer', 'kafkajs'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  external: LOADED_WHEN_USED,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'linked',
};

const BUILD_ID_PLACEHOLDER = '0'.repeat(16);

/**
 * The build id is the bundle's own hash (SHA-256 of the text with the placeholder, first 16 hex
 * digits): a code cache names the code it was made from, and the same sources build the same id.
 */
function stampBuildId(bundle) {
  const text = latin1Only(fs.readFileSync(bundle, 'utf8'));
  const placeholder = `/* hoptrace build ${BUILD_ID_PLACEHOLDER} */`;
  if (!text.startsWith(placeholder)) throw new Error(`${bundle} does not start with its build id placeholder`);
  const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
  fs.writeFileSync(bundle, `/* hoptrace build ${id} */${text.slice(placeholder.length)}`);
}

/**
 * The bundle's text in Latin-1 only. V8 keeps a script's source for as long as its functions may
 * be compiled, and one character above U+00FF makes it keep the whole text at two bytes a
 * character: six (an ellipsis and arrows in comments esbuild carries over; it escapes them in
 * strings) cost every traced process ~0.5 MB of heap. Outside comments, esbuild writes none; one
 * found there fails the build rather than being changed.
 */
function latin1Only(text) {
  const ascii = { '\u2026': '...', '\u2192': '->', '\u2190': '<-', '\u2014': '-', '\u2013': '-', '\u00a0': ' ' };
  return text
    .split('\n')
    .map((line, index) => {
      if (!/[^\u0000-\u00ff]/.test(line)) return line;
      const comment = line.search(/\/\/|\/\*|^\s*\*/);
      const wide = line.search(/[^\u0000-\u00ff]/);
      if (comment < 0 || wide < comment) throw new Error(`dist/hoptrace.js:${index + 1}: a character above U+00FF outside a comment: ${line.trim().slice(0, 120)}`);
      // Replaced within the comment only, which ends its line here: the code before it keeps its columns.
      return line.slice(0, comment) + line.slice(comment).replace(/[^\u0000-\u00ff]/g, (c) => ascii[c] ?? '?');
    })
    .join('\n');
}

async function main() {
  await Promise.all([
    esbuild.build({
      ...common,
      // From the TypeScript sources, so that imports link directly instead of through CommonJS
      // interop getters (one extra call per access of an imported name, on every span).
      entryPoints: [path.join(ROOT, 'agent/index.ts')],
      outfile: path.join(ROOT, 'dist/hoptrace.js'),
      // Ties the code cache to this very build (see agent/bundle-loader.ts): a placeholder here,
      // replaced below by a hash of the bundle itself (same length, so the source map holds).
      banner: { js: `/* hoptrace build ${BUILD_ID_PLACEHOLDER} */` },
    }),
    // What register.js loads first: the loader and the code cache store in one file (agent/bundle-loader.ts).
    esbuild.build({
      ...common,
      entryPoints: [path.join(ROOT, 'agent/bundle-loader.ts')],
      outfile: path.join(ROOT, 'dist/loader.js'),
      define: { HOPTRACE_LOADER_BUNDLED: 'true' },
      sourcemap: false,
    }),
    // Run as its own process by the synchronous exporter at exit; it must sit beside the bundle.
    esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'dist/agent/exporters/post-sync.js')], outfile: path.join(ROOT, 'dist/post-sync.js') }),
  ]);
  stampBuildId(path.join(ROOT, 'dist/hoptrace.js'));
}

main().catch((error) => {
  process.stderr.write(`bundle failed: ${error.message}\n`);
  process.exit(1);
});
