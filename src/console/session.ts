/**
 * Console sessions. The cookie holds a random secret; D1 holds only its SHA-256 with the hash of
 * the token the session acts as. Every request re-resolves that token through identifyTokenHash,
 * the function the API's bearer auth uses, so a revoked or expired token ends its sessions at once.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { deleteSession, findLiveSessionWithToken, insertSession } from "../db/repos/sessions-repo";
import type { Actor } from "../domain/roles";
import type { AppEnv } from "../env";
import { base64url, randomBytes, sha256Hex, timingSafeEqual } from "../lib/crypto";
import { identifyTokenHash } from "../middleware/auth";

export const SESSION_COOKIE = "registry_session";
export const LOGIN_CSRF_COOKIE = "registry_login_csrf";
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const secure = (c: Context) => new URL(c.req.url).protocol === "https:";

export const newSecret = () => base64url(randomBytes(32));

/** HttpOnly, SameSite=Strict, Secure over https: script cannot read it, other sites cannot send it. */
export function cookieOptions(c: Context, maxAgeSeconds: number, path = "/") {
  return { httpOnly: true, sameSite: "Strict" as const, secure: secure(c), path, maxAge: maxAgeSeconds };
}

/** Starts a session for a token already resolved to `actor`; sets the cookie. */
export async function startSession(c: Context<AppEnv>, tokenHash: string, actor: Actor): Promise<void> {
  const secret = newSecret();
  const now = Date.now();
  await insertSession(createDb(c.env.DB), {
    idHash: await sha256Hex(secret),
    tokenId: actor.id,
    tokenHash,
    actorName: actor.name,
    csrfToken: newSecret(),
    createdAt: now,
    expiresAt: now + SESSION_TTL_MS,
  });
  setCookie(c, SESSION_COOKIE, secret, cookieOptions(c, SESSION_TTL_MS / 1000));
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const secret = getCookie(c, SESSION_COOKIE);
  if (secret) await deleteSession(createDb(c.env.DB), await sha256Hex(secret));
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secure(c) });
}

/** Only same-site paths: `next=//evil.example` or `next=https://…` would be an open redirect. */
export function safeNext(next: string | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

function toLogin(c: Context<AppEnv>, reason?: string) {
  const url = new URL(c.req.url);
  const params = new URLSearchParams({ next: `${url.pathname}${url.search}` });
  if (reason) params.set("reason", reason);
  return c.redirect(`/login?${params}`, 303);
}

/**
 * Signed-in pages: resolves the session to an actor (or sends the browser to /login) and, on
 * POST, demands the session's CSRF token in the form (the synchroniser-token pattern; hono/csrf
 * has already refused cross-origin form posts by Origin / Sec-Fetch-Site).
 */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const secret = getCookie(c, SESSION_COOKIE);
  if (!secret) return toLogin(c);
  const db = createDb(c.env.DB);
  const idHash = await sha256Hex(secret);
  // The session and its token in one read: the token row decides (revoked, expired) as for the API.
  const found = await findLiveSessionWithToken(db, idHash, Date.now());
  if (!found) {
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secure(c) });
    return toLogin(c, "expired");
  }
  const { session } = found;
  const actor = await identifyTokenHash(c.env, session.tokenHash, found.token);
  if (!actor) {
    await deleteSession(db, idHash);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secure(c) });
    return toLogin(c, "revoked");
  }
  if (c.req.method === "POST") {
    const form = await c.req.parseBody();
    const sent = typeof form.csrf === "string" ? form.csrf : "";
    if (!timingSafeEqual(sent, session.csrfToken))
      return c.text("Forbidden: the form's CSRF token is missing or wrong", 403);
  }
  c.set("actor", actor);
  c.set("csrf", session.csrfToken);
  return next();
});
