/**
 * Reference verifier for receivers (and our tests): checks a delivery's `webhook-signature`
 * against the subscription secret and refuses timestamps outside a tolerance (replay protection).
 * Standard Webhooks: the header may carry several space-separated `v1,<sig>` entries (secret
 * rotation); one match is enough. Runs anywhere WebCrypto does (Workers, Node ≥ 20, browsers).
 */
import { sign } from "./signature";

export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export type Verification = { ok: true } | { ok: false; reason: string };

export interface VerifyOptions {
  toleranceSeconds?: number;
  /** Seconds since the epoch; defaults to the clock. */
  now?: number;
}

/** `headers`: a Headers object or a plain record with lowercase names (Node's IncomingHttpHeaders). */
export async function verifySignature(
  secret: string,
  headers: Headers | Record<string, string | string[] | undefined>,
  body: string,
  options: VerifyOptions = {},
): Promise<Verification> {
  const get = (name: string) => {
    const value = headers instanceof Headers ? headers.get(name) : headers[name];
    return Array.isArray(value) ? value[0] : (value ?? undefined);
  };
  const id = get("webhook-id");
  const timestamp = get("webhook-timestamp");
  const signatures = get("webhook-signature");
  if (!id || !timestamp || !signatures) return { ok: false, reason: "missing webhook-* headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed webhook-timestamp" };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) {
    return { ok: false, reason: "timestamp outside the tolerance" };
  }
  let expected: string;
  try {
    expected = await sign(secret, id, Number(timestamp), body);
  } catch {
    return { ok: false, reason: "not a whsec_ secret" };
  }
  const match = signatures.split(" ").some((candidate) => constantTimeEqual(candidate, expected));
  return match ? { ok: true } : { ok: false, reason: "no matching signature" };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
