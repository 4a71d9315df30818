/**
 * The one place modules are intercepted: `Module._load`, which every `require()` goes through and
 * where an ES module's `import` of a CommonJS package arrives (as the absolute path of the
 * package's entry file, never through `require`). Measured on Node 20, 22, 24 and 26 alike.
 *
 * Every module the app loads passes here, so the test for "not watched" is string work only:
 * relative requests (most of them, inside packages) that do not go through a node_modules folder,
 * and unwatched names, return at once, with the exports Node gave. A package required by its path
 * (`require('/app/node_modules/kafkajs')`, `require('./node_modules/kafkajs')`) is the same package
 * as `require('kafkajs')`, and is traced the same.
 *
 * A loader hook (`module.registerHooks`) was measured as the alternative: it doubled the cost of
 * every cached `require()` (kafkajs requires modules on every request it sends), for every module,
 * watched or not.
 */
import Module = require('node:module');
import { isAbsolute, sep } from 'node:path';
import { reportAgentError } from '../log';
import { packageOf, packageOfPath } from './package-names';
import type { ModulePatcher } from './patcher';

type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
interface ModuleStatics {
  _load: Load;
  _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
}

export function hookModuleLoad(patcher: ModulePatcher): void {
  const statics = Module as unknown as ModuleStatics;
  const load = statics._load;
  statics._load = function _load(this: unknown, request: string, parent: unknown, isMain: boolean) {
    // eslint-disable-next-line prefer-rest-params
    const exports = load.apply(this, arguments as unknown as Parameters<Load>);
    if (typeof request === 'string' && (request.charCodeAt(0) !== 46 /* . */ || request.includes('node_modules'))) {
      try {
        loaded(patcher, statics, request, parent, isMain, exports);
      } catch (error) {
        reportAgentError(`loading ${request}`, error);
      }
    }
    return exports;
  };
}

function loaded(patcher: ModulePatcher, statics: ModuleStatics, request: string, parent: unknown, isMain: boolean, exports: unknown): void {
  if (isAbsolute(request) || request.charCodeAt(0) === 46 /* . */) {
    // A path: an ES module's import of a CommonJS package arrives as its entry file's; an app may
    // name a package's folder. The trailing separator makes a folder's path read as one inside it.
    const name = packageOfPath(request.endsWith(sep) ? request : request + sep);
    if (name !== undefined && patcher.watches(name)) patcher.packageFileLoaded(name, exports, statics._resolveFilename(request, parent, isMain), false);
    return;
  }
  const name = packageOf(request);
  if (!patcher.watches(name)) return;
  if (Module.isBuiltin(request)) {
    patcher.builtinLoaded(name, exports);
    return;
  }
  if (typeof exports !== 'object' && typeof exports !== 'function') return;
  if (exports === null || patcher.hasSeen(exports)) return;
  patcher.packageFileLoaded(name, exports, statics._resolveFilename(request, parent, isMain), request === name);
}
