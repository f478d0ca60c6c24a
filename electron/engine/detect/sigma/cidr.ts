// `cidr`: IPv4 and IPv6 networks, compared as BigInt so IPv6 needs no special cases.

import { RuleError } from './types.js';

export interface Cidr {
  readonly v6: boolean;
  readonly network: bigint;
  readonly mask: bigint;
  readonly text: string;
}

function parseV4(s: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let n = 0n;
  for (let i = 1; i <= 4; i++) {
    const b = Number(m[i]);
    if (b > 255) return null;
    n = (n << 8n) | BigInt(b);
  }
  return n;
}

function parseV6(input: string): bigint | null {
  let s = input;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two groups.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseV4(tail);
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** Parses an address: IPv4 or IPv6 (zone ids and brackets dropped). */
export function parseIp(s: string): { v6: boolean; n: bigint } | null {
  const t = s.trim();
  const v4 = parseV4(t);
  if (v4 !== null) return { v6: false, n: v4 };
  if (!t.includes(':')) return null;
  const v6 = parseV6(t);
  return v6 === null ? null : { v6: true, n: v6 };
}

export function parseCidr(text: string): Cidr {
  const [addr, bitsText] = text.split('/');
  const ip = parseIp(addr ?? '');
  if (!ip) throw new RuleError(`cidr: ${JSON.stringify(text)} is not an IPv4 or IPv6 network`);
  const width = ip.v6 ? 128 : 32;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) throw new RuleError(`cidr: bad prefix length in ${JSON.stringify(text)}`);
  const all = (1n << BigInt(width)) - 1n;
  const mask = bits === 0 ? 0n : (all >> BigInt(width - bits)) << BigInt(width - bits);
  return { v6: ip.v6, network: ip.n & mask, mask, text };
}

/** The last address parsed by cidrContains: a rule's list of networks is tested against one
 *  address after another (parseIp is pure, so the answer for the same string is the same). */
let lastAddress: string | undefined;
let lastIp: { v6: boolean; n: bigint } | null = null;

/** Whether an address string lies in the network. IPv4-mapped IPv6 addresses match IPv4 networks. */
export function cidrContains(c: Cidr, address: string): boolean {
  let ip: { v6: boolean; n: bigint } | null;
  if (address === lastAddress) ip = lastIp;
  else {
    ip = parseIp(address);
    lastAddress = address;
    lastIp = ip;
  }
  if (!ip) return false;
  if (ip.v6 === c.v6) return (ip.n & c.mask) === c.network;
  if (!c.v6 && ip.v6 && ip.n >> 32n === 0xffffn) return ((ip.n & 0xffffffffn) & c.mask) === c.network;
  return false;
}
