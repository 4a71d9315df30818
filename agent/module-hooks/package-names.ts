/**
 * Which package a module request or a loaded file belongs to, from the string alone: these run on
 * every `require()` the app makes, so they do no I/O.
 */
import { sep } from 'node:path';

/** `express` of `express/lib/router`, `@scope/name` of `@scope/name/x`, `http` of `node:http`. */
export function packageOf(id: string): string {
  const bare = id.startsWith('node:') ? id.slice(5) : id;
  const slash = bare.indexOf('/');
  if (slash < 0) return bare;
  if (bare[0] !== '@') return bare.slice(0, slash);
  const second = bare.indexOf('/', slash + 1);
  return second < 0 ? bare : bare.slice(0, second);
}

const NODE_MODULES = `${sep}node_modules${sep}`;

/**
 * The package an absolute file path lies in: `kafkajs` of `/app/node_modules/kafkajs/index.js`,
 * `@scope/name` of `/app/node_modules/@scope/name/lib/x.js`; undefined outside node_modules. This
 * is how an `import` of a CommonJS package arrives: as the absolute path of its entry file.
 */
export function packageOfPath(filename: string): string | undefined {
  const at = filename.lastIndexOf(NODE_MODULES);
  if (at < 0) return undefined;
  const rest = filename.slice(at + NODE_MODULES.length);
  const first = rest.indexOf(sep);
  if (first < 0) return undefined;
  if (rest[0] !== '@') return rest.slice(0, first);
  const second = rest.indexOf(sep, first + 1);
  return second < 0 ? undefined : `${rest.slice(0, first)}/${rest.slice(first + 1, second)}`;
}
