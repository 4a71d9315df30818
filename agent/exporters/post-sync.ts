/**
 * Runs in a worker thread while the main thread is blocked at exit (see sync-post.ts): posts the
 * body it was handed and reports the outcome through shared memory.
 *
 * Outcome slot: 0 while under way, 1 delivered (2xx), 2 failed.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { workerData } from 'node:worker_threads';

interface PostJob {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number;
  outcome: Int32Array;
  tls?: { ca?: string; cert?: string; key?: string };
  rejectUnauthorized: boolean;
}

const job = workerData as PostJob;

function report(outcome: 1 | 2): void {
  if (Atomics.compareExchange(job.outcome, 0, 0, outcome) === 0) Atomics.notify(job.outcome, 0);
}

try {
  const url = new URL(job.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send(url, {
    method: 'POST',
    headers: { ...job.headers, 'content-length': job.body.length },
    timeout: job.timeoutMs,
    ...(url.protocol === 'https:' ? { ...job.tls, rejectUnauthorized: job.rejectUnauthorized } : {}),
  });
  req.on('response', (res) => {
    res.resume();
    report(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? 1 : 2);
  });
  req.on('timeout', () => req.destroy());
  req.on('error', () => report(2));
  req.end(job.body);
} catch {
  report(2);
}
