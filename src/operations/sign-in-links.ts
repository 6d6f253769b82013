/** One-time console sign-in links: created over the API (bearer), used once by /login. */
import type { Context } from "hono";
import { createDb } from "../db/client";
import { insertSignInLink } from "../db/repos/sessions-repo";
import type { AppEnv } from "../env";
import { base64url, randomBytes, sha256Hex } from "../lib/crypto";
import { bearerSecret } from "../middleware/auth";

export const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;

/**
 * The link's session will act as the very token that asked for it: the stored hash is that
 * token's, re-resolved on every console request, so a link can never widen what its maker may do.
 */
export async function createSignInLink(c: Context<AppEnv>) {
  const bearer = bearerSecret(c.req.header("authorization")) ?? "";
  const actor = c.get("actor");
  const code = base64url(randomBytes(32));
  const expiresAt = Date.now() + SIGN_IN_LINK_TTL_MS;
  await insertSignInLink(createDb(c.env.DB), {
    codeHash: await sha256Hex(code),
    tokenId: actor.id,
    tokenHash: await sha256Hex(bearer),
    actorName: actor.name,
    expiresAt,
  });
  return { path: `/login?code=${code}`, expires_at: new Date(expiresAt).toISOString() };
}
