/**
 * The one voice for "this will not be traced": a watched package loaded before hoptrace, in a
 * version outside what is supported, or in a form hoptrace cannot patch. Said once per package,
 * at the default log level, with what the user loses: silence would look like working tracing.
 */
import { log } from '../log';

export type UntracedReason =
  | { readonly kind: 'loaded-early' }
  | { readonly kind: 'unsupported-version'; readonly supported: readonly string[] }
  | { readonly kind: 'es-module' };

const reported = new Set<string>();

export function reportUntraced(name: string, version: string | undefined, reason: UntracedReason, lost: string): void {
  if (reported.has(name)) return;
  reported.add(name);
  const pkg = `${name}@${version ?? 'unknown version'}`;
  switch (reason.kind) {
    case 'loaded-early':
      log.warn(
        `${pkg} was loaded before hoptrace started: ${lost} may be missing; ` +
          'start the app with `node --import hoptrace/register` (ES modules) or `node --require hoptrace/register`',
      );
      return;
    case 'unsupported-version':
      log.warn(`${pkg} is not traced: hoptrace supports ${name} ${reason.supported.join(' || ')}; ${lost} are missing`);
      return;
    case 'es-module':
      log.warn(`${pkg} is not traced: it was loaded as an ES module, whose exports hoptrace cannot patch; ${lost} are missing`);
      return;
  }
}
