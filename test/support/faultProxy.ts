import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'none' | '503' | '500' | '429' | 'reset' | 'delay' | 'truncate' | 'wrong-shape';

/**
 * An HTTP proxy on 127.0.0.1 in front of a real server, that injects faults: answer 503 or
 * 500, answer 429 with Retry-After (`delayMs` rounded up to seconds), reset the connection,
 * hold the request longer than a client's timeout, forward the request but cut the answer
 * short (fewer bytes than its Content-Length), or answer 200 with valid JSON of the wrong
 * shape without forwarding. Faults apply to the next `count` requests (or forever with
 * Infinity); counters tell what happened.
 */
export async function startFaultProxy(upstream: string): Promise<{
  url: string;
  fail(fault: Fault, count?: number, delayMs?: number): void;
  counts: { requests: number; faulted: number; forwarded: number };
  /** Every request: when it arrived (Date.now()) and the fault it got. */
  log: { at: number; fault: Fault }[];
  close(): Promise<void>;
}> {
  const target = new URL(upstream);
  let fault: Fault = 'none';
  let remaining = 0;
  let delayMs = 0;
  const counts = { requests: 0, faulted: 0, forwarded: 0 };
  const log: { at: number; fault: Fault }[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    counts.requests++;
    const active = remaining > 0 ? fault : 'none';
    log.push({ at: Date.now(), fault: active });
    if (remaining > 0) remaining--;
    if (active === '503' || active === '500') {
      counts.faulted++;
      req.resume();
      res.writeHead(Number(active), { 'content-type': 'application/json' }).end('{"error":"unavailable","message":"injected fault"}');
      return;
    }
    if (active === '429') {
      counts.faulted++;
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(Math.ceil(delayMs / 1000)) }).end('{"error":"too_many_requests","message":"injected fault"}');
      return;
    }
    if (active === 'wrong-shape') {
      counts.faulted++;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"unexpected":["valid JSON, not what the protocol answers"]}');
      return;
    }
    if (active === 'reset') {
      counts.faulted++;
      req.socket.destroy();
      return;
    }
    const forward = (truncate = false): void => {
      counts.forwarded++;
      const upstreamReq = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstreamRes) => {
          if (!truncate) {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            upstreamRes.pipe(res);
            return;
          }
          // The server did the work; the client gets half of the answer, then a closed socket.
          const chunks: Buffer[] = [];
          upstreamRes.on('data', (c: Buffer) => chunks.push(c));
          upstreamRes.on('end', () => {
            const body = Buffer.concat(chunks);
            const { 'transfer-encoding': _chunked, ...headers } = upstreamRes.headers;
            res.writeHead(upstreamRes.statusCode ?? 502, { ...headers, 'content-length': String(body.length + 1) });
            res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
          });
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
    if (active === 'truncate') counts.faulted++;
    forward(active === 'truncate');
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
    log,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
