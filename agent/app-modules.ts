/**
 * Modules a setting names (HOPTRACE_TRACER_PROVIDER, HOPTRACE_OTEL_INSTRUMENTATIONS), loaded by one
 * rule: a path (`./x`, `../x`, `/x`) from the working directory, as a shell resolves what is typed
 * beside it; a package name as the app's own require() would find it, from the folder of its entry
 * file, or from the working directory when there is none (`node -e`, stdin), as Node itself does.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export function requireAppModule(name: string, appEntry: string | undefined): unknown {
  const appRequire = createRequire(appEntry ? resolve(appEntry) : join(process.cwd(), 'noop.js'));
  return appRequire(isPath(name) ? appRequire.resolve(resolve(name)) : appRequire.resolve(name));
}

function isPath(name: string): boolean {
  return name === '.' || name === '..' || name.startsWith('./') || name.startsWith('../') || name.startsWith('/');
}
