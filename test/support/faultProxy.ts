import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'none' | '503' | 'reset' | 'delay';

/**
 * An HTTP proxy on 127.0.0.1 in front of a real server, that injects faults: answer 503,
 * reset the connection, or hold the request longer than a client's timeout. Faults apply
 * to the next `count` requests (or forever with Infinity); counters tell what happened.
 */
export async function startFaultProxy(upstream: string): Promise<{
  url: string;
  fail(fault: Fault, count?: number, delayMs?: number): void;
  counts: { requests: number; faulted: number; forwarded: number };
  close(): Promise<void>;
}> {
  const target = new URL(upstream);
  let fault: Fault = 'none';
  let remaining = 0;
  let delayMs = 0;
  const counts = { requests: 0, faulted: 0, forwarded: 0 };
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    counts.requests++;
    const active = remaining > 0 ? fault : 'none';
    if (remaining > 0) remaining--;
    if (active === '503') {
      counts.faulted++;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable","message":"injected fault"}');
      return;
    }
    if (active === 'reset') {
      counts.faulted++;
      req.socket.destroy();
      return;
    }
    const forward = (): void => {
      counts.forwarded++;
      const upstreamReq = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      upstreamReq.on('error', () => res.destroy());
      req.pipe(upstreamReq);
    };
    if (active === 'delay') {
      counts.faulted++;
      // The request still reaches the server after the client gave up: exactly the case
      // where idempotent requests matter.
      const t = setTimeout(() => {
        timers.delete(t);
        forward();
      }, delayMs);
      timers.add(t);
      return;
    }
    forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fail(f, count = Infinity, ms = 0) {
      fault = f;
      remaining = f === 'none' ? 0 : count;
      delayMs = ms;
    },
    counts,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
