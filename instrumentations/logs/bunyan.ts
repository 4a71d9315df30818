/**
 * bunyan: every record is made by the logger for one call (`mkRecord`) and handed to
 * `Logger.prototype._emit` in that call, before it is written; the fields are added there.
 */
import shimmer = require('shimmer');
import { log } from '../../agent/log';
import { isWrapped } from '../../agent/patching';
import { activeTraceFields, stampRecord } from './trace-fields';

type Emit = (this: unknown, record: unknown, ...rest: unknown[]) => unknown;
interface BunyanModule {
  prototype?: { _emit?: Emit };
}

export const BUNYAN_SUPPORTED_VERSIONS = ['>=1.0.0 <3'];

export function patchBunyan(Logger: BunyanModule, version: string | undefined): void {
  const prototype = Logger?.prototype;
  if (!prototype || typeof prototype._emit !== 'function') {
    log.warn(`bunyan ${version ?? ''} has an unexpected shape; its records will not carry trace ids`);
    return;
  }
  if (isWrapped(prototype._emit)) return;
  shimmer.wrap(prototype as never, '_emit' as never, ((original: Emit) =>
    function _emit(this: unknown, record: unknown, ...rest: unknown[]) {
      if (record !== null && typeof record === 'object') {
        const fields = activeTraceFields();
        if (fields) stampRecord(record as Record<string, unknown>, fields);
      }
      return original.call(this, record, ...rest);
    }) as never);
  log.debug(`patched bunyan@${version}`);
}
