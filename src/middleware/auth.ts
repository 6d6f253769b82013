import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { findTokenByHash } from "../db/repos/tokens-repo";
import { type Requirement, satisfies } from "../domain/roles";
import type { AppEnv } from "../env";
import { sha256Hex, timingSafeEqual } from "../lib/crypto";
import { ApiError } from "../lib/problem";

export const BOOTSTRAP_ADMIN_ID = "bootstrap-admin";

/**
 * Bearer-token authentication. The bootstrap admin token is a Worker secret (`ADMIN_TOKEN`);
 * every other token is looked up by the SHA-256 of its secret.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new ApiError("UNAUTHENTICATED", "send a token as 'Authorization: Bearer <token>'");
  const hash = await sha256Hex(match[1]);
  const bootstrap = c.env.ADMIN_TOKEN;
  if (bootstrap && timingSafeEqual(hash, await sha256Hex(bootstrap))) {
    const id = BOOTSTRAP_ADMIN_ID;
    c.set("actor", { id, tokenId: id, name: "admin", role: "admin", scopes: null });
    return next();
  }
  const token = await findTokenByHash(createDb(c.env.DB), hash);
  const now = Date.now();
  if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now)) {
    throw new ApiError("UNAUTHENTICATED", "the token is unknown, revoked or expired");
  }
  // Every token has a principal since migrations/0011; the fallback keeps a hand-made row usable.
  const principal = token.principal ?? { id: token.id, name: token.name };
  c.set("actor", {
    id: principal.id,
    tokenId: token.id,
    name: principal.name,
    role: token.role,
    scopes: token.scopes ?? null,
  });
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
