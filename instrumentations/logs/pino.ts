/**
 * pino: each line is JSON text made by the logger's `asJson` (pino.symbols.asJsonSym, on the
 * prototype every pino logger and child shares); the fields go at the front of that text. Nothing
 * of the app's is touched: not the object it logged (pino may log it as it is), not its mixin.
 */
import shimmer = require('shimmer');
import { log } from '../../agent/log';
import { isWrapped } from '../../agent/patching';
import { activeTraceFields, stampJsonLine } from './trace-fields';

type AsJson = (this: unknown, obj: unknown, msg: unknown, num: unknown, time: unknown) => unknown;
interface PinoModule {
  (options?: object, stream?: { write(line: string): void }): object;
  symbols?: { asJsonSym?: symbol; chindingsSym?: symbol };
}

export const PINO_SUPPORTED_VERSIONS = ['>=8.0.0 <11'];

export function patchPino(pino: PinoModule, version: string | undefined): void {
  const asJsonSym = pino.symbols?.asJsonSym;
  const prototype = typeof pino === 'function' && asJsonSym ? sharedPrototype(pino, asJsonSym) : undefined;
  if (!prototype || !asJsonSym) {
    log.warn(`pino ${version ?? ''} has an unexpected shape; its lines will not carry trace ids`);
    return;
  }
  const target = prototype as Record<symbol, AsJson>;
  if (isWrapped(target[asJsonSym])) return;
  const chindingsSym = pino.symbols?.chindingsSym;
  // A trace_id the app logs itself, in the call's object or in a child logger's bindings, stays the only one.
  const hasOwnTraceId = (logger: unknown, obj: unknown): boolean =>
    (obj !== null && typeof obj === 'object' && (obj as { trace_id?: unknown }).trace_id !== undefined) ||
    (chindingsSym !== undefined && String((logger as Record<symbol, unknown>)[chindingsSym] ?? '').includes('"trace_id":'));
  shimmer.wrap(target as never, asJsonSym as never, ((original: AsJson) =>
    function asJson(this: unknown, obj: unknown, msg: unknown, num: unknown, time: unknown) {
      const line = original.call(this, obj, msg, num, time);
      if (typeof line !== 'string') return line;
      const fields = activeTraceFields('pino');
      return fields && !hasOwnTraceId(this, obj) ? stampJsonLine(line, fields) : line;
    }) as never);
  log.debug(`patched pino@${version}`);
}

/** The prototype that holds `asJson`, found from a silent logger (pino exports no other way to it). */
function sharedPrototype(pino: PinoModule, asJsonSym: symbol): object | undefined {
  let prototype: object | null = Object.getPrototypeOf(pino({ level: 'silent' }, { write() {} })) as object | null;
  while (prototype !== null && !Object.prototype.hasOwnProperty.call(prototype, asJsonSym)) prototype = Object.getPrototypeOf(prototype) as object | null;
  return prototype ?? undefined;
}
