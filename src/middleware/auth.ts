import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { findTokenByHash, type TokenWithPrincipal } from "../db/repos/tokens-repo";
import { type Actor, type Requirement, satisfies } from "../domain/roles";
import type { AppEnv } from "../env";
import { sha256Hex, timingSafeEqual } from "../lib/crypto";
import { ApiError } from "../lib/problem";
import { cachedActor } from "./token-cache";

export const BOOTSTRAP_ADMIN_ID = "bootstrap-admin";

/** The bootstrap secret's hash, computed once per isolate (the secret does not change under it). */
let bootstrapHash: { secret: string; hash: string } | undefined;
async function hashOfBootstrap(secret: string): Promise<string> {
  if (bootstrapHash?.secret !== secret) bootstrapHash = { secret, hash: await sha256Hex(secret) };
  return bootstrapHash.hash;
}

/**
 * THE token lookup: who a token is, by the SHA-256 of its secret — the bootstrap admin (the Worker
 * secret `ADMIN_TOKEN`) or a live row of the tokens table with its principal — and until when;
 * null when unknown, revoked or expired. Its result is what the isolate cache holds.
 */
async function lookupToken(
  env: Env,
  hash: string,
  find: () => Promise<TokenWithPrincipal | null | undefined> = () => findTokenByHash(createDb(env.DB), hash),
): Promise<{ actor: Actor; expiresAt: number | null } | null> {
  const bootstrap = env.ADMIN_TOKEN;
  if (bootstrap && timingSafeEqual(hash, await hashOfBootstrap(bootstrap))) {
    const id = BOOTSTRAP_ADMIN_ID;
    return { actor: { id, tokenId: id, name: "admin", role: "admin", scopes: null }, expiresAt: null };
  }
  const token = await find();
  if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= Date.now())) {
    return null;
  }
  // Every token has a principal since migrations/0011; the fallback keeps a hand-made row usable.
  const principal = token.principal ?? { id: token.id, name: token.name };
  const actor = {
    id: principal.id,
    tokenId: token.id,
    name: principal.name,
    role: token.role,
    scopes: token.scopes ?? null,
  };
  return { actor, expiresAt: token.expiresAt };
}

/**
 * Who a token is, uncached: the console's sessions call it on every request so that revoking a
 * token ends its sessions at once. `row` is the token row when the caller already read it (the
 * session query joins it; null = no such row), so the same rules decide without a second read.
 */
export async function identifyTokenHash(
  env: Env,
  hash: string,
  row?: TokenWithPrincipal | null,
): Promise<Actor | null> {
  const find = row === undefined ? undefined : async () => row;
  return (await lookupToken(env, hash, find))?.actor ?? null;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token secret of an `Authorization: Bearer <token>` header, or undefined for any other header. */
export function bearerSecret(header: string | null | undefined): string | undefined {
  return BEARER.exec(header ?? "")?.[1];
}

/**
 * Bearer-token authentication (see identifyTokenHash). Verified tokens are cached in the isolate
 * for a few seconds (see token-cache.ts for the revocation bound).
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const secret = bearerSecret(c.req.header("authorization"));
  if (!secret) throw new ApiError("UNAUTHENTICATED", "send a token as 'Authorization: Bearer <token>'");
  // A cache hit needs no hashing; the hash is computed only to look the token up.
  const actor = await cachedActor(secret, async () => lookupToken(c.env, await sha256Hex(secret)));
  if (!actor) throw new ApiError("UNAUTHENTICATED", "the token is unknown, revoked or expired");
  c.set("actor", actor);
  return next();
});

/** Route middleware: the caller's role must reach `required` (see domain/roles). */
export function requireRole(required: Requirement) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.get("actor");
    if (!satisfies(actor.role, required)) {
      throw new ApiError(
        "PERMISSION_DENIED",
        `this needs the ${required} role; your token has ${actor.role}`,
      );
    }
    return next();
  });
}
