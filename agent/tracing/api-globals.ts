/**
 * The app's own copy of `@opentelemetry/api`, when it is newer than hoptrace's, still sees
 * hoptrace's context, propagator and tracer provider.
 *
 * The API keeps them in one global object stamped with the version that registered them. A copy
 * reads them only when its minor version is that one or older, and registers only over an object
 * of its own version. hoptrace registers them with the copy it bundles; an app (or an
 * OpenTelemetry instrumentation it uses) with a newer copy would see none of them: no active span
 * for its instrumentations, non-recording spans for its own API calls, and no word about it.
 *
 * So when a newer copy is loaded, the globals are registered again through it: every older copy,
 * hoptrace's included, can still read them. Watched through the module hooks, so an app that never
 * loads the API pays nothing.
 */
import { DiagLogLevel, trace } from '@opentelemetry/api';
import type { HoptraceInstrumentation, ModuleDefinition } from '../module-hooks';
import { log, reportAgentError } from '../log';

/** Where the API keeps its globals (the same symbol in every 1.x copy). */
export const API_GLOBALS_KEY: unique symbol = Symbol.for('opentelemetry.js.api.1') as never;
const GLOBAL_KEY = API_GLOBALS_KEY;

interface ApiGlobals {
  version: string;
  trace?: { getDelegate?: () => unknown };
  context?: unknown;
  propagation?: unknown;
  diag?: unknown;
}

interface ApiCopy {
  trace: { setGlobalTracerProvider(provider: unknown): boolean };
  context: { setGlobalContextManager(manager: unknown): boolean };
  propagation: { setGlobalPropagator(propagator: unknown): boolean };
  diag: { setLogger(logger: unknown, options: { logLevel: number; suppressOverrideMessage: boolean }): boolean };
}

function minorOf(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)\./.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** True when `candidate` is the same major as `current` and a later minor. */
function isNewer(candidate: string, current: string): boolean {
  const a = minorOf(candidate);
  const b = minorOf(current);
  return !!a && !!b && a[0] === b[0] && a[1] > b[1];
}

/** `version`: the copy's, from its package.json (the API does not export it). */
export function adoptNewerApi(api: ApiCopy, version: string | undefined): void {
  const globals = (globalThis as Record<symbol, ApiGlobals | undefined>)[GLOBAL_KEY];
  if (!globals || version === undefined || !isNewer(version, globals.version)) return;
  // Only what hoptrace registered is carried over; nothing else is there at this point.
  const provider = globals.trace?.getDelegate?.() ?? trace.getTracerProvider();
  const { context, propagation, diag } = globals;
  delete (globalThis as Record<symbol, unknown>)[GLOBAL_KEY];
  try {
    if (context) api.context.setGlobalContextManager(context);
    if (propagation) api.propagation.setGlobalPropagator(propagation);
    api.trace.setGlobalTracerProvider(provider);
    // The logger already filters by level: everything it is given passes.
    if (diag) api.diag.setLogger(diag, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    log.debug(`@opentelemetry/api ${version} loaded by the app: hoptrace's context, propagator and provider registered through it (was ${globals.version})`);
  } catch (error) {
    // Put back what was there: the bundled copy at least keeps working.
    (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = globals;
    reportAgentError('registering with @opentelemetry/api', error);
  }
}

/** A watcher, not an instrumentation: it patches nothing, it only looks at each copy the app loads. */
export const apiCopies: HoptraceInstrumentation = {
  instrumentationName: '@hoptrace/opentelemetry-api',
  modules(): ModuleDefinition[] {
    return [
      {
        name: '@opentelemetry/api',
        versions: ['>=1.0.0 <2'],
        lostWhenUntraced: "the app's own OpenTelemetry API calls, if its copy is newer than hoptrace's",
        patchesLoadedCopies: true,
        patch: (exports, version) => adoptNewerApi(exports as ApiCopy, version),
      },
    ];
  },
};
