export { LogCorrelationInstrumentation } from './instrumentation';
