/**
 * Built-in modules reached without `require`: an ES module's `import http from 'node:http'` never
 * passes `Module._load`, nor does `process.getBuiltinModule('node:http')`.
 *
 * `process.getBuiltinModule` is wrapped: the module is patched as it is handed out. For ES module
 * apps the watched built-ins are patched as Node loads them, through module.registerHooks where
 * Node has it, and their ES module facades synced (see ModulePatcher.builtinLoaded). On Node 20 they
 * are loaded and patched when hoptrace starts instead, before the app's first line runs: that costs
 * their load time (http ~5 ms, https ~5–15 ms), which an HTTP service pays anyway. CommonJS apps
 * load them lazily, through `require`.
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';
import Module = require('node:module');
import { onceAfterStart } from '../after-start';
import { log, reportAgentError } from '../log';
import { packageOf } from './package-names';
import type { ModulePatcher } from './patcher';

type GetBuiltinModule = (this: unknown, id: string) => unknown;

export function hookGetBuiltinModule(patcher: ModulePatcher): void {
  const holder = process as unknown as { getBuiltinModule?: GetBuiltinModule };
  const original = holder.getBuiltinModule;
  if (typeof original !== 'function') return;
  holder.getBuiltinModule = function getBuiltinModule(this: unknown, id: string) {
    // eslint-disable-next-line prefer-rest-params
    const exports = original.apply(this, arguments as unknown as [string]);
    if (exports !== undefined && typeof id === 'string') {
      try {
        const name = packageOf(id);
        if (patcher.watches(name) && Module.isBuiltin(id)) patcher.builtinLoaded(name, exports);
      } catch (error) {
        reportAgentError(`process.getBuiltinModule(${id})`, error);
      }
    }
    return exports;
  };
}

// How long after start the start-up-only work below waits: built-ins loaded behind hoptrace's back
// are looked for then (and when the event loop first empties), and the ES module hook comes off.
const LATE_CHECK_MS = 1000;

interface LoadHooks {
  deregister?(): void;
}
type LoadResult = { format?: string };
type RegisterHooks = (hooks: { load(url: string, context: unknown, nextLoad: (url: string, context: unknown) => LoadResult): LoadResult }) => LoadHooks;

/**
 * ES module apps: each watched built-in is patched as it is first loaded, before the module that
 * imports it runs, where Node lets hoptrace see that (module.registerHooks: Node 22.15+, 23.5+).
 * The hook sees every module load, so it lives through start-up only: once every watched built-in
 * is patched, or a second after start, when those still waiting are loaded and patched (off the
 * start-up path; a process that ends sooner never loads them). Elsewhere (Node 20) they are all
 * loaded and patched now, which costs their load time even to an app that never uses them.
 */
export function patchBuiltinsOfEsModuleApp(patcher: ModulePatcher, names: Iterable<string>): void {
  const builtins = [...names].filter((name) => Module.isBuiltin(name));
  const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks !== 'function') {
    patchWatchedBuiltinsNow(patcher, builtins);
    return;
  }
  // Loaded already (by Node itself or by a module preloaded before hoptrace): patched now.
  patchWatchedBuiltinsNow(patcher, builtins.filter(loadedByNode));
  const waiting = new Set(builtins.filter((name) => !patcher.hasSeenBuiltin(name)));
  if (waiting.size === 0) return;
  let patching = false;
  let hooks: LoadHooks | undefined;
  try {
    hooks = registerHooks({
      load(url, context, nextLoad) {
        const result = nextLoad(url, context);
        // Our own require() below passes here again: `patching` keeps that from recursing.
        if (patching || !url.startsWith('node:')) return result;
        const name = url.slice(5);
        if (!waiting.has(name)) return result;
        patching = true;
        try {
          waiting.delete(name);
          // Through the CommonJS module hook, which patches it and syncs its ES module facade,
          // before Node builds the facade the importing module will read.
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          patcher.builtinLoaded(name, require(url));
          if (waiting.size === 0) hooks?.deregister?.();
        } catch (error) {
          reportAgentError(`patching ${name}`, error);
        } finally {
          patching = false;
        }
        return result;
      },
    });
  } catch (error) {
    reportAgentError('registering the built-in module hook', error);
    patchWatchedBuiltinsNow(patcher, waiting);
    return;
  }
  const timer = setTimeout(() => {
    hooks?.deregister?.();
    patchWatchedBuiltinsNow(patcher, waiting);
    waiting.clear();
  }, LATE_CHECK_MS);
  timer.unref();
}

