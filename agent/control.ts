/**
 * `require('hoptrace/control')`: turn an instrumentation off, and on again, while the app runs:
 * when a library's tracing misbehaves in production, or to see what it costs. Off, the library's
 * functions behave as without hoptrace (instrumentation-switches.ts); other instrumentations go on.
 * This file is small on purpose and loads nothing else: it is loaded by the app's own require,
 * apart from the agent register.js started, and works on the switches that agent reads.
 *
 *   const { disableInstrumentation, enableInstrumentation, instrumentationStates } = require('hoptrace/control');
 *   disableInstrumentation('kafkajs');   // true: kafkajs is no longer traced
 *   instrumentationStates();             // { http: true, express: true, kafkajs: false, … }
 */
import { switchRegistry } from './instrumentation-switches';

/** Stops tracing with the instrumentation `name` (as OTEL_NODE_ENABLED_INSTRUMENTATIONS names them); false when hoptrace runs no such instrumentation. */
export function disableInstrumentation(name: string): boolean {
  return setEnabled(name, false);
}

/** Resumes tracing with `name`; false when hoptrace runs no such instrumentation. */
export function enableInstrumentation(name: string): boolean {
  return setEnabled(name, true);
}

/** Each instrumentation hoptrace runs in this process, and whether it traces now (false also while one it needs is off). */
export function instrumentationStates(): Record<string, boolean> {
  const states: Record<string, boolean> = {};
  for (const [name, entry] of switchRegistry()) if (entry.loaded) states[name] = entry.on;
  return states;
}

function setEnabled(name: unknown, enabled: boolean): boolean {
  const entry = typeof name === 'string' ? switchRegistry().get(name.trim().toLowerCase()) : undefined;
  if (!entry?.loaded) {
    const running = Object.keys(instrumentationStates());
    const what = running.length > 0 ? `it runs ${running.join(', ')}` : 'it has not started, or instruments nothing in this process yet';
    process.stderr.write(`hoptrace: ${enabled ? 'enableInstrumentation' : 'disableInstrumentation'}(${JSON.stringify(name)}): hoptrace runs no such instrumentation (${what})\n`);
    return false;
  }
  entry.enabled = enabled;
  return true;
}
