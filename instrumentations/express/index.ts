export { ExpressInstrumentation, EXPRESS_SUPPORTED_VERSIONS } from './instrumentation';
export type { ExpressInstrumentationOptions } from './types';
