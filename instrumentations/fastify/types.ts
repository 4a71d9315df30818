/** What the fastify instrumentation takes from the agent's configuration. */
export interface FastifyInstrumentationOptions {
  /**
   * Also an INTERNAL span per route handler and per request hook (HOPTRACE_HANDLER_SPANS=middleware).
   * Off by default: the SERVER span, named by route, is what most users look for.
   */
  readonly middlewareSpans: boolean;
}
