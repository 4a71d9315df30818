import type { HttpConfig } from '../../agent/config/types';

/** What the http instrumentation takes from the agent's configuration. */
export type HttpInstrumentationOptions = HttpConfig;
