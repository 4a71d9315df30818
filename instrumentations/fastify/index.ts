export { FastifyInstrumentation, FASTIFY_SUPPORTED_VERSIONS } from './instrumentation';
export type { FastifyInstrumentationOptions } from './types';
