/**
 * Log correlation (HOPTRACE_LOGS_INJECTION=true): records that pino, winston and bunyan write
 * inside a span carry its `trace_id`, `span_id` and `trace_flags`, so a user finds a trace's lines
 * by its id. One instrumentation per logger (they are enabled and disabled by name); each only
 * adds fields, in the app's own call to the logger, and makes no span. `console.*` is untouched.
 */
import type { LoggerName } from '../../agent/config/types';
import { reportAgentError } from '../../agent/log';
import type { HoptraceInstrumentation, ModuleDefinition } from '../../agent/module-hooks';
import { BUNYAN_SUPPORTED_VERSIONS, patchBunyan } from './bunyan';
import { PINO_SUPPORTED_VERSIONS, patchPino } from './pino';
import { loggerSwitch } from './trace-fields';
import { WINSTON_SUPPORTED_VERSIONS, patchWinston } from './winston';

const LOGGERS: Record<LoggerName, { readonly versions: readonly string[]; readonly patch: (exports: never, version: string | undefined) => void }> = {
  pino: { versions: PINO_SUPPORTED_VERSIONS, patch: patchPino },
  winston: { versions: WINSTON_SUPPORTED_VERSIONS, patch: patchWinston },
  bunyan: { versions: BUNYAN_SUPPORTED_VERSIONS, patch: patchBunyan },
};

export class LogCorrelationInstrumentation implements HoptraceInstrumentation {
  readonly instrumentationName: string;

  constructor(private readonly logger: LoggerName) {
    this.instrumentationName = `@hoptrace/${logger}`;
    // Listed by hoptrace/control from now on, on until it is turned off.
    loggerSwitch(logger);
  }

  modules(): ModuleDefinition[] {
    const { versions, patch } = LOGGERS[this.logger];
    return [
      {
        name: this.logger,
        versions,
        lostWhenUntraced: 'trace ids in its log records (HOPTRACE_LOGS_INJECTION)',
        // The fields are added per record, so a copy loaded before hoptrace is stamped from then on.
        patchesLoadedCopies: true,
        patch: (exports, version) => {
          try {
            patch(exports as never, version);
          } catch (error) {
            reportAgentError(`patching ${this.logger}`, error);
          }
        },
      },
    ];
  }
}
