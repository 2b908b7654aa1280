// The key a per-address limit counts a client under: an IPv4 address as it is (also when the
// socket reports it IPv4-mapped, ::ffff:192.0.2.1), an IPv6 address by its /64 prefix. One IPv6
// subscriber is routinely given a whole /64 (RFC 6177, RIPE-690): counted per exact address, one
// attacker had 2^64 addresses and every per-address cap (login throttling, sockets before their
// first frame, WebSocket connections) was void for it. Pure.
import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]; // a zone index (fe80::1%eth0) names no other host
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined
    ? left
    : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

export function addressKey(address: string): string {
  if (isIPv4(address)) return address;
  if (!isIPv6(address.split('%')[0])) return address;
  const groups = ipv6Groups(address);
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket: the IPv4 address it is.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
