/**
 * Which webhook URLs the registry will POST to (DESIGN.md, Security). Pure: checked when a
 * subscription is saved and again before every delivery (the environment may have changed).
 *
 * What this cannot see: a public hostname whose DNS points at a private address. Deployed, Workers'
 * outbound fetch has no route into private networks, so literal addresses and well-known metadata
 * names are what is left to refuse here.
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

/** IPv4 ranges that are not the public internet: [first octets as a number, prefix length]. */
const BLOCKED_V4: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network", 0.0.0.0
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, includes 169.254.169.254 (metadata)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4], // multicast and reserved up to 255.255.255.255
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
  const host = url.hostname.toLowerCase();
  const loopback = LOOPBACK_NAMES.has(host);
  if (url.protocol === "http:") {
    if (!(loopback && environment === "local")) {
      return no("must use https (plain http is allowed only to localhost in local development)");
    }
    return { ok: true, url: url.href };
  }
  if (url.protocol !== "https:") return no("must use https");
  if (loopback && environment === "local") return { ok: true, url: url.href };
  if (host === "localhost" || host.endsWith(".localhost")) return no("must not point at localhost");
  if (METADATA_NAMES.has(host.replace(/\.$/, ""))) return no("must not point at a cloud metadata service");
  const v4 = parseIpv4(host);
  if (v4 !== null && BLOCKED_V4.some(([base, bits]) => inRange(v4, parseIpv4(base) ?? 0, bits))) {
    return no("must not point at a private, loopback, link-local or reserved address");
  }
  if (host.startsWith("[") && blockedIpv6(host.slice(1, -1))) {
    return no("must not point at a private, loopback, link-local or reserved address");
  }
  return { ok: true, url: url.href };
}

const no = (reason: string): UrlCheck => ({ ok: false, reason });

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

/**
 * `host` is the bracket-less, parser-normalised IPv6 literal. Only global unicast (2000::/3) is a
 * public address; everything else — ::, ::1, IPv4-mapped ::ffff:…, fc00::/7 unique local,
 * fe80::/10 link-local, multicast — is refused.
 */
function blockedIpv6(host: string): boolean {
  if (host.startsWith("::")) return true;
  const first = Number.parseInt(host.split(":")[0] ?? "0", 16);
  return Number.isNaN(first) || (first & 0xe000) !== 0x2000;
}
