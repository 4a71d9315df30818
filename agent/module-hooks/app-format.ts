/**
 * Whether the app runs as ES modules, decided at start-up before its first line runs: then the
 * built-ins it imports must be patched up front (builtins.ts).
 */
import { dirname, extname, resolve } from 'node:path';
import { findManifestUp } from './package-entry';

export interface AppStart {
  /** `process.argv[1]`: the entry script, absent for `node -e` and the REPL. */
  readonly entry: string | undefined;
  readonly cwd: string;
  /** hoptrace was loaded by `--import` (or an `import` in the app), not by `--require`. */
  readonly importedAgent: boolean;
}

export function runsAsEsModules({ entry, cwd, importedAgent }: AppStart): boolean {
  if (importedAgent) return true;
  if (!entry) return false;
  const file = resolve(cwd, entry);
  const extension = extname(file);
  if (extension === '.mjs' || extension === '.mts') return true;
  if (extension === '.cjs' || extension === '.cts') return false;
  return nearestPackageType(dirname(file)) === 'module';
}

/** Node's own rule: the `type` of the nearest package.json, wherever it is. */
function nearestPackageType(from: string): unknown {
  return findManifestUp(from, () => true)?.manifest.type;
}
