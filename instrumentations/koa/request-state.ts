/**
 * The SERVER span state koa's request adds to, for the middleware spans and the request hooks
 * alike; none while koa's tracing is off (hoptrace/control) or http's is: then koa runs as
 * without hoptrace.
 */
import { switchOf } from '../../agent/instrumentation-switches';
import { type ServerRequestState, serverRequestOf } from '../http/server-request';
import type { KoaContext } from './internal-types';

const KOA_SWITCH = switchOf('koa', 'http');

export function stateOf(ctx: KoaContext | undefined): ServerRequestState | undefined {
  if (!KOA_SWITCH.on) return undefined;
  const req = ctx && typeof ctx === 'object' ? ctx.req : undefined;
  const state = req ? serverRequestOf(req) : undefined;
  return state && !state.ended && state.span.isRecording() ? state : undefined;
}
