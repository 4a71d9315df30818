/**
 * Makes sure ended spans leave the process however it ends, without changing how it ends.
 *
 * - Event loop empties (`beforeExit`): drain, asynchronously, for at most 1.5 s; Node exits once
 *   that is done. Exports never hold the loop themselves (exporters/detached-agent.ts), so a
 *   collector that does not answer costs at most that wait.
 * - SIGTERM / SIGINT: drain within 1.5 s. If the app listens for the signal itself, it
 *   keeps control; if not, the process then dies by that signal as Node would have (exit 143/130).
 * - `process.exit()` or an uncaught exception: the loop never turns again, so what is still queued
 *   is delivered synchronously from the `exit` event; Node's own printing and exit code stay as is.
 */
import { log, reportAgentError } from './log';
import type { Tracing } from './tracing/setup';

/**
 * Long enough for one export on a healthy loopback or LAN, short enough that an unreachable
 * exporter never holds up a shutdown: on a signal, 1 s of normal flushing, then at most 0.5 s
 * delivering synchronously what is still unconfirmed, 1.5 s in all.
 */
export const SIGNAL_FLUSH_MS = 1000;
const SIGNAL_SYNC_FLUSH_MS = 500;
export const EXIT_FLUSH_MS = 1500;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function installLifecycle(tracing: Tracing): void {
  let draining = false;

  process.on('beforeExit', () => {
    if (draining || !tracing.hasPending()) return;
    draining = true;
    void tracing.drain(EXIT_FLUSH_MS).finally(() => {
      draining = false;
    });
  });

  process.on('exit', () => {
    try {
      tracing.flushSync(EXIT_FLUSH_MS);
    } catch (error) {
      reportAgentError('exit flush', error);
    }
  });

  for (const signal of SIGNALS) {
    let dying = false;
    const onSignal = () => {
      const appHandlesIt = process.listenerCount(signal) > 1;
      if (appHandlesIt) {
        // The app's own listener runs right after this one and may call process.exit() at once;
        // the exit hook covers that. Otherwise flush once the app's handler has started its shutdown.
        setImmediate(() => void tracing.flush(SIGNAL_FLUSH_MS));
        return;
      }
      const dieBySignal = () => {
        // Death by signal emits no 'exit' event: deliver and report what is left here.
        try {
          tracing.flushSync(SIGNAL_SYNC_FLUSH_MS);
        } catch (error) {
          reportAgentError('signal flush', error);
        }
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      };
      // A second Ctrl-C means "now".
      if (dying) return dieBySignal();
      dying = true;
      log.debug(`${signal}: flushing spans, then exiting by the signal`);
      void tracing.drain(SIGNAL_FLUSH_MS).finally(dieBySignal);
    };
    process.on(signal, onSignal);
  }
}
