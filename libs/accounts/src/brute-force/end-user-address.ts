import { isIPv4, isIPv6 } from 'node:net';

/** Who is calling the API, as far as the password check needs to know. */
export interface Caller {
  /** The client credential's id; null for the command-line tool. */
  clientId: string | null;
  /** The client may name the end user's address in `context.ip` (clients create --forwards-end-user-address). */
  forwardsEndUserAddress: boolean;
  /** The TCP peer of the request. */
  socketAddress?: string;
}

export interface EndUserAddress {
  /** As the audit log records it. */
  address: string;
  /** What the counters are keyed by: IPv4 as is, IPv6 by its /64 (one customer's network). */
  key: string;
  /**
   * The address is the caller's own, not the end user's: every end user of that caller shares it,
   * so the per-address limit does not apply to it (it would lock everyone out at once).
   */
  isCallersOwn: boolean;
}

const UNKNOWN = 'unknown';

/** The end user's address: `context.ip` from a client allowed to forward it, else the caller's own. */
export function endUserAddress(caller: Caller, contextIp?: string): EndUserAddress {
  const forwarded = caller.forwardsEndUserAddress && contextIp !== undefined ? normalizeIp(contextIp) : undefined;
  if (forwarded) return { address: forwarded, key: addressKey(forwarded), isCallersOwn: false };
  const own = (caller.socketAddress && normalizeIp(caller.socketAddress)) || UNKNOWN;
  return { address: own, key: own === UNKNOWN ? own : addressKey(own), isCallersOwn: true };
}

/** A textual IP address in one spelling (IPv4-mapped IPv6 as IPv4), or undefined when it is none. */
export function normalizeIp(text: string): string | undefined {
  const ip = text.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(ip)) return ip;
  if (isIPv6(ip)) return ip.toLowerCase();
  return undefined;
}

/** IPv6 users get a whole /64 each, so counting single IPv6 addresses would count nothing. */
function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64';
}
