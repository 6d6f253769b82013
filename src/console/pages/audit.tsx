/** `/audit`: the audit trail with filters, and a "verify chain" verdict per model. */
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { auditPage, verifyModelChain } from "../../operations/audit";
import { AuditTable } from "../components/audit-table";
import { Flash, TextField } from "../components/forms";
import { renderPage } from "../layout";
import { intParam, withQuery } from "../query";

export async function auditView(c: Context<AppEnv>) {
  const q = (k: string) => c.req.query(k)?.trim() || undefined;
  const model = q("model");
  const verify = q("verify");
  const [page, verdict] = await Promise.all([
    auditPage(c, {
      model,
      actor: q("actor"),
      action: q("action"),
      page_size: intParam(c, "page_size", 50, 1, 500),
      page_token: q("page_token"),
    }),
    verify ? verifyModelChain(c, verify, undefined, 100_000) : null,
  ]);
  return renderPage(
    c,
    <>
      <h1>Audit trail</h1>
      <p class="sub">Every change, who made it and why. Each model's entries form a hash chain.</p>
      {verdict && verify ? (
        verdict.ok ? (
          <Flash kind="ok">
            <strong>Chain of {verify} verified:</strong> {verdict.entries} entries, each hash matches its
            content and its predecessor.
          </Flash>
        ) : (
          <Flash kind="error">
            <strong>Chain of {verify} is broken</strong> at entry {verdict.broken_at_seq}: {verdict.reason}
          </Flash>
        )
      ) : null}
      <section class="panel" aria-labelledby="filter-h">
        <h2 id="filter-h">Filter</h2>
        <form method="get" action="/audit">
          <div class="row">
            <div class="grow">
              <TextField id="model" name="model" label="Model" value={model ?? ""} />
            </div>
            <div class="grow">
              <TextField id="actor" name="actor" label="Actor" value={q("actor") ?? ""} />
            </div>
            <div class="grow">
              <TextField
                id="action"
                name="action"
                label="Action"
                hint="e.g. version.stage_changed"
                value={q("action") ?? ""}
              />
            </div>
            <div class="field">
              <button type="submit">Filter</button>
            </div>
          </div>
        </form>
        <form method="get" action="/audit">
          <div class="row">
            <div class="grow">
              <TextField
                id="verify"
                name="verify"
                label="Verify the chain of model"
                value={verify ?? model ?? ""}
                required
              />
            </div>
            {model ? <input type="hidden" name="model" value={model} /> : null}
            <div class="field">
              <button type="submit" class="secondary">
                Verify chain
              </button>
            </div>
          </div>
        </form>
      </section>
      <section class="panel" aria-label="Entries">
        <AuditTable items={page.items} showModel />
        <nav class="pager" aria-label="Pages">
          <span />
          {page.next_page_token ? (
            <a href={withQuery(c, { page_token: page.next_page_token })} rel="next">
              Older entries
            </a>
          ) : null}
        </nav>
      </section>
    </>,
    { title: "Audit", section: "audit" },
  );
}
