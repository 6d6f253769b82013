/**
 * Where a webhook's hostname resolves, checked right before each delivery, so a name that points
 * (or is re-pointed, DNS rebinding) at a private address is refused instead of fetched. Workers
 * have no resolver API, so this asks DNS over HTTPS (RFC 8484's JSON form, `WEBHOOK_DNS_RESOLVER`).
 * A name that cannot be checked is not delivered to: the attempt fails and is retried later.
 *
 * What remains: the fetch resolves the name again, a few milliseconds later. Deployed, Workers'
 * outbound fetch has no route into private networks; this check closes the rest of the window
 * that pure URL checks leave open.
 */
import { isBlockedAddress } from "../domain/webhook-url";

export type ResolveCheck = { ok: true } | { ok: false; reason: string };

const LOOKUP_TIMEOUT_MS = 3_000;
const RECORD_TYPES = { A: 1, AAAA: 28 } as const;

interface DnsJson {
  Status?: number;
  Answer?: Array<{ type?: number; data?: string }>;
}

export async function checkResolvedAddress(env: Env, url: string): Promise<ResolveCheck> {
  const { hostname } = new URL(url);
  const host = hostname.toLowerCase().replace(/\.+$/, "");
  // IP literals were checked by checkWebhookUrl; loopback names pass only in local development.
  if (host.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return { ok: true };
  if (host === "localhost" && (env.ENVIRONMENT as string) === "local") return { ok: true };
  const addresses: string[] = [];
  for (const [type, code] of Object.entries(RECORD_TYPES)) {
    const answer = await lookup(env.WEBHOOK_DNS_RESOLVER, host, type);
    if (answer === null) return { ok: false, reason: `could not check where ${host} resolves; not sent` };
    for (const record of answer.Answer ?? []) {
      if (record.type === code && typeof record.data === "string") addresses.push(record.data);
    }
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} has no A or AAAA record; not sent` };
  const blocked = addresses.find((address) => isBlockedAddress(address));
  if (blocked) return { ok: false, reason: `${host} resolves to ${blocked}, a non-public address; not sent` };
  return { ok: true };
}

async function lookup(resolver: string, name: string, type: string): Promise<DnsJson | null> {
  try {
    const query = new URL(resolver);
    query.searchParams.set("name", name);
    query.searchParams.set("type", type);
    const response = await fetch(query, {
      headers: { accept: "application/dns-json" },
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const body = (await response.json()) as DnsJson;
    // NOERROR (0) and NXDOMAIN (3) are answers; anything else (SERVFAIL…) is not knowing.
    return body.Status === 0 || body.Status === 3 ? body : null;
  } catch {
    return null;
  }
}
