/**
 * winston: every record (`info`) reaches the logger's stream through `Logger.prototype.write`,
 * called in the app's own call to the logger (the formats and transports may run later, out of
 * its context). The fields are added to that record, which winston made for this call or already
 * takes as its own (it sets its level symbol on an object logged as is).
 */
import { log } from '../../agent/log';
import { stampRecordsPassedTo } from './trace-fields';

interface LoggerPrototype {
  write?: unknown;
}
interface WinstonModule {
  Logger?: { prototype?: LoggerPrototype };
  createLogger?: () => object;
}

export const WINSTON_SUPPORTED_VERSIONS = ['>=3.0.0 <4'];

export function patchWinston(winston: WinstonModule, version: string | undefined): void {
  const prototype = loggerPrototype(winston);
  if (!prototype || typeof prototype.write !== 'function') {
    log.warn(`winston ${version ?? ''} has an unexpected shape; its records will not carry trace ids`);
    return;
  }
  stampRecordsPassedTo(prototype, 'write', 'winston');
  log.debug(`patched winston@${version}`);
}

/**
 * `Logger.prototype`: exported from winston 3.9 on; before, found from a logger without transports
 * (every winston logger, the default one included, inherits from it: the prototype with its own `log`).
 */
function loggerPrototype(winston: WinstonModule): LoggerPrototype | undefined {
  if (winston?.Logger?.prototype) return winston.Logger.prototype;
  if (typeof winston?.createLogger !== 'function') return undefined;
  let prototype: object | null = Object.getPrototypeOf(winston.createLogger()) as object | null;
  while (prototype !== null && !Object.prototype.hasOwnProperty.call(prototype, 'log')) prototype = Object.getPrototypeOf(prototype) as object | null;
  return prototype ?? undefined;
}
