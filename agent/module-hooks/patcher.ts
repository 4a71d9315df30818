/**
 * Patches each watched module once, whichever way it arrived (require by name, an `import` of a
 * CommonJS package, `process.getBuiltinModule`, or hoptrace loading a built-in itself): patches
 * change the module's exports object in place, so one pass is seen by every importer, and ES
 * module named imports of a CommonJS package are read from that object after the patch.
 */
import Module = require('node:module');
import { types } from 'node:util';
import { log, reportAgentError } from '../log';
import { satisfies } from '../version-range';
import type { ModuleDefinition } from './index';
import { isPackageEntry, packageRootOf, packageVersion } from './package-entry';
import { reportUntraced } from './untraced';

export class ModulePatcher {
  /** Exports objects already looked at: later loads of the same module cost one lookup. */
  private readonly seen = new WeakSet<object>();
  private readonly builtinsSeen = new Set<string>();

  constructor(private readonly definitions: ReadonlyMap<string, readonly ModuleDefinition[]>) {}

  watches(name: string): boolean {
    return this.definitions.has(name);
  }

  hasSeen(exports: object): boolean {
    return this.seen.has(exports);
  }

  hasSeenBuiltin(name: string): boolean {
    return this.builtinsSeen.has(name);
  }

  /** A built-in's exports (`http`, `node:http`). */
  builtinLoaded(name: string, exports: unknown): void {
    if (!isObject(exports) || this.seen.has(exports)) return;
    this.seen.add(exports);
    this.builtinsSeen.add(name);
    this.apply(name, exports, undefined);
    // Named imports (`import { request } from 'node:http'`) are bindings of the built-in's ES
    // module facade: bring them up to date with the patched exports.
    Module.syncBuiltinESMExports();
  }

  /** A file of package `name` was loaded; only the package's entry point is patched. */
  packageFileLoaded(name: string, exports: unknown, filename: string, isEntryRequest: boolean): void {
    if (!isObject(exports) || this.seen.has(exports)) return;
    this.seen.add(exports);
    const root = packageRootOf(filename, name);
    if (root === undefined) {
      log.debug(`${name}: no package.json above ${filename}; not traced`);
      return;
    }
    if (!isEntryRequest && !isPackageEntry(filename, name, root)) return;
    this.apply(name, exports, root);
  }

  private apply(name: string, exports: object, root: string | undefined): void {
    const definitions = this.definitions.get(name) ?? [];
    const version = root === undefined ? undefined : packageVersion(root);
    for (const definition of definitions) {
      if (root !== undefined && !(version !== undefined && definition.versions.some((range) => satisfies(version, range)))) {
        reportUntraced(name, version, { kind: 'unsupported-version', supported: definition.versions }, definition.lostWhenUntraced);
        continue;
      }
      if (types.isModuleNamespaceObject(exports)) {
        // `require()` of an ES module gives its namespace, which is sealed.
        reportUntraced(name, version, { kind: 'es-module' }, definition.lostWhenUntraced);
        continue;
      }
      try {
        definition.patch(exports, version);
      } catch (error) {
        reportAgentError(`patching ${name}`, error);
      }
    }
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
