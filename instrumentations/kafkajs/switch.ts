/** kafkajs's (and Confluent's client's) tracing, off and on while the app runs (hoptrace/control): off, sends and handlers pass straight through. */
import { switchOf } from '../../agent/instrumentation-switches';

export const KAFKAJS_SWITCH = switchOf('kafkajs');
