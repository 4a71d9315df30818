/**
 * Calls into the app and lets whatever it throws travel on exactly as thrown, while hoptrace still
 * learns that it threw.
 *
 * Why not try/catch and rethrow: V8 takes the place an exception was last thrown as its origin, and
 * Node prints that line of source above the stack of an uncaught exception. A rethrow in hoptrace
 * put hoptrace's own line there instead of the app's. So the call runs in try/finally, which lets
 * the exception pass untouched, and the exception itself is learned where it lands:
 * - nothing catches it: Node's `uncaughtExceptionMonitor` hands it over (before Node prints it and
 *   before any other callback runs, so spans ended here still reach the exit flush);
 * - something up the stack catches it: hoptrace cannot see it, and `onThrow` gets `undefined` once
 *   the current callback is over.
 */
type OnThrow = (error: unknown) => void;

let waiting: OnThrow[] = [];
let monitorInstalled = false;
let unknownQueued = false;

/**
 * To be called from the `finally` of a call that did not complete (the pattern, written inline at
 * each call site so that hoptrace adds one stack frame, not three, to what the app's errors show):
 *
 *     let threw = true;
 *     try { const result = original.apply(this, args); threw = false; return result; }
 *     finally { if (threw) whenThrown(onThrow); }
 */
export function whenThrown(onThrow: OnThrow): void {
  waiting.push(onThrow);
  if (!monitorInstalled) {
    monitorInstalled = true;
    // A monitor only observes: Node's handling of the exception (the app's 'uncaughtException'
    // listeners, or printing it and exiting with 1) stays exactly as without it.
    process.on('uncaughtExceptionMonitor', (error) => settle(error));
  }
  if (!unknownQueued) {
    unknownQueued = true;
    queueMicrotask(() => {
      unknownQueued = false;
      settle(undefined);
    });
  }
}

function settle(error: unknown): void {
  const callbacks = waiting;
  waiting = [];
  for (const onThrow of callbacks) {
    try {
      onThrow(error);
    } catch {
      // An observer's own failure must not become the app's.
    }
  }
}
