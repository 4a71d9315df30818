export { HttpInstrumentation, HTTP_SUPPORTED_VERSIONS } from './instrumentation';
export type { HttpInstrumentationOptions } from './types';
