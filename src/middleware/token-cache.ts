/**
 * An isolate-local cache of VERIFIED tokens, so a hot read path pays neither the SHA-256 of the
 * bootstrap secret nor a D1 token lookup on every request.
 *
 * - Only a lookup that found a valid token is cached; an unknown, revoked or expired token is never
 *   stored, so it is looked up in D1 every time (and a token created a moment ago works at once).
 * - Keyed by the secret as the request carried it (issue 13, round 3): a hit costs one Map lookup,
 *   no SHA-256 (an async WebCrypto round trip on every request). The secret sits in this isolate's
 *   memory for at most the TTL, as it does in every request that carries it; it is never logged
 *   or stored, and D1 still holds only its hash.
 * - Revocation takes effect within TOKEN_CACHE_TTL_MS in every isolate (the entry expires and the
 *   next request reads D1 again), and at once in the isolate that handled the revocation
 *   (`forgetCachedToken`). A token's own expiry is honoured exactly: an entry never outlives it.
 * - At most TOKEN_CACHE_MAX entries; the oldest is dropped first.
 */
import type { Actor } from "../domain/roles";

/** The documented revocation bound (README "Security"): a revoked token works at most this long. */
export const TOKEN_CACHE_TTL_MS = 5_000;
const TOKEN_CACHE_MAX = 1_000;

interface Entry {
  actor: Actor;
  /** When the entry stops counting: the TTL, or the token's own expiry if sooner. */
  until: number;
}

const entries = new Map<string, Entry>();

/** The cached actor for a token secret while its entry is fresh, else undefined (synchronous). */
export function peekActor(secret: string): Actor | undefined {
  const hit = entries.get(secret);
  if (!hit) return undefined;
  if (hit.until > Date.now()) return hit.actor;
  entries.delete(secret);
  return undefined;
}

/**
 * The actor for a token secret: from the cache while fresh, otherwise from `lookup` (which must
 * verify revocation and expiry itself). `expiresAt` lets an entry end with the token.
 */
export async function cachedActor(
  secret: string,
  lookup: () => Promise<{ actor: Actor; expiresAt: number | null } | null>,
): Promise<Actor | null> {
  const now = Date.now();
  const hit = peekActor(secret);
  if (hit) return hit;
  const found = await lookup();
  if (!found) return null;
  if (entries.size >= TOKEN_CACHE_MAX) {
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
  const until = Math.min(now + TOKEN_CACHE_TTL_MS, found.expiresAt ?? Number.POSITIVE_INFINITY);
  entries.set(secret, { actor: found.actor, until });
  return found.actor;
}

/** Drops a token from this isolate's cache (after revoking it here). */
export function forgetCachedToken(tokenId: string): void {
  for (const [secret, entry] of entries) if (entry.actor.tokenId === tokenId) entries.delete(secret);
}
