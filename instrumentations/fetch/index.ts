export { FetchInstrumentation } from './instrumentation';
