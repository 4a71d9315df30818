/**
 * Runs in a worker thread while the main thread is blocked at exit (see sync-post.ts): posts the
 * body it was handed (or sends the UDP packets) and reports the outcome through shared memory.
 *
 * Outcome slot: 0 while under way, 1 delivered (2xx), 2 failed.
 */
import { createSocket } from 'node:dgram';
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
  udp?: { host: string; port: number; packets: Uint8Array[] };
}

const job = workerData as PostJob;

function report(outcome: 1 | 2): void {
  if (Atomics.compareExchange(job.outcome, 0, 0, outcome) === 0) Atomics.notify(job.outcome, 0);
}

/** Every packet in turn; delivered once the last is handed to the network. */
function sendPackets(udp: NonNullable<PostJob['udp']>): void {
  const socket = createSocket(udp.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', () => report(2));
  let next = 0;
  const sendNext = (error?: Error | null): void => {
    if (error) return report(2);
    if (next === udp.packets.length) {
      report(1);
      socket.close();
      return;
    }
    const packet = udp.packets[next++];
    socket.send(packet, 0, packet.length, udp.port, udp.host, sendNext);
  };
  sendNext();
}

try {
  if (job.udp) sendPackets(job.udp);
  else post();
} catch {
  report(2);
}

function post(): void {
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
}
