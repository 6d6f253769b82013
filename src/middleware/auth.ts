import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { findTokenByHash } from "../db/repos/tokens-repo";
import { type Actor, type Requirement, satisfies } from "../domain/roles";
import type { AppEnv } from "../env";
import { sha256Hex, timingSafeEqual } from "../lib/crypto";
import { ApiError } from "../lib/problem";

export const BOOTSTRAP_ADMIN_ID = "bootstrap-admin";

/**
 * Who a token is, by the SHA-256 of its secret: the bootstrap admin (the Worker secret
 * `ADMIN_TOKEN`) or a live row of the tokens table; null when unknown, revoked or expired. The one
 * place identity is resolved: the API's bearer auth and the console's sessions both call it.
 */
export async function identifyTokenHash(env: Env, hash: string): Promise<Actor | null> {
  const bootstrap = env.ADMIN_TOKEN;
  if (bootstrap && timingSafeEqual(hash, await sha256Hex(bootstrap))) {
    const id = BOOTSTRAP_ADMIN_ID;
    return { id, tokenId: id, name: "admin", role: "admin", scopes: null };
  }
  const token = await findTokenByHash(createDb(env.DB), hash);
  const now = Date.now();
  if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now)) return null;
  // Every token has a principal since migrations/0011; the fallback keeps a hand-made row usable.
  const principal = token.principal ?? { id: token.id, name: token.name };
  return {
    id: principal.id,
    tokenId: token.id,
    name: principal.name,
    role: token.role,
    scopes: token.scopes ?? null,
  };
}

/** Bearer-token authentication (see identifyTokenHash). */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new ApiError("UNAUTHENTICATED", "send a token as 'Authorization: Bearer <token>'");
  const actor = await identifyTokenHash(c.env, await sha256Hex(match[1]));
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
