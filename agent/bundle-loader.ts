/**
 * Loads the bundled agent (dist/hoptrace.js) with a V8 code cache made where it runs.
 *
 * Compiling the agent is most of what hoptrace adds to an app's start-up: measured in a clean
 * environment, pinned, 21 interleaved runs of `node -r register.js -e 0`, a start with a cache
 * takes 54 ms (Node 20) / 57 ms (Node 24) against 80 / 84 ms without one. So the first start saves
 * the code V8 compiled (code-cache-store.ts says where) and later starts load it. The cache is
 * only a shortcut: V8 rejects it when the Node version or V8 flags differ, the build id (the
 * bundle's hash, its first line) keeps another build's cache from being read, and then the bundle
 * is compiled as usual.
 *
 * No cache is made at build time or shipped: one made by the builder fits only the builder's Node
 * version and folder (elsewhere V8 takes it, but every stack frame then names the builder's
 * path), so an installed package never used it, and a cache made after the first start is as
 * fast as the builder's was where that one fitted (49 ms both, Node 20, 21 interleaved runs).
 *
 * The module is registered in require's cache like any other, so `require('hoptrace')` from the
 * app gets this same instance, not a second agent.
 */
import { readFileSync } from 'node:fs';
import Module = require('node:module');
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { onceAfterStart } from './after-start';
import { codeCacheStore } from './code-cache-store';

// register.js loads this module bundled with what it imports into one file beside the agent's
// bundle (dist/loader.js: one file to resolve and compile instead of three, ~0.5 ms of each start);
// compiled alone it sits in dist/agent/. scripts/bundle.js defines the marker.
declare const HOPTRACE_LOADER_BUNDLED: boolean | undefined;
export const BUNDLE_FILE = join(__dirname, typeof HOPTRACE_LOADER_BUNDLED === 'undefined' ? '..' : '.', 'hoptrace.js');

// The bundle's first line names its build (scripts/bundle.js); a cache is saved under that name.
const BUILD_ID_LINE = /^\/\* hoptrace build ([0-9a-f]+) \*\/\n/;

interface ModuleInternals {
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
}
interface ModuleStatics {
  _cache: Record<string, ModuleInternals>;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
}

function compile(source: string, cachedData: Buffer | undefined): Script {
  return new Script((Module as unknown as ModuleStatics).wrap(source), { filename: BUNDLE_FILE, cachedData });
}

function run(script: Script): unknown {
  const statics = Module as unknown as ModuleStatics;
  const existing = statics._cache[BUNDLE_FILE];
  if (existing) return existing.exports;
  const mod = new Module(BUNDLE_FILE, module) as unknown as ModuleInternals;
  mod.filename = BUNDLE_FILE;
  mod.paths = statics._nodeModulePaths(dirname(BUNDLE_FILE));
  statics._cache[BUNDLE_FILE] = mod;
  try {
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(mod.exports, mod.exports, Module.createRequire(BUNDLE_FILE), mod, BUNDLE_FILE, dirname(BUNDLE_FILE));
  } catch (error) {
    delete statics._cache[BUNDLE_FILE];
    throw error;
  }
  mod.loaded = true;
  return mod.exports;
}

/**
 * How the last `loadAgent()` compiled: with the cache made here by an earlier start ('local'), with
 * a cache V8 refused, or with none.
 */
export let codeCache: 'local' | 'rejected' | 'none' | undefined;

// A local cache is made this long after start-up (or when the event loop empties, if sooner), so
// that it holds the code compiled while the app loaded its modules too, and costs start-up nothing.
const LOCAL_CACHE_DELAY_MS = 1000;

/** The agent's exports, from the bundle, compiled with the code cache when it fits. */
export function loadAgent(): typeof import('./index') {
  const source = readFileSync(BUNDLE_FILE, 'utf8');
  const buildId = BUILD_ID_LINE.exec(source)?.[1];
  if (buildId === undefined) {
    codeCache = 'none';
    return run(compile(source, undefined)) as typeof import('./index');
  }
  const store = codeCacheStore(BUNDLE_FILE, buildId);
  const localCache = store.read();
  const script = compile(source, localCache);
  if (localCache !== undefined && !script.cachedDataRejected) {
    codeCache = 'local';
  } else {
    codeCache = localCache === undefined ? 'none' : 'rejected';
    saveLocalCacheLater(script, store);
  }
  return run(script) as typeof import('./index');
}

function saveLocalCacheLater(script: Script, store: ReturnType<typeof codeCacheStore>): void {
  onceAfterStart(() => {
    try {
      store.write(script.createCachedData());
    } catch {
      // No cache this time; the next start tries again.
    }
  }, LOCAL_CACHE_DELAY_MS);
}
