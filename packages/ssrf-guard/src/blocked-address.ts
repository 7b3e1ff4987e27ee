import ipaddr from "ipaddr.js";
import { formatIPv4, parseIPv4Loose } from "./ipv4-literal.js";
import type { ResolvedAddress } from "./types.js";

/** [network, prefix length] pairs of IPv4 space nothing of ours may reach unasked. */
const BLOCKED_V4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // 127/8
  [0xa9fe0000, 16], // 169.254/16 link-local, cloud metadata
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, includes 255.255.255.255
];

function isBlockedIPv4(n: number): boolean {
  for (const [net, bits] of BLOCKED_V4) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === net) return true;
  }
  return false;
}

function isBlockedIPv6(p: number[]): boolean {
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = p;
  const tailV4 = ((p6 << 16) | p7) >>> 0;
  // ::/96 (::, ::1, IPv4-compatible), ::ffff:0:0/96 (mapped), ::ffff:0:0:0/96 (SIIT):
  // the kernel may deliver these to the embedded IPv4 address.
  if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0) {
    if ((p4 === 0 && (p5 === 0 || p5 === 0xffff)) || (p4 === 0xffff && p5 === 0)) return isBlockedIPv4(tailV4);
  }
  if ((p0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((p0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((p0 & 0xffc0) === 0xfec0) return true; // fec0::/10 old site-local
  if ((p0 & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  if (p0 === 0x64 && p1 === 0xff9b) {
    // 64:ff9b::/96 NAT64 wraps an IPv4 address; 64:ff9b:1::/48 is local-use NAT64 with
    // operator-chosen layout, so it is blocked whole.
    if (p2 === 1) return true;
    if (p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) return isBlockedIPv4(tailV4);
  }
  if (p0 === 0x2002) return isBlockedIPv4(((p1 << 16) | p2) >>> 0); // 6to4 wraps the relay's v4
  if (p0 === 0x2001 && p1 === 0) {
    // Teredo: server v4 in the clear, client v4 inverted.
    return isBlockedIPv4(((p2 << 16) | p3) >>> 0) || isBlockedIPv4(~tailV4 >>> 0);
  }
  return false;
}

/**
 * True when nothing of ours may connect to `ip` unasked. Accepts IPv4 in any notation (`2130706433`,
 * `0x7f.1`), IPv6 with or without brackets, embedded IPv4 forms. Anything that is not an IP
 * address is blocked: the guard fails closed.
 */
export function isBlockedAddress(ip: string): boolean {
  const text = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  if (text.includes(":")) {
    if (!ipaddr.IPv6.isValid(text)) return true;
    return isBlockedIPv6(ipaddr.IPv6.parse(text).parts);
  }
  const v4 = parseIPv4Loose(text);
  return v4 === undefined ? true : isBlockedIPv4(v4);
}

/** The canonical form of an IP literal in any notation, or undefined for a host name. */
export function ipLiteral(host: string): ResolvedAddress | undefined {
  const text = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (text.includes(":")) {
    return ipaddr.IPv6.isValid(text) ? { address: ipaddr.IPv6.parse(text).toString(), family: 6 } : undefined;
  }
  const v4 = parseIPv4Loose(text);
  return v4 === undefined ? undefined : { address: formatIPv4(v4), family: 4 };
}
