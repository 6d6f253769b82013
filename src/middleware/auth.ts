import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { findTokenByHash } from "../db/repos/tokens-repo";
import { type Actor, type Requirement, satisfies } from "../domain/roles";
import type { AppEnv } from "../env";
import { sha256Hex, timingSafeEqual } from "../lib/crypto";
import { ApiError } from "../lib/problem";
import { cachedActor } from "./token-cache";

export const BOOTSTRAP_ADMIN_ID = "bootstrap-admin";

/**
 * Bearer-token authentication. The bootstrap admin token is a Worker secret (`ADMIN_TOKEN`);
 * every other token is looked up by the SHA-256 of its secret. Verified tokens are cached in the
 * isolate for a few seconds (see token-cache.ts for the revocation bound).
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new ApiError("UNAUTHENTICATED", "send a token as 'Authorization: Bearer <token>'");
  const hash = await sha256Hex(match[1]);
  const actor = await cachedActor(hash, () => findActor(c.env, hash));
  if (!actor) throw new ApiError("UNAUTHENTICATED", "the token is unknown, revoked or expired");
  c.set("actor", actor);
  return next();
});

/**
 * THE token lookup: who a token hash belongs to, or null when it is unknown, revoked or expired.
 * Its result is what the isolate cache holds.
 */
async function findActor(env: Env, hash: string): Promise<{ actor: Actor; expiresAt: number | null } | null> {
  const bootstrap = env.ADMIN_TOKEN;
  if (bootstrap && timingSafeEqual(hash, await sha256Hex(bootstrap))) {
    return { actor: { id: BOOTSTRAP_ADMIN_ID, name: "admin", role: "admin", scopes: null }, expiresAt: null };
  }
  const token = await findTokenByHash(createDb(env.DB), hash);
  if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= Date.now())) {
    return null;
  }
  return {
    actor: { id: token.id, name: token.name, role: token.role, scopes: token.scopes ?? null },
    expiresAt: token.expiresAt,
  };
}

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
