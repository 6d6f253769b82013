/**
 * `/admin/tokens` (admins): the tokens the signed-in admin may see, a form to create one and a
 * revoke form per live token. Everything goes through src/operations/tokens.ts, the code behind
 * the API's token routes, so a scoped admin sees and changes exactly what its API calls could.
 *
 * The new secret is rendered once, in the answer to the create POST (no redirect: the secret must
 * never travel in a URL), with Cache-Control: no-store; it is stored nowhere but as its hash.
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { createDb } from "../../db/client";
import { listPrincipals } from "../../db/repos/principals-repo";
import { TOKEN_ROLES } from "../../domain/roles";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { assertRole } from "../../operations/access";
import { createApiToken, listVisibleTokens, revokeApiToken } from "../../operations/tokens";
import { CreateTokenSchema, type TokenView } from "../../schemas/tokens";
import { Time } from "../components/badges";
import { ConfirmBox, CsrfField, Flash, TextField } from "../components/forms";
import { ErrorPanel } from "../error-page";
import { renderPage } from "../layout";

const Scopes = ({ scopes }: { scopes: string[] | null }) =>
  scopes === null ? <span class="muted">all models</span> : <code>{scopes.join(", ")}</code>;

function TokenRow({ c, t, principal }: { c: Context<AppEnv>; t: TokenView; principal: string | undefined }) {
  return (
    <tr>
      <td>
        {t.name}
        <div class="muted mono">{t.id}</div>
      </td>
      <td>{t.role}</td>
      <td>
        <Scopes scopes={t.scopes} />
      </td>
      <td>{principal ?? <span class="mono">{t.principal_id ?? "—"}</span>}</td>
      <td>
        <Time iso={t.created_at} />
        <div class="muted">by {t.created_by}</div>
      </td>
      <td>{t.expires_at ? <Time iso={t.expires_at} /> : <span class="muted">never</span>}</td>
      <td>
        {t.revoked_at ? (
          <>
            <span class="badge bad">revoked</span> <Time iso={t.revoked_at} />
          </>
        ) : (
          <form method="post" action={`/admin/tokens/${encodeURIComponent(t.id)}/revoke`}>
            <CsrfField token={c.get("csrf")} />
            <ConfirmBox id={`revoke-${t.id}`} label={`Yes, revoke ${t.name}`} />
            <button type="submit" class="danger">
              Revoke
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

function CreateForm({ c, principals }: { c: Context<AppEnv>; principals: { id: string; name: string }[] }) {
  return (
    <form method="post" action="/admin/tokens">
      <CsrfField token={c.get("csrf")} />
      <TextField id="token-name" name="name" label="Name" required />
      <div class="field">
        <label for="token-role">Role</label>
        <select id="token-role" name="role">
          {TOKEN_ROLES.map((r) => (
            <option value={r} selected={r === "viewer"}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <TextField
        id="token-scopes"
        name="scopes"
        label="Scopes"
        hint="model-name globs separated by commas, e.g. fraud-*; empty: the principal's (never wider than yours)"
      />
      <TextField id="token-expiry" name="expires_in_days" label="Expires after (days)" hint="empty: never" />
      <div class="field">
        <label for="token-principal">Principal</label>
        <select id="token-principal" name="principal_id">
          <option value="">a new service principal named like the token</option>
          {principals.map((p) => (
            <option value={p.id}>{p.name}</option>
          ))}
        </select>
      </div>
      <button type="submit">Create token</button>
    </form>
  );
}

export async function tokensPage(c: Context<AppEnv>, flash?: Child) {
  const [tokens, principals] = await Promise.all([
    listVisibleTokens(c),
    listPrincipals(createDb(c.env.DB), c.get("actor").scopes),
  ]);
  const names = new Map(principals.map((p) => [p.id, p.name]));
  const done = c.req.query("done");
  return renderPage(
    c,
    <>
      <h1>Tokens</h1>
      <p class="sub">API tokens within your scopes. Secrets are shown once, when a token is created.</p>
      {flash}
      {done === "revoked" ? <Flash kind="ok">Revoked. Its console sessions have ended.</Flash> : null}
      <section class="panel" aria-labelledby="tokens-h">
        <h2 id="tokens-h">Tokens</h2>
        {tokens.length === 0 ? (
          <p class="muted">No tokens.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Scopes</th>
                <th scope="col">Principal</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Revoked</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <TokenRow c={c} t={t} principal={t.principal_id ? names.get(t.principal_id) : undefined} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="panel" aria-labelledby="create-h">
        <h2 id="create-h">Create a token</h2>
        <CreateForm c={c} principals={principals} />
      </section>
    </>,
    { title: "Tokens", section: "tokens" },
  );
}

/** The form's fields as the API's JSON body, checked by the API's own schema. */
function tokenInput(form: Record<string, unknown>) {
  const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
  const scopes = text("scopes")
    .split(/[\s,]+/)
    .filter(Boolean);
  const days = text("expires_in_days");
  const parsed = CreateTokenSchema.safeParse({
    name: text("name"),
    role: text("role"),
    ...(scopes.length ? { scopes } : {}),
    ...(days ? { expires_in_days: Number(days) } : {}),
    ...(text("principal_id") ? { principal_id: text("principal_id") } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(
      "INVALID_ARGUMENT",
      `${issue?.path.join(".") || "form"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

export async function createTokenSubmit(c: Context<AppEnv>) {
  let created: Awaited<ReturnType<typeof createApiToken>>;
  try {
    assertRole(c, "admin");
    created = await createApiToken(c, tokenInput(await c.req.parseBody()));
  } catch (error) {
    // A non-admin gets the error page, not a form it may not use.
    if (!(error instanceof ApiError) || error.code === "PERMISSION_DENIED") throw error;
    c.status(error.status);
    return tokensPage(c, <ErrorPanel error={error} />);
  }
  // The only response that ever holds the secret: no cache may keep it, and Back will not show it.
  c.header("cache-control", "no-store");
  return renderPage(
    c,
    <>
      <h1>Token created</h1>
      <Flash kind="ok">
        Copy the secret now: it is shown only this once. The registry keeps only its hash.
      </Flash>
      <section class="panel" aria-labelledby="secret-h">
        <h2 id="secret-h">{created.name}</h2>
        <dl class="kv">
          <dt>Secret</dt>
          <dd>
            <code id="token-secret">{created.token}</code>
          </dd>
          <dt>Role</dt>
          <dd>{created.role}</dd>
          <dt>Scopes</dt>
          <dd>
            <Scopes scopes={created.scopes} />
          </dd>
          <dt>Expires</dt>
          <dd>{created.expires_at ? <Time iso={created.expires_at} /> : "never"}</dd>
        </dl>
        <p>
          <a href="/admin/tokens">Back to the tokens</a>
        </p>
      </section>
    </>,
    { title: "Token created", section: "tokens" },
  );
}

export async function revokeTokenSubmit(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  const form = await c.req.parseBody();
  try {
    assertRole(c, "admin");
    if (form.confirm !== "yes")
      throw new ApiError("INVALID_ARGUMENT", "tick the confirmation box to go ahead");
    await revokeApiToken(c, id);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code === "PERMISSION_DENIED") throw error;
    c.status(error.status);
    return tokensPage(c, <ErrorPanel error={error} />);
  }
  return c.redirect("/admin/tokens?done=revoked", 303);
}
