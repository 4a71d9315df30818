/**
 * Facts about an installed package, read once per package when a watched one is loaded: where it
 * lies, its version, and whether a loaded file is its entry point (the file hoptrace patches).
 */
import { readFileSync } from 'node:fs';
import Module = require('node:module');
import { dirname, join } from 'node:path';

/** The nearest directory above `filename` whose package.json is named `name`. */
export function packageRootOf(filename: string, name: string): string | undefined {
  let dir = dirname(filename);
  for (let depth = 0; depth < 16; depth++) {
    if (readManifest(dir)?.name === name) return dir;
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

function readManifest(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
