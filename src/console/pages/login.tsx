/**
 * `/login` and `/logout`. Before a session exists, the sign-in form is protected by hono/csrf
 * (Origin / Sec-Fetch-Site) plus a double-submit token: a random value in a SameSite=Strict cookie
 * scoped to /login that the form must echo.
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { createDb } from "../../db/client";
import { consumeSignInLink } from "../../db/repos/sessions-repo";
import type { AppEnv } from "../../env";
import { sha256Hex, timingSafeEqual } from "../../lib/crypto";
import { identifyTokenHash } from "../../middleware/auth";
import { CsrfField, Flash } from "../components/forms";
import { renderPage } from "../layout";
import { cookieOptions, endSession, LOGIN_CSRF_COOKIE, newSecret, safeNext, startSession } from "../session";

const REASONS: Record<string, string> = {
  expired: "Your session expired. Sign in again.",
  revoked: "The token behind your session was revoked or has expired. Sign in with a valid token.",
  "signed-out": "You are signed out.",
};

function LoginForm(props: {
  csrf: string;
  next: string;
  code?: string | undefined;
  error?: string | undefined;
  notice?: string | undefined;
}) {
  return (
    <div class="login">
      <h1>Sign in</h1>
      <p class="sub">The console acts with the rights of the token you sign in with.</p>
      {props.notice ? <Flash kind="info">{props.notice}</Flash> : null}
      {props.error ? <Flash kind="error">{props.error}</Flash> : null}
      <form method="post" action="/login" class="panel">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        {props.code ? (
          <>
            <input type="hidden" name="code" value={props.code} />
            <p>This one-time link signs you in. It stops working once used.</p>
          </>
        ) : (
          <div class="field">
            <label for="token">
              API token <span class="hint">paste it; it is not shown again</span>
            </label>
            <input type="password" id="token" name="token" required autocomplete="off" autofocus />
          </div>
        )}
        <button type="submit">Sign in</button>
      </form>
    </div>
  );
}

function renderLogin(
  c: Context<AppEnv>,
  props: { next: string; code?: string | undefined; error?: string; notice?: string | undefined },
) {
  const csrf = newSecret();
  setCookie(c, LOGIN_CSRF_COOKIE, csrf, cookieOptions(c, 3600, "/login"));
  c.header("cache-control", "no-store");
  return renderPage(c, <LoginForm csrf={csrf} {...props} />, { title: "Sign in", section: "login" });
}

export function loginPage(c: Context<AppEnv>) {
  const reason = c.req.query("reason");
  return renderLogin(c, {
    next: safeNext(c.req.query("next")),
    code: c.req.query("code")?.slice(0, 128),
    notice: reason ? REASONS[reason] : undefined,
  });
}

export async function loginSubmit(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const field = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
  const next = safeNext(field("next"));
  const expected = getCookie(c, LOGIN_CSRF_COOKIE) ?? "";
  if (!expected || !timingSafeEqual(field("csrf"), expected)) {
    c.status(403);
    return renderLogin(c, { next, error: "The sign-in form expired or came from elsewhere. Try again." });
  }
  let tokenHash: string | null = null;
  if (field("code")) {
    const link = await consumeSignInLink(createDb(c.env.DB), await sha256Hex(field("code")), Date.now());
    tokenHash = link?.tokenHash ?? null;
    if (!tokenHash) {
      c.status(401);
      return renderLogin(c, {
        next,
        error: "This sign-in link was already used or has expired. Paste a token instead.",
      });
    }
  } else if (field("token")) {
    tokenHash = await sha256Hex(field("token").trim());
  }
  const actor = tokenHash ? await identifyTokenHash(c.env, tokenHash) : null;
  if (!tokenHash || !actor) {
    c.status(401);
    return renderLogin(c, { next, error: "That token is unknown, revoked or expired." });
  }
  await startSession(c, tokenHash, actor);
  return c.redirect(next, 303);
}

export async function logoutSubmit(c: Context<AppEnv>) {
  await endSession(c);
  return c.redirect("/login?reason=signed-out", 303);
}
