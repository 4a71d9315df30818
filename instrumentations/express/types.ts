/** What the express instrumentation takes from the agent's configuration. */
export interface ExpressInstrumentationOptions {
  /**
   * Also an INTERNAL span per middleware and route handler (HOPTRACE_HANDLER_SPANS, or express's own older HOPTRACE_EXPRESS_SPANS, =middleware).
   * Off by default: the SERVER span, named by route, is what most users look for.
   */
  readonly middlewareSpans: boolean;
}
