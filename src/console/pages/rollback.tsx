/** `/models/{name}/rollback`: shows what a rollback will do, then does it through the ledger. */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { createDb } from "../../db/client";
import { findProductionVersion } from "../../db/repos/stages-repo";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { rollbackModel } from "../../operations/governance";
import { modelRowOr404 } from "../../routes/context";
import { ConfirmBox, CsrfField } from "../components/forms";
import { ErrorPanel } from "../error-page";
import { modelHref, versionHref } from "../hrefs";
import { renderPage } from "../layout";

export async function rollbackPage(c: Context<AppEnv>, flash?: Child) {
  const name = c.req.param("name") ?? "";
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  const current = await findProductionVersion(db, model.id);
  const target = model.previousProductionVersion;
  return renderPage(
    c,
    <>
      <div class="crumbs">
        <a href="/">Models</a> / <a href={modelHref(name)}>{name}</a> /
      </div>
      <h1>Roll back {name}</h1>
      {flash}
      <section class="panel" aria-labelledby="plan-h">
        <h2 id="plan-h">What will happen</h2>
        {current && target ? (
          <ol>
            <li>
              <a href={versionHref(name, current.version)}>v{current.version}</a> leaves Production and is
              archived.
            </li>
            <li>
              <a href={versionHref(name, target)}>v{target}</a>, the version that was in Production before it,
              is restored to Production.
            </li>
            <li>Serving nodes that follow Production pick up v{target} on their next poll.</li>
            <li>The change is audited with your reason and announced as a model.rolled_back event.</li>
          </ol>
        ) : (
          <p>
            {current
              ? `v${current.version} is in Production, but no earlier Production version is recorded: there is nothing to roll back to.`
              : "No version is in Production."}
          </p>
        )}
        {current && target ? (
          <form method="post" action={`${modelHref(name)}/rollback`}>
            <CsrfField token={c.get("csrf")} />
            <input type="hidden" name="expected" value={String(current.version)} />
            <div class="field">
              <label for="reason">Reason</label>
              <input type="text" id="reason" name="reason" required />
            </div>
            <ConfirmBox
              id="rollback-confirm"
              label={`Yes, replace v${current.version} with v${target} in Production`}
            />
            <button type="submit" class="danger">
              Roll back
            </button>
          </form>
        ) : null}
      </section>
    </>,
    { title: `Roll back ${name}`, section: "catalogue" },
  );
}

export async function rollbackSubmit(c: Context<AppEnv>) {
  const name = c.req.param("name") ?? "";
  const form = await c.req.parseBody();
  const reason = typeof form.reason === "string" ? form.reason.trim() : "";
  try {
    if (form.confirm !== "yes")
      throw new ApiError("INVALID_ARGUMENT", "tick the confirmation box to go ahead");
    if (!reason) throw new ApiError("INVALID_ARGUMENT", "a rollback needs a reason");
    // The page showed a plan for one Production version; if another took its place since, stop.
    const model = await modelRowOr404(c, createDb(c.env.DB), name);
    const current = await findProductionVersion(createDb(c.env.DB), model.id);
    if (String(current?.version ?? "") !== form.expected) {
      throw new ApiError(
        "CONCURRENT_MODIFICATION",
        "Production changed after this page loaded; nothing was rolled back. Review the new plan below.",
      );
    }
    const result = await rollbackModel(c, name, reason, undefined);
    return c.redirect(`${versionHref(name, result.production_version)}?done=transition`, 303);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    c.status(error.status);
    return rollbackPage(c, <ErrorPanel error={error} />);
  }
}
