import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { listTokens as listTokenRows } from "../../db/repos/tokens-repo";
import type { AppEnv } from "../../env";
import { ledgerFor, SYSTEM_LEDGER, unwrap } from "../../ledger/ledger-client";
import { base64url, randomBytes, sha256Hex } from "../../lib/crypto";
import { newId } from "../../lib/ids";
import { forgetCachedToken } from "../../middleware/token-cache";
import { changeContext } from "../context";
import type * as routes from "./tokens.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

const DAY_MS = 86_400_000;

export const createToken: Handler<"createToken"> = async (c) => {
  const input = c.req.valid("json");
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
  return c.json({ ...token, token: secret }, 201);
};

export const listTokens: Handler<"listTokens"> = async (c) => {
  return c.json({ items: await listTokenRows(createDb(c.env.DB), c.get("actor").scopes) }, 200);
};

export const revokeToken: Handler<"revokeToken"> = async (c) => {
  const { id } = c.req.valid("param");
  const revoked = unwrap(await ledgerFor(c.env, SYSTEM_LEDGER).revokeToken(id, changeContext(c)));
  // At once in this isolate; other isolates drop it within TOKEN_CACHE_TTL_MS.
  forgetCachedToken(id);
  return c.json(revoked, 200);
};
