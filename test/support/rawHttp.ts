import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** Headers sent with every request to a service; per request, so credentials can be added or left out. */
export type Headers = Record<string, string>;

/**
 * Credentials for the Load Tester, which requires a token on every route that reads
 * credentials or writes: the environment to start it with (a fresh write token) and the
 * headers that present it.
 */
export function loadTesterAuth(): { env: NodeJS.ProcessEnv; headers: Headers } {
  const token = randomBytes(24).toString('base64url');
  return { env: { LOADTESTER_TOKEN: token }, headers: { authorization: `Bearer ${token}` } };
}

/**
 * Writes `bytes` to a fresh TCP connection as they are (any framing, right or wrong), half-
 * closes it, and collects everything the server sends until it closes the connection or
 * `ms` pass. Returns the status code of every response seen in the stream.
 */
export async function rawExchange(url: string, bytes: Buffer | string, ms = 5_000): Promise<{ statuses: number[]; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ statuses: [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1])), text });
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
    socket.on('connect', () => socket.end(bytes));
  });
}

/** One request with a JSON (or any) body over a real socket, through fetch. */
export async function send(url: string, method: string, path: string, headers: Headers, body?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, text: await res.text() };
}

/** Broken HTTP framings of a POST to `path`; each is sent as raw bytes. */
export function brokenFramings(path: string, headers: Headers): { label: string; bytes: Buffer }[] {
  const host = 'Host: 127.0.0.1\r\n';
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const head = (lines: string) => `POST ${path} HTTP/1.1\r\n${host}${extra}${lines}\r\n`;
  const json = '{"a": 1}';
  return [
    { label: 'Content-Length longer than the body', bytes: Buffer.from(head(`Content-Type: application/json\r\nContent-Length: ${json.length + 40}\r\n`) + json) },
    { label: 'Content-Length shorter than the body', bytes: Buffer.from(head(`Content-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n`) + json) },
    { label: 'Content-Length not a number', bytes: Buffer.from(head(`Content-Type: application/json\r\nContent-Length: ten\r\n`) + json) },
    { label: 'two different Content-Lengths', bytes: Buffer.from(head(`Content-Type: application/json\r\nContent-Length: 8\r\nContent-Length: 9\r\n`) + json) },
    { label: 'Content-Length and chunked together', bytes: Buffer.from(head(`Content-Type: application/json\r\nContent-Length: 8\r\nTransfer-Encoding: chunked\r\n`) + `8\r\n${json}\r\n0\r\n\r\n`) },
    { label: 'chunked body cut inside a chunk', bytes: Buffer.from(head(`Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n`) + `64\r\n${json}`) },
    { label: 'chunked body without its last chunk', bytes: Buffer.from(head(`Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n`) + `8\r\n${json}\r\n`) },
    { label: 'bad chunk size', bytes: Buffer.from(head(`Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n`) + `zz\r\n${json}\r\n0\r\n\r\n`) },
    { label: 'charset latin1', bytes: Buffer.concat([Buffer.from(head(`Content-Type: application/json; charset=latin1\r\nContent-Length: 11\r\nConnection: close\r\n`)), Buffer.from('{"a": "\xe9"}', 'latin1')]) },
    { label: 'charset utf-16', bytes: Buffer.concat([Buffer.from(head(`Content-Type: application/json; charset=utf-16\r\nContent-Length: 16\r\nConnection: close\r\n`)), Buffer.from('{"a": 1}', 'utf16le')]) },
    { label: 'invalid UTF-8 in a utf-8 body', bytes: Buffer.concat([Buffer.from(head(`Content-Type: application/json; charset=utf-8\r\nContent-Length: 11\r\nConnection: close\r\n`)), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x20, 0x22, 0xc3, 0x28, 0x22, 0x7d])]) },
    { label: 'a header line without a colon', bytes: Buffer.from(head(`Content-Type: application/json\r\nBroken header\r\nContent-Length: 8\r\n`) + json) },
  ];
}
