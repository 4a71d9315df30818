/**
 * Loads the bundled agent (dist/hoptrace.js) with V8's code cache, made at build time.
 *
 * Compiling the agent is most of what hoptrace adds to an app's start-up. `npm run build` runs the
 * bundle once and saves V8's compiled code beside it (dist/hoptrace.cache); loading with it skips
 * the compile. The cache is only a shortcut: V8 rejects it when the Node version or V8 flags
 * differ, the build id below rejects it when it belongs to another build, and then the bundle is
 * compiled as usual. On a Node version other than the builder's, or in a folder other than the
 * build's (any install from a tarball), a cache of its own is made once, after start-up, and used
 * by later starts (code-cache-store.ts).
 *
 * The module is registered in require's cache like any other, so `require('hoptrace')` from the
 * app gets this same instance, not a second agent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { onceAfterStart } from './after-start';
import { codeCacheStore } from './code-cache-store';

export const BUNDLE_FILE = join(__dirname, '..', 'hoptrace.js');
export const CACHE_FILE = join(__dirname, '..', 'hoptrace.cache');

// The bundle's first line names its build; the cache file starts with the same line.
const BUILD_ID_LINE = /^\/\* hoptrace build [0-9a-f]+ \*\/\n/;

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
 * The build's cache, when it was made by this very Node version for the bundle at this very path
 * (its header: the build line, then the builder's `process.version` and the bundle's path). V8
 * refuses a cache from another Node version only after paying for a compile; and a cache made for
 * another path is accepted, but its functions keep the builder's file name in every stack trace.
 * So a package installed from a tarball makes a local cache at its first start (below).
 */
function readBuildCache(buildLine: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(CACHE_FILE);
  } catch {
    return undefined;
  }
  const header = cacheHeader(buildLine);
  return cache.length > header.length && cache.toString('latin1', 0, header.length) === header ? cache.subarray(header.length) : undefined;
}

function cacheHeader(buildLine: string): string {
  return `${buildLine}${process.version} ${BUNDLE_FILE}\n`;
}

/**
 * How the last `loadAgent()` compiled: with the build's cache, with one made here for this Node
 * version ('local'), with a cache V8 refused, or with none that fit.
 */
export let codeCache: 'used' | 'local' | 'rejected' | 'none' | undefined;

// A local cache is made this long after start-up (or when the event loop empties, if sooner), so
// that it holds the code compiled while the app loaded its modules too, and costs start-up nothing.
const LOCAL_CACHE_DELAY_MS = 1000;

/** The agent's exports, from the bundle, compiled with the code cache when it fits. */
export function loadAgent(): typeof import('./index') {
  const source = readFileSync(BUNDLE_FILE, 'utf8');
  const buildLine = BUILD_ID_LINE.exec(source)?.[0];
  const buildCache = buildLine ? readBuildCache(buildLine) : undefined;
  if (buildCache !== undefined) {
    const script = compile(source, buildCache);
    codeCache = script.cachedDataRejected ? 'rejected' : 'used';
    if (codeCache === 'used') return run(script) as typeof import('./index');
  } else {
    codeCache = 'none';
  }
  if (!buildLine) return run(compile(source, undefined)) as typeof import('./index');
  // Built by another Node version or elsewhere (or its cache refused): a cache made here, if there is one.
  const store = codeCacheStore(BUNDLE_FILE, /build ([0-9a-f]+)/.exec(buildLine)![1]);
  const localCache = store.read();
  const script = compile(source, localCache);
  if (localCache !== undefined && !script.cachedDataRejected) {
    codeCache = 'local';
  } else {
    if (localCache !== undefined) codeCache = 'rejected';
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

/**
 * Build step: runs the bundle's start-up path in this process (meant to be a throwaway one, with
 * exporting off) and saves the code V8 compiled for it.
 */
export function writeCodeCache(): number {
  const source = readFileSync(BUNDLE_FILE, 'utf8');
  const buildLine = BUILD_ID_LINE.exec(source)?.[0];
  if (!buildLine) throw new Error(`${BUNDLE_FILE} has no build id line`);
  const script = compile(source, undefined);
  (run(script) as typeof import('./index')).start();
  const data = script.createCachedData();
  writeFileSync(CACHE_FILE, Buffer.concat([Buffer.from(cacheHeader(buildLine), 'latin1'), data]));
  return data.length;
}
