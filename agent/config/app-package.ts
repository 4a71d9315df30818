import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface AppPackage {
  readonly name?: string;
  readonly version?: string;
}

/**
 * The package.json of the app being started: the nearest one above the main script (or the
 * working directory for `node -e`), outside node_modules. It supplies the default service name
 * and service.version.
 */
export function findAppPackage(mainScript: string | undefined, cwd: string): AppPackage {
  let dir = mainScript ? dirname(resolve(cwd, mainScript)) : cwd;
  for (let depth = 0; depth < 32; depth++) {
    if (!dir.split(/[\\/]/).includes('node_modules')) {
      const found = readPackage(join(dir, 'package.json'));
      if (found) return found;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return {};
}

function readPackage(file: string): AppPackage | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { name?: unknown; version?: unknown };
    return {
      name: typeof parsed.name === 'string' && parsed.name !== '' ? parsed.name : undefined,
      version: typeof parsed.version === 'string' && parsed.version !== '' ? parsed.version : undefined,
    };
  } catch {
    return {};
  }
}
