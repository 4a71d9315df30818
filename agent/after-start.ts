/**
 * Work for "shortly after start-up": run once, `delayMs` from now or when the event loop first
 * empties (a short-lived process), whichever comes first. Never keeps the process alive.
 */
export function onceAfterStart(work: () => void, delayMs: number): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    process.removeListener('beforeExit', run);
    work();
  };
  const timer = setTimeout(run, delayMs);
  timer.unref();
  process.once('beforeExit', run);
}
