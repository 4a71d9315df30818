/** What the koa instrumentation takes from the agent's configuration. */
export interface KoaInstrumentationOptions {
  /**
   * Also an INTERNAL span per middleware function and router handler (HOPTRACE_HANDLER_SPANS=middleware).
   * Off by default: the SERVER span, named by route, is what most users look for.
   */
  readonly middlewareSpans: boolean;
}
