import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server on loopback in front of a Load Tester that forwards every request and
 * keeps the body of each bulk upsert, or answers one itself when `answer` says so (to play
 * a Load Tester of another version).
 */
export async function startUpsertProxy(
  upstream: string,
  answer?: (body: unknown) => { status: number; body: string } | undefined,
): Promise<{ url: string; upserts: unknown[]; close: () => Promise<void> }> {
  const upserts: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/api/users/bulk-upsert') {
        const parsed: unknown = JSON.parse(body);
        upserts.push(parsed);
        const own = answer?.(parsed);
        if (own) {
          res.writeHead(own.status, { 'content-type': 'application/json' }).end(own.body);
          return;
        }
      }
      void fetch(`${upstream}${req.url}`, { method: req.method, headers: { authorization: req.headers.authorization ?? '', ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body } : {}) }).then(async (r) => {
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upserts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
