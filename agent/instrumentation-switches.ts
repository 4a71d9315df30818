/**
 * Turning an instrumentation off while the app runs (`require('hoptrace/control')`, control.ts).
 *
 * Patching stays; what changes is whether a patched function traces. Every place where an
 * instrumentation would start a span, or put trace context into a call, a message or a log
 * record, reads its switch first and, when it is off, calls the library's own function with the
 * same `this` and arguments and returns what it returns, as if hoptrace were not there. Unpatching
 * alone could not do that: references the app took before (a request function, a handler kafkajs
 * already holds, an express layer) keep the wrapper. Spans already started when the switch goes off
 * end as they would have. The cost while on is one property read per call.
 *
 * The switches live on the global object: `hoptrace/control` is loaded by the app's own require,
 * apart from the bundle register.js loaded, and must reach the same ones.
 */
const REGISTRY = Symbol.for('hoptrace.instrumentationSwitches');

export class InstrumentationSwitch {
  /** Set by control.ts; read by the instrumentation's patched functions at every call. */
  enabled = true;
  /** The instrumentation's code is loaded (a switch can exist before, as another's `needs`). */
  loaded = false;

  constructor(
    readonly name: string,
    /** An instrumentation that works on another's spans (express on http's SERVER span) is off when that one is. */
    private readonly needs?: InstrumentationSwitch,
  ) {}

  get on(): boolean {
    return this.enabled && (this.needs === undefined || this.needs.enabled);
  }
}

type Registry = Map<string, InstrumentationSwitch>;

export function switchRegistry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= new Map());
}

/**
 * The switch of the instrumentation `name`, for its own code to read; made when that code is first
 * loaded, so only instrumentations in use are listed (control.ts). `needs`: the instrumentation
 * whose spans it works on.
 */
export function switchOf(name: string, needs?: string): InstrumentationSwitch {
  const found = entry(name, needs);
  found.loaded = true;
  return found;
}

function entry(name: string, needs?: string): InstrumentationSwitch {
  const registry = switchRegistry();
  let found = registry.get(name);
  if (!found) {
    found = new InstrumentationSwitch(name, needs === undefined ? undefined : entry(needs));
    registry.set(name, found);
  }
  return found;
}
