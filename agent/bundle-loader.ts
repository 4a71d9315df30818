/**
 * Loads the bundled agent (dist/hoptrace.js) with V8's code cache, made at build time.
 *
 * Compiling the agent is most of what hoptrace adds to an app's start-up. `npm run build` runs the
 * bundle once and saves V8's compiled code beside it (dist/hoptrace.cache); loading with it skips
 * the compile. The cache is only a shortcut: V8 rejects it when the Node version or V8 flags
 * differ, the build id below rejects it when it belongs to another build, and then the bundle is
 * compiled as usual. Nothing is ever written at run time.
 *
 * The module is registered in require's cache like any other, so `require('hoptrace')` from the
 * app gets this same instance, not a second agent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

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

function readCache(buildLine: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(CACHE_FILE);
  } catch {
    return undefined;
  }
  const header = Buffer.byteLength(buildLine);
  return cache.length > header && cache.toString('latin1', 0, header) === buildLine ? cache.subarray(header) : undefined;
}

/** How the last `loadAgent()` compiled: with the cache, with one V8 refused, or without one that fit. */
export let codeCache: 'used' | 'rejected' | 'none' | undefined;

/** The agent's exports, from the bundle, compiled with the code cache when it fits. */
export function loadAgent(): typeof import('./index') {
  const source = readFileSync(BUNDLE_FILE, 'utf8');
  const buildLine = BUILD_ID_LINE.exec(source)?.[0];
  const cachedData = buildLine ? readCache(buildLine) : undefined;
  const script = compile(source, cachedData);
  codeCache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  return run(script) as typeof import('./index');
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
  writeFileSync(CACHE_FILE, Buffer.concat([Buffer.from(buildLine, 'latin1'), data]));
  return data.length;
}
