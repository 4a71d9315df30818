export { KoaInstrumentation, KOA_SUPPORTED_VERSIONS, KOA_ROUTER_SUPPORTED_VERSIONS } from './instrumentation';
export type { KoaInstrumentationOptions } from './types';
