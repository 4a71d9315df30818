/**
 * Facts about an installed package, read once per package when a watched one is loaded: where it
 * lies, its version, and whether a loaded file is its entry point (the file hoptrace patches).
 */
import { readFileSync } from 'node:fs';
import Module = require('node:module');
import { dirname, join } from 'node:path';

/** The nearest directory above `filename` whose package.json is named `name`. */
export function packageRootOf(filename: string, name: string): string | undefined {
  return findManifestUp(dirname(filename), (manifest) => manifest.name === name)?.dir;
}

/** The nearest package.json at or above `from` that `accept` takes, and its directory. */
export function findManifestUp(from: string, accept: (manifest: Manifest) => boolean): { dir: string; manifest: Manifest } | undefined {
  let dir = from;
  for (let depth = 0; depth < 32; depth++) {
    const manifest = readManifest(dir);
    if (manifest && accept(manifest)) return { dir, manifest };
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

export function packageVersion(root: string): string | undefined {
  const version = readManifest(root)?.version;
  return typeof version === 'string' ? version : undefined;
}

/**
 * Whether `filename` is what `require(name)` gives where the package is installed: the file an
 * `import` of the package loads when it is CommonJS (a package's ES module wrapper imports the
 * same file). Files deep inside the package are never patched.
 */
export function isPackageEntry(filename: string, name: string, root: string): boolean {
  const requireHere = Module.createRequire(join(root, 'package.json'));
  for (const id of [name, root]) {
    try {
      if (requireHere.resolve(id) === filename) return true;
    } catch {
      // Not resolvable this way (a linked package outside node_modules): try the next.
    }
  }
  return false;
}

export interface Manifest {
  readonly name?: unknown;
  readonly version?: unknown;
  readonly type?: unknown;
}

/** A folder's package.json; `{}` when it is there but not valid JSON, undefined when absent. */
export function readManifest(dir: string): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Manifest) : {};
  } catch {
    return {};
  }
}
