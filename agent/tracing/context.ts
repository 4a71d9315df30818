/**
 * hoptrace's own Context: a chain of records, one per value set, each pointing at the context it
 * was made from. OpenTelemetry's BaseContext copies its whole Map and makes three closures on every
 * setValue; a request or a message sets two or three values (the extracted parent, the span, a
 * marker), so the copies were a good part of what a hop cost. Here a set is one small object with
 * its methods on the prototype, and a read walks a chain that stays a few links long.
 *
 * It is a complete `Context` (getValue / setValue / deleteValue), so the app and OpenTelemetry
 * instrumentations handed one see nothing different. The root stands wherever ROOT_CONTEXT stood:
 * the context manager answers with it when nothing is active (context-manager.ts), so every
 * context the process derives is a chain.
 */
import type { Context } from '@opentelemetry/api';

/** Marks a key deleted in a link; a later link may set it again. */
const DELETED: unique symbol = Symbol('hoptrace.context.deleted');

/**
 * A chain longer than this is folded into one link per live key, so a read stays cheap even for
 * code that derives contexts from contexts in a loop.
 */
const MAX_DEPTH = 24;

export class HoptraceContext implements Context {
  // Assigned, not class fields (see CheckedSpanContext in span-context.ts): two or three of these a hop.
  declare private readonly parent: HoptraceContext | null;
  declare private readonly key: symbol | null;
  declare private readonly value: unknown;
  declare private readonly depth: number;

  private constructor(parent: HoptraceContext | null, key: symbol | null, value: unknown, depth: number) {
    this.parent = parent;
    this.key = key;
    this.value = value;
    this.depth = depth;
  }

  static root(): HoptraceContext {
    return new HoptraceContext(null, null, undefined, 0);
  }

  getValue(key: symbol): unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    for (let link: HoptraceContext | null = this; link !== null; link = link.parent) {
      // `typeof` first: a value of any kind compared with `===` is a call in V8's optimized code
      // (its StrictEqual builtin, ~40 instructions a read), a symbol compared with a symbol is not.
      if (link.key === key) return typeof link.value === 'symbol' && link.value === DELETED ? undefined : link.value;
    }
    return undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    return this.depth < MAX_DEPTH ? new HoptraceContext(this, key, value, this.depth + 1) : this.folded().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    if (this.getValue(key) === undefined) return this;
    return this.depth < MAX_DEPTH ? new HoptraceContext(this, key, DELETED, this.depth + 1) : this.folded().deleteValue(key);
  }

  /** The same values, one link per live key, newest value of each. */
  private folded(): HoptraceContext {
    const live = new Map<symbol, unknown>();
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    for (let link: HoptraceContext | null = this; link !== null && link.key !== null; link = link.parent) {
      if (!live.has(link.key)) live.set(link.key, link.value);
    }
    let chain = ROOT;
    for (const [key, value] of live) if (value !== DELETED) chain = new HoptraceContext(chain, key, value, chain.depth + 1);
    return chain;
  }
}

/** The context nothing has been set in. */
export const ROOT: HoptraceContext = HoptraceContext.root();
