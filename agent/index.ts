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
import { installModuleHooks } from './module-hooks';
import { warnAboutPreloadedPackages } from './preloaded';
import { AGENT_STARTED } from './symbols';
import { setUpTracing } from './tracing/setup';

export type { Config } from './config/types';

export interface StartResult {
  readonly started: boolean;
  readonly config?: Config;
}

export function start(): StartResult {
  const globals = globalThis as { [AGENT_STARTED]?: StartResult };
  if (globals[AGENT_STARTED]) return globals[AGENT_STARTED];

  const config = loadConfig(process.env, findAppPackage(process.argv[1], process.cwd()), (message) => log.warn(message));
  setLogLevel(config.logLevel);
  if (config.disabled) {
    log.debug('OTEL_SDK_DISABLED=true: not instrumenting');
    return (globals[AGENT_STARTED] = { started: false, config });
  }
  warnAboutPreloadedPackages(config);
  const tracing = setUpTracing(config);
  // Only now: the SDK re-reads some OTEL_* variables while the provider is built and would warn a
  // second time about values the config loader has already reported.
  routeOpenTelemetryDiagnostics(config.logLevel);
  installModuleHooks(createInstrumentations(tracing.tracers, config));
  installLifecycle(tracing);
  log.debug(`started; instrumentations: ${[...config.instrumentations].join(', ') || 'none'}`);
  return (globals[AGENT_STARTED] = { started: true, config });
}
