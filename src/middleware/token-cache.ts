/**
 * An isolate-local cache of VERIFIED tokens, so a hot read path pays neither the SHA-256 of the
 * bootstrap secret nor a D1 token lookup on every request.
 *
 * - Only a lookup that found a valid token is cached; an unknown, revoked or expired token is never
 *   stored, so it is looked up in D1 every time (and a token created a moment ago works at once).
 * - Keyed by the SHA-256 of the secret, never by the secret itself.
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

/**
 * The actor for a token hash: from the cache while fresh, otherwise from `lookup` (which must
 * verify revocation and expiry itself). `expiresAt` lets an entry end with the token.
 */
export async function cachedActor(
  hash: string,
  lookup: () => Promise<{ actor: Actor; expiresAt: number | null } | null>,
): Promise<Actor | null> {
  const now = Date.now();
  const hit = entries.get(hash);
  if (hit && hit.until > now) return hit.actor;
  if (hit) entries.delete(hash);
  const found = await lookup();
  if (!found) return null;
  if (entries.size >= TOKEN_CACHE_MAX) {
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
  const until = Math.min(now + TOKEN_CACHE_TTL_MS, found.expiresAt ?? Number.POSITIVE_INFINITY);
  entries.set(hash, { actor: found.actor, until });
  return found.actor;
}

/** Drops a token from this isolate's cache (after revoking it here). */
export function forgetCachedToken(tokenId: string): void {
  for (const [hash, entry] of entries) if (entry.actor.tokenId === tokenId) entries.delete(hash);
}
