/**
 * Token administration shared by the API's token routes and the console's /admin/tokens page:
 * one function per action, each asking for the admin role itself (the console has no route
 * middleware) and leaving scopes and principals to the system ledger (invariant 9).
 */
import type { Context } from "hono";
import { createDb } from "../db/client";
import { listTokens } from "../db/repos/tokens-repo";
import type { AppEnv } from "../env";
import { ledgerFor, SYSTEM_LEDGER, unwrap } from "../ledger/ledger-client";
import { base64url, randomBytes, sha256Hex } from "../lib/crypto";
import { newId } from "../lib/ids";
import { forgetCachedToken } from "../middleware/token-cache";
import { changeContext } from "../routes/context";
import type { CreateTokenInput } from "../schemas/tokens";
import { assertRole } from "./access";

const DAY_MS = 86_400_000;

/** Creates a token; the answer carries the secret, which exists nowhere else (only its hash is stored). */
export async function createApiToken(c: Context<AppEnv>, input: CreateTokenInput) {
  assertRole(c, "admin");
  const secret = `mrt_${base64url(randomBytes(32))}`;
  const now = Date.now();
  const row = {
    id: newId("tok"),
    name: input.name,
    role: input.role,
    // Omitted scopes inherit the principal's (a new principal's: the creator's), never wider.
    scopes: input.scopes,
    principalId: input.principal_id ?? null,
    tokenHash: await sha256Hex(secret),
    createdBy: c.get("actor").name,
    createdAt: now,
    expiresAt: input.expires_in_days ? now + input.expires_in_days * DAY_MS : null,
    revokedAt: null,
  };
  const token = unwrap(await ledgerFor(c.env, SYSTEM_LEDGER).createToken(row, changeContext(c)));
  return { ...token, token: secret };
}

/** Tokens whose scopes lie within the caller's (all of them for an unscoped admin). */
export async function listVisibleTokens(c: Context<AppEnv>) {
  assertRole(c, "admin");
  return listTokens(createDb(c.env.DB), c.get("actor").scopes);
}

export async function revokeApiToken(c: Context<AppEnv>, id: string) {
  assertRole(c, "admin");
  const revoked = unwrap(await ledgerFor(c.env, SYSTEM_LEDGER).revokeToken(id, changeContext(c)));
  // At once in this isolate; other isolates drop it within TOKEN_CACHE_TTL_MS.
  forgetCachedToken(id);
  return revoked;
}
