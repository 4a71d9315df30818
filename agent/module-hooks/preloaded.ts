/**
 * Watched packages the app loaded before hoptrace started: their objects exist already and will
 * not be traced. Found in require's cache, which holds every CommonJS module loaded so far.
 */
import Module = require('node:module');
import { sep } from 'node:path';
import type { ModuleDefinition } from './index';
import { packageOfPath } from './package-names';
import { packageRootOf, packageVersion } from './package-entry';
import { reportUntraced } from './untraced';

export function warnAboutPreloadedPackages(definitions: ReadonlyMap<string, readonly ModuleDefinition[]>): void {
  const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
  for (const file of Object.keys(cache)) {
    if (!file.includes(`${sep}node_modules${sep}`)) continue;
    const name = packageOfPath(file);
    const definition = name === undefined ? undefined : definitions.get(name)?.[0];
    if (name === undefined || definition === undefined) continue;
    const root = packageRootOf(file, name);
    reportUntraced(name, root === undefined ? undefined : packageVersion(root), { kind: 'loaded-early' }, definition.lostWhenUntraced);
  }
}
