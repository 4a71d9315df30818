/**
 * Built-in modules reached without `require`: an ES module's `import http from 'node:http'` never
 * passes `Module._load`, nor does `process.getBuiltinModule('node:http')`.
 *
 * `process.getBuiltinModule` is wrapped: the module is patched as it is handed out. For ES module
 * apps the watched built-ins are loaded and patched when hoptrace starts, before the app's first
 * line runs, and their ES module facades synced (see ModulePatcher.builtinLoaded). That costs the
 * built-ins' load time (http ~5 ms, https ~5–15 ms, measured on Node 20–26), which an HTTP service
 * pays anyway; CommonJS apps keep loading them lazily, through `require`.
 */
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

export function patchWatchedBuiltinsNow(patcher: ModulePatcher, names: Iterable<string>): void {
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

// When built-ins loaded behind hoptrace's back are looked for: after start-up, and when the
// event loop first empties (a short-lived process).
const LATE_CHECK_MS = 1000;

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
  onceAfterStart(() => {
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

function loadedByNode(name: string): boolean {
  const list = (process as unknown as { moduleLoadList?: readonly string[] }).moduleLoadList;
  return Array.isArray(list) && list.includes(`NativeModule ${name}`);
}
