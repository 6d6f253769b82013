/**
 * Which webhook URLs the registry will POST to (DESIGN.md, Security). Pure: checked when a
 * subscription is saved and again before every delivery (the environment may have changed).
 *
 * What this cannot see is where a hostname resolves: src/events/resolve-check.ts asks DNS (over
 * HTTPS) before every delivery and refuses a name that answers with an address refused here.
 */

export const WEBHOOK_URL_MAX_CHARS = 2048;

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Cloud metadata endpoints reachable by name (their IP literals fall in the ranges below). */
const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.azure.com",
  "metadata.packet.net",
]);

/** Names that only ever resolve inside a host or a private network (RFC 6761, 6762, 8375, common use). */
const PRIVATE_SUFFIXES = [".localhost", ".localdomain", ".local", ".internal", ".home.arpa", ".lan"];

/** IPv4 ranges that are not the public internet (RFC 6890 special-purpose registry): [base, prefix]. */
const BLOCKED_V4: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network", 0.0.0.0
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, includes 169.254.169.254 (metadata)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // TEST-NET-1
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // TEST-NET-2
  ["203.0.113.0", 24], // TEST-NET-3
  ["224.0.0.0", 3], // multicast 224/4, reserved 240/4 and broadcast 255.255.255.255
];

export function checkWebhookUrl(raw: string, environment: string): UrlCheck {
  if (raw.length > WEBHOOK_URL_MAX_CHARS) return no(`must be at most ${WEBHOOK_URL_MAX_CHARS} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return no("is not an absolute URL");
  }
  if (url.username || url.password) return no("must not contain credentials (user:password@)");
  // `localhost.` is `localhost`: a fully qualified name's trailing dot changes nothing it reaches.
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  const loopback = LOOPBACK_NAMES.has(url.hostname.toLowerCase());
  if (url.protocol === "http:") {
    if (!(loopback && environment === "local")) {
      return no("must use https (plain http is allowed only to localhost in local development)");
    }
    return { ok: true, url: url.href };
  }
  if (url.protocol !== "https:") return no("must use https");
  if (loopback && environment === "local") return { ok: true, url: url.href };
  if (METADATA_NAMES.has(host)) return no("must not point at a cloud metadata service");
  if (host === "localhost" || PRIVATE_SUFFIXES.some((s) => host.endsWith(s))) {
    return no("must not point at localhost or a private-network name");
  }
  if (isBlockedAddress(host))
    return no("must not point at a private, loopback, link-local or reserved address");
  if (!host.startsWith("[") && parseIpv4(host) === null && !host.includes(".")) {
    return no(
      "must be a fully qualified public name (a single-label name resolves only on a private network)",
    );
  }
  return { ok: true, url: url.href };
}

const no = (reason: string): UrlCheck => ({ ok: false, reason });

/**
 * True for an IP literal (dotted IPv4, or IPv6 with or without brackets) that is not a public
 * unicast address. Names are false: their addresses are checked after resolving them.
 */
export function isBlockedAddress(host: string): boolean {
  const v4 = parseIpv4(host);
  if (v4 !== null) return blockedIpv4(v4);
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  if (!bare.includes(":")) return false;
  const v6 = parseIpv6(bare);
  return v6 === null || blockedIpv6(v6);
}

function blockedIpv4(ip: number): boolean {
  return BLOCKED_V4.some(([base, bits]) => inRange(ip, parseIpv4(base) ?? 0, bits));
}

/** The URL parser has already normalised 0x7f.1, 2130706433 and friends to dotted decimal. */
function parseIpv4(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

function inRange(ip: number, base: number, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return ip >= base && ip < base + size;
}

/** Eight 16-bit groups, or null when `text` is not an IPv6 address (an embedded dotted IPv4 allowed). */
function parseIpv6(text: string): number[] | null {
  let body = text.toLowerCase();
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(body);
  if (dotted?.[1]) {
    const v4 = parseIpv4(dotted[1]);
    if (v4 === null) return null;
    body = `${body.slice(0, -dotted[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

/**
 * Only global unicast (2000::/3) can be public, and within it the ranges that wrap or stand for
 * something else are refused too: 2001::/23 (Teredo and other protocol assignments), 2001:db8::/32
 * and 3fff::/20 (documentation), 2002::/16 (6to4, which wraps an IPv4 address). Everything outside
 * 2000::/3 — ::, ::1, IPv4-mapped ::ffff:0:0/96 and IPv4-compatible ::/96, NAT64 64:ff9b::/96,
 * fc00::/7 unique local, fe80::/10 link-local, multicast — is refused as well.
 */
function blockedIpv6(g: number[]): boolean {
  const [a = 0, b = 0] = g;
  if ((a & 0xe000) !== 0x2000) return true;
  if (a === 0x2001 && b < 0x0200) return true;
  if (a === 0x2001 && b === 0x0db8) return true;
  if (a === 0x2002) return true;
  if (a === 0x3fff && b < 0x1000) return true;
  return false;
}
