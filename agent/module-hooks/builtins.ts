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
import { reportAgentError } from '../log';
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
