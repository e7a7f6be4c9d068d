import { isIP } from 'node:net';

/**
 * Whether a listen address or URL host stays on this machine: `localhost`, 127.0.0.0/8,
 * `::1` (also bracketed, and IPv4-mapped). Anything else, `0.0.0.0` and `::` included,
 * may be reached from other machines.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === 'localhost') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return isIP(h) === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(h);
}

/**
 * Whether an HTTP `Host` header names this machine by a loopback name (any port). A
 * service bound to loopback accepts only these: a web page whose DNS name was rebound to
 * 127.0.0.1 still sends its own name, and is refused.
 */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  if (!header) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d{1,5})?$/.exec(header.trim());
  return m !== null && isLoopbackHost(m[1]!);
}
