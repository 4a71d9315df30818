/**
 * Starts hoptrace: configuration, tracing, instrumentations, lifecycle hooks. Safe to call more
 * than once (only the first call does anything); never throws into the app.
 */
import { findAppPackage } from './config/app-package';
import { loadConfig } from './config/load-config';
import type { Config } from './config/types';
import { createInstrumentations } from './instrumentations';
import { installLifecycle } from './lifecycle';
import { log, routeOpenTelemetryDiagnostics, setLogLevel } from './log';
import { type AppStart, installModuleHooks, runsAsEsModules } from './module-hooks';
import { enablePropagationDebug } from './propagation/debug';
import { AGENT_STARTED } from './symbols';
import { apiCopies } from './tracing/api-globals';
import { startOutsideRequestsScope } from './tracing/outside-requests';
import { setUpTracing } from './tracing/setup';

export type { Config } from './config/types';

export interface StartResult {
  readonly started: boolean;
  readonly config?: Config;
}

/** How the app was started; by default read from the process (register.js says how it was loaded). */
export interface StartOptions {
  /** hoptrace was loaded with `--import` (or imported by an ES module), not with `--require`. */
  readonly importedAgent?: boolean;
}

export function start(options: StartOptions = {}): StartResult {
  const globals = globalThis as { [AGENT_STARTED]?: StartResult };
  if (globals[AGENT_STARTED]) return globals[AGENT_STARTED];

  const config = loadConfig(process.env, findAppPackage(process.argv[1], process.cwd()), (message) => log.warn(message));
  setLogLevel(config.logLevel);
  if (config.disabled) {
    log.debug('OTEL_SDK_DISABLED=true: not instrumenting');
    return (globals[AGENT_STARTED] = { started: false, config });
  }
  startOutsideRequestsScope();
  const tracing = setUpTracing(config, process.argv[1]);
  if (config.debugPropagation) enablePropagationDebug(config.injectPropagators, config.propagationDisabled);
  // Only now: the SDK re-reads some OTEL_* variables while the provider is built and would warn a
  // second time about values the config loader has already reported.
  routeOpenTelemetryDiagnostics(config.logLevel);
  installModuleHooks([...createInstrumentations(tracing.tracers, config), apiCopies], appStart(options));
  if (config.otelInstrumentations.length > 0) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadOtelInstrumentations } = require('./otel-instrumentations') as typeof import('./otel-instrumentations');
    loadOtelInstrumentations(config.otelInstrumentations, process.argv[1], tracing.otelTracerProvider, runsAsEsModules(appStart(options)));
  }
  installLifecycle(tracing);
  log.debug(`started; instrumentations: ${[...config.instrumentations].join(', ') || 'none'}`);
  return (globals[AGENT_STARTED] = { started: true, config });
}

function appStart(options: StartOptions): AppStart {
  return { entry: process.argv[1], cwd: process.cwd(), importedAgent: options.importedAgent === true };
}
