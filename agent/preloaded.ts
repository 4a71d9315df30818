import { sep } from 'node:path';
import type { Config } from './config/types';
import { PATCHED_PACKAGES } from './instrumentations';
import { log } from './log';

/**
 * Names the enabled instrumentations' packages that the app loaded before hoptrace started: their
 * calls will not be traced, and the fix (start hoptrace with -r) is the user's to make.
 */
export function warnAboutPreloadedPackages(config: Config): void {
  const loaded = new Set<string>();
  const wanted = [...config.instrumentations].flatMap((name) => PATCHED_PACKAGES[name]);
  if (wanted.length === 0) return;
  for (const file of Object.keys(require.cache)) {
    for (const name of wanted) {
      if (file.includes(`${sep}node_modules${sep}${name}${sep}`)) loaded.add(name);
    }
  }
  if (loaded.size > 0) {
    log.warn(
      `${[...loaded].join(', ')} loaded before hoptrace started and will not be traced; start the app with \`node -r hoptrace/register\``,
    );
  }
}
