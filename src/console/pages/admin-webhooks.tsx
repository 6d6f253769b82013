/**
 * `/admin/webhooks` (admins): subscriptions within the admin's scopes, each with its recent
 * deliveries (status, attempts, last response) and a redeliver form per delivery, which goes
 * through the API's redeliver operation (src/operations/webhooks.ts).
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { redeliverDelivery, webhooksWithDeliveries } from "../../operations/webhooks";
import type { DeliveryView, WebhookView } from "../../schemas/webhooks";
import { Time } from "../components/badges";
import { ConfirmBox, CsrfField, Flash } from "../components/forms";
import { ErrorPanel } from "../error-page";
import { renderPage } from "../layout";

const SUBSCRIPTIONS_SHOWN = 100;
const DELIVERIES_SHOWN = 10;

const STATUS_BADGE: Record<DeliveryView["status"], string> = {
  succeeded: "ok",
  pending: "warn",
  failed: "warn",
  dead: "bad",
};

function Deliveries({ c, hook, items }: { c: Context<AppEnv>; hook: WebhookView; items: DeliveryView[] }) {
  if (items.length === 0) return <p class="muted">No deliveries yet.</p>;
  return (
    <table>
      <caption class="muted">Newest {DELIVERIES_SHOWN} deliveries</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col" class="num">
            Attempts
          </th>
          <th scope="col">Last response</th>
          <th scope="col">Updated</th>
          <th scope="col">Redeliver</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr>
            <td>
              {d.event_type}
              <div class="muted">
                {d.model} #{d.sequence}
              </div>
            </td>
            <td>
              <span class={`badge ${STATUS_BADGE[d.status]}`}>{d.status}</span>
            </td>
            <td class="num">{d.attempts}</td>
            <td>
              {d.last_status_code ?? <span class="muted">—</span>}
              {d.last_error ? <div class="muted">{d.last_error}</div> : null}
            </td>
            <td>
              <Time iso={d.updated_at} />
            </td>
            <td>
              <form method="post" action={`/admin/deliveries/${encodeURIComponent(d.id)}/redeliver`}>
                <CsrfField token={c.get("csrf")} />
                <ConfirmBox id={`redeliver-${d.id}`} label={`Yes, send it to ${hook.url} again`} />
                <button type="submit" class="secondary">
                  Redeliver
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export async function webhooksPage(c: Context<AppEnv>, flash?: Child) {
  const hooks = await webhooksWithDeliveries(c, SUBSCRIPTIONS_SHOWN, DELIVERIES_SHOWN);
  return renderPage(
    c,
    <>
      <h1>Webhooks</h1>
      <p class="sub">Subscriptions within your scopes and what was delivered to them.</p>
      {flash}
      {c.req.query("done") === "redelivered" ? (
        <Flash kind="ok">Queued again with a fresh attempt budget.</Flash>
      ) : null}
      {hooks.length === 0 ? (
        <section class="panel">
          <p class="muted">No subscriptions.</p>
        </section>
      ) : null}
      {hooks.map(({ webhook: w, deliveries }) => (
        <section class="panel" aria-labelledby={`hook-${w.id}`}>
          <h2 id={`hook-${w.id}`}>
            <code>{w.url}</code>{" "}
            {w.active ? <span class="badge ok">active</span> : <span class="badge warn">paused</span>}
          </h2>
          <dl class="kv">
            <dt>Events</dt>
            <dd>
              <code>{w.events.join(", ")}</code>
            </dd>
            <dt>Models</dt>
            <dd>{w.model_pattern ? <code>{w.model_pattern}</code> : <span class="muted">all</span>}</dd>
            <dt>Description</dt>
            <dd>{w.description || <span class="muted">none</span>}</dd>
            <dt>Created</dt>
            <dd>
              {w.created_by}, <Time iso={w.created_at} />
            </dd>
          </dl>
          <Deliveries c={c} hook={w} items={deliveries} />
        </section>
      ))}
    </>,
    { title: "Webhooks", section: "webhooks" },
  );
}

export async function redeliverSubmit(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  const form = await c.req.parseBody();
  try {
    if (form.confirm !== "yes")
      throw new ApiError("INVALID_ARGUMENT", "tick the confirmation box to go ahead");
    await redeliverDelivery(c, id);
  } catch (error) {
    // A non-admin gets the error page, not a list it may not see.
    if (!(error instanceof ApiError) || error.code === "PERMISSION_DENIED") throw error;
    c.status(error.status);
    return webhooksPage(c, <ErrorPanel error={error} />);
  }
  return c.redirect("/admin/webhooks?done=redelivered", 303);
}
