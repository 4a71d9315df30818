/**
 * bunyan: every record is made by the logger for one call (`mkRecord`) and handed to
 * `Logger.prototype._emit` in that call, before it is written; the fields are added there.
 */
import { log } from '../../agent/log';
import { stampRecordsPassedTo } from './trace-fields';

interface BunyanModule {
  prototype?: { _emit?: unknown };
}

export const BUNYAN_SUPPORTED_VERSIONS = ['>=1.0.0 <3'];

export function patchBunyan(Logger: BunyanModule, version: string | undefined): void {
  const prototype = Logger?.prototype;
  if (!prototype || typeof prototype._emit !== 'function') {
    log.warn(`bunyan ${version ?? ''} has an unexpected shape; its records will not carry trace ids`);
    return;
  }
  stampRecordsPassedTo(prototype, '_emit', 'bunyan');
  log.debug(`patched bunyan@${version}`);
}