function patchWatchedBuiltinsNow(patcher: ModulePatcher, names: Iterable<string>): void {
  for (const name of names) {
    if (!Module.isBuiltin(name)) continue;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      patcher.builtinLoaded(name, require(`node:${name}`));
    } catch (error) {
      reportAgentError(`loading ${name}`, error);
    }
  }
}


/**
 * A CommonJS app can still reach a built-in only through an ES module it imports (a `.cjs` entry
 * that import()s a module with `import { request } from 'node:http'`): no require() shows it.
 * Shortly after start, a watched built-in that Node has loaded and hoptrace has not patched is
 * patched then — named imports are live bindings, so later calls are traced — and said once: what
 * ran before was not. Said only for a built-in loaded after hoptrace started: one loaded before (by
 * hoptrace's own exporter, for one: the OTLP exporter uses node:http) may not be the app's at all.
 */
export function patchLateBuiltins(patcher: ModulePatcher, names: Iterable<string>, startedAt: number): void {
  const builtins = [...names].filter((name) => Module.isBuiltin(name));
  if (builtins.length === 0) return;
  const loadedAlready = new Set(builtins.filter(loadedByNode));
  const fetchSeen = watchFetchRequests();
  onceAfterStart(() => {
    const fetched = fetchSeen.stop();
    for (const name of builtins) {
      try {
        if (patcher.hasSeenBuiltin(name) || !loadedByNode(name)) continue;
        // Through the module hook, which patches it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        patcher.builtinLoaded(name, require(`node:${name}`));
        if (loadedAlready.has(name)) {
          log.debug(`patched node:${name} ${Date.now() - startedAt} ms after start: loaded before hoptrace started, not required since`);
          continue;
        }
        if (name === 'http' && fetched) {
          log.debug(`patched node:${name} ${Date.now() - startedAt} ms after start: loaded by Node's fetch, not required since`);
          continue;
        }
        log.warn(
          `node:${name} was loaded without require() (by an ES module's import), so hoptrace traced it only from ` +
            `${Date.now() - startedAt} ms after start; start the app with \`node --import hoptrace/register\` to trace it from the first call`,
        );
      } catch (error) {
        reportAgentError(`patching ${name}`, error);
      }
    }
  }, LATE_CHECK_MS);
}

/**
 * Node's own fetch (undici, inside Node) loads node:http for itself, the way an ES module's import
 * would: no require() shows it. Its requests are traced through undici's diagnostics channel, not
 * through node:http, so an app that calls fetch in its first second has nothing untraced to be told
 * about. Whether it did is seen on that channel (undici itself is no sign: Node 22 and later load it
 * with node:http). An app that both fetches and imports node:http from an ES module in that second
 * is not told either: the two leave the same mark.
 */
function watchFetchRequests(): { stop(): boolean } {
  let seen = false;
  const onRequest = () => {
    seen = true;
  };
  try {
    diagnosticsChannel.subscribe('undici:request:create', onRequest);
  } catch {
    return { stop: () => false };
  }
  return {
    stop() {
      diagnosticsChannel.unsubscribe('undici:request:create', onRequest);
      return seen;
    },
  };
}

function loadedByNode(name: string): boolean {
  const list = (process as unknown as { moduleLoadList?: readonly string[] }).moduleLoadList;
  return Array.isArray(list) && list.includes(`NativeModule ${name}`);
}
