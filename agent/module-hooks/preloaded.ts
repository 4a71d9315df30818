/**
 * Watched packages the app loaded before hoptrace started: their objects exist already and will
 * not be traced, which is said once per package; those whose patch still works on a loaded copy
 * (`patchesLoadedCopies`) are patched now instead. Found in require's cache, which holds every
 * CommonJS module loaded so far.
 */
import Module = require('node:module');
import { sep } from 'node:path';
import type { ModuleDefinition } from './index';
import { packageOfPath } from './package-names';
import type { ModulePatcher } from './patcher';
import { packageRootOf, packageVersion } from './package-entry';
import { reportUntraced } from './untraced';

export function handlePreloadedPackages(definitions: ReadonlyMap<string, readonly ModuleDefinition[]>, patcher: ModulePatcher): void {
  const cache = (Module as unknown as { _cache: Record<string, { exports?: unknown } | undefined> })._cache;
  for (const file of Object.keys(cache)) {
    if (!file.includes(`${sep}node_modules${sep}`)) continue;
    const name = packageOfPath(file);
    const definition = name === undefined ? undefined : definitions.get(name)?.[0];
    if (name === undefined || definition === undefined) continue;
    if (definition.patchesLoadedCopies) {
      patcher.packageFileLoaded(name, cache[file]?.exports, file, false);
      continue;
    }
    const root = packageRootOf(file, name);
    reportUntraced(name, root === undefined ? undefined : packageVersion(root), { kind: 'loaded-early' }, definition.lostWhenUntraced);
  }
}
