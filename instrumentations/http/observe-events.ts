/**
 * Watches events on one emitter without adding listeners. A listener would change behaviour the
 * app relies on: an 'error' listener swallows errors Node would throw, and a 'response' listener
 * stops Node from discarding a response body nobody reads (the socket would never be freed).
 * Wrapping the instance's emit observes the same events and changes neither.
 */
import type { EventEmitter } from 'node:events';
import { reportAgentError } from '../../agent/log';

export type EventObserver = (event: string | symbol, arg: unknown) => void;

export function observeEvents(emitter: EventEmitter, observer: EventObserver): void {
  const originalEmit = emitter.emit;
  emitter.emit = function observedEmit(this: EventEmitter, event: string | symbol, ...args: unknown[]): boolean {
    try {
      observer(event, args[0]);
    } catch (error) {
      reportAgentError('http event observer', error);
    }
    return originalEmit.apply(this, [event, ...args]);
  } as EventEmitter['emit'];
}
