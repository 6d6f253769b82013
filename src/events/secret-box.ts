/**
 * Webhook signing secrets at rest. Unlike API tokens they cannot be stored as hashes: HMAC signing
 * needs the key itself on every delivery. So they are encrypted with AES-256-GCM under a key derived
 * (HKDF-SHA256) from a Worker secret — `WEBHOOK_SECRETS_KEY` if set, else `ADMIN_TOKEN` — with the
 * subscription id as associated data, so a database dump alone does not reveal them and a ciphertext
 * cannot be moved to another subscription. Rotating the Worker secret makes stored secrets
 * unreadable (deliveries fail until each subscription is given a new secret with PATCH).
 */
import { base64url, fromBase64url } from "../lib/crypto";

const FORMAT = "v1";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function deriveKey(env: Env): Promise<CryptoKey> {
  const material = (env as { WEBHOOK_SECRETS_KEY?: string }).WEBHOOK_SECRETS_KEY || env.ADMIN_TOKEN;
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(material), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("webhook-secrets/v1") },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function sealSecret(env: Env, subscriptionId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(subscriptionId) },
    await deriveKey(env),
    encoder.encode(secret),
  );
  return `${FORMAT}:${base64url(iv)}:${base64url(new Uint8Array(sealed))}`;
}

/** Throws when the stored value was sealed under another key or for another subscription. */
export async function openSecret(env: Env, subscriptionId: string, stored: string): Promise<string> {
  const [format, iv, data] = stored.split(":");
  if (format !== FORMAT || !iv || !data) throw new Error("unknown secret format");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64url(iv), additionalData: encoder.encode(subscriptionId) },
    await deriveKey(env),
    fromBase64url(data),
  );
  return decoder.decode(plain);
}
