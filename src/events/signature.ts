/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): a secret is `whsec_` + base64 of
 * 24–64 random bytes; the signature is `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
 * Only WebCrypto, so the same code runs in the Worker, in Node and in tests.
 */

export const SECRET_PREFIX = "whsec_";
export const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

const encoder = new TextEncoder();

export function generateSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

/** The raw HMAC key of a `whsec_…` secret; null when it is not one (wrong prefix, size or alphabet). */
export function secretKeyBytes(secret: string): Uint8Array<ArrayBuffer> | null {
  if (!SECRET_PATTERN.test(secret)) return null;
  try {
    const bytes = fromBase64(secret.slice(SECRET_PREFIX.length));
    return bytes.length >= 24 && bytes.length <= 64 ? bytes : null;
  } catch {
    return null;
  }
}

/** The `webhook-signature` header value for one message. */
export async function sign(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const keyBytes = secretKeyBytes(secret);
  if (!keyBytes) throw new Error("not a whsec_ secret");
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The three headers of a signed delivery. */
export async function signedHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<Record<string, string>> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": await sign(secret, id, timestampSeconds, body),
  };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
