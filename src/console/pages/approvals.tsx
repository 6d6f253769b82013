/**
 * `/approvals`: pending requests the principal can see, with gate results, and approve / reject
 * for those it may decide. The buttons follow the ledger's own separation-of-duties rule
 * (dutyConflict); a post that bypasses the page still meets the ledger's refusal (403).
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { createDb } from "../../db/client";
import { pendingInbox } from "../../db/repos/approvals-repo";
import { readPolicy } from "../../db/repos/policies-repo";
import { type PendingReview, pendingReviews } from "../../db/repos/stages-repo";
import { evaluateGates, type Policy } from "../../domain/policy";
import { satisfies } from "../../domain/roles";
import type { AppEnv } from "../../env";
import { dutyConflict } from "../../ledger/approval-ops";
import { ApiError } from "../../lib/problem";
import { decideRequest, signOffReview } from "../../operations/governance";
import { StageBadge, Time } from "../components/badges";
import { ConfirmBox, CsrfField, Flash } from "../components/forms";
import { ErrorPanel } from "../error-page";
import { versionHref } from "../hrefs";
import { renderPage } from "../layout";

export async function approvalsPage(c: Context<AppEnv>, flash?: Child) {
  const actor = c.get("actor");
  const db = createDb(c.env.DB);
  const [inbox, reviews] = await Promise.all([
    pendingInbox(db, actor.scopes, 100),
    pendingReviews(db, actor.scopes, 100),
  ]);
  const policies = new Map<string, Policy>();
  for (const { request } of inbox) {
    if (!policies.has(request.modelId)) policies.set(request.modelId, await readPolicy(db, request.modelId));
  }
  const approver = satisfies(actor.role, "approver");
  const done = c.req.query("done");
  return renderPage(
    c,
    <>
      <h1>Approvals</h1>
      <p class="sub">Requests to promote a Staging version to Production, newest first.</p>
      {flash}
      {done === "approve" || done === "reject" || done === "signoff" ? (
        <Flash kind="ok">
          {done === "approve" ? "Approved." : done === "reject" ? "Rejected." : "Review signed off."}
        </Flash>
      ) : null}
      {inbox.length === 0 ? (
        <section class="panel">
          <p class="muted">Nothing is waiting for a decision.</p>
        </section>
      ) : null}
      {inbox.map(({ view, request, version }) => {
        const policy = policies.get(request.modelId);
        const failed = policy
          ? evaluateGates(policy, {
              metrics: version.metrics,
              slices: version.slices,
              datasets: version.datasets,
              signature: version.signature ?? null,
              modelCard: version.modelCard ?? null,
            })
          : [];
        const conflict = dutyConflict(request, version.createdBy, actor);
        return (
          <section class="panel" aria-labelledby={`req-${view.id}`}>
            <h2 id={`req-${view.id}`}>
              <a href={versionHref(view.name, view.version)}>
                {view.name} v{view.version}
              </a>{" "}
              <StageBadge stage={version.stage} /> → Production
            </h2>
            <dl class="kv">
              <dt>Requested by</dt>
              <dd>
                {view.requested_by}, <Time iso={view.created_at} />
              </dd>
              <dt>Comment</dt>
              <dd>{view.comment || <span class="muted">none</span>}</dd>
              <dt>Approvals</dt>
              <dd>
                {view.approvals.length} of {view.required_approvals}
                {view.approvals.length ? ` (${view.approvals.map((a) => a.approver).join(", ")})` : ""}
              </dd>
              <dt>Gates</dt>
              <dd>
                {failed.length === 0 ? (
                  <span class="badge ok">all gates pass</span>
                ) : (
                  failed.map((f) => (
                    <div>
                      <span class="badge bad">failed</span> {f.message}
                    </div>
                  ))
                )}
              </dd>
            </dl>
            {!approver ? (
              <p class="muted">Deciding needs the approver role.</p>
            ) : conflict ? (
              <p class="muted">You cannot decide this one: {conflict}.</p>
            ) : (
              <div class="actions">
                {(["approve", "reject"] as const).map((decision) => (
                  <form method="post" action={`/approvals/${encodeURIComponent(view.id)}/${decision}`}>
                    <CsrfField token={c.get("csrf")} />
                    <div class="field">
                      <label for={`${decision}-${view.id}`}>Comment</label>
                      <input
                        type="text"
                        id={`${decision}-${view.id}`}
                        name="comment"
                        required={decision === "reject"}
                      />
                    </div>
                    <ConfirmBox
                      id={`${decision}-confirm-${view.id}`}
                      label={`Yes, ${decision} this request`}
                    />
                    <button type="submit" class={decision === "reject" ? "danger" : undefined}>
                      {decision === "approve" ? "Approve" : "Reject"}
                    </button>
                  </form>
                ))}
              </div>
            )}
          </section>
        );
      })}
      <section aria-labelledby="reviews-h">
        <h2 id="reviews-h">Fast-track reviews awaiting sign-off</h2>
        <p class="sub">
          Versions an admin promoted without approvals; an approver other than them confirms each.
        </p>
        {reviews.length === 0 ? (
          <div class="panel">
            <p class="muted">No fast-tracked version is waiting for review.</p>
          </div>
        ) : (
          reviews.map((r) => <ReviewPanel c={c} review={r} approver={approver} />)
        )}
      </section>
    </>,
    { title: "Approvals", section: "approvals" },
  );
}

/** One fast-tracked version; the sign-off form follows the ledger's rule (not the fast-tracker). */
function ReviewPanel({
  c,
  review: r,
  approver,
}: {
  c: Context<AppEnv>;
  review: PendingReview;
  approver: boolean;
}) {
  const id = `review-${r.name}-${r.version}`;
  const self = r.fastTrackedBy === c.get("actor").name;
  return (
    <section class="panel" aria-labelledby={id}>
      <h3 id={id}>
        <a href={versionHref(r.name, r.version)}>
          {r.name} v{r.version}
        </a>{" "}
        <StageBadge stage={r.stage} /> <span class="badge warn">needs review</span>
      </h3>
      <dl class="kv">
        <dt>Fast-tracked by</dt>
        <dd>
          {r.fastTrackedBy ?? <span class="muted">unknown</span>},{" "}
          <Time iso={new Date(r.fastTrackedAt ?? r.updatedAt).toISOString()} />
        </dd>
        <dt>Reason</dt>
        <dd>{r.reason || <span class="muted">none</span>}</dd>
      </dl>
      {!approver ? (
        <p class="muted">Signing off needs the approver role.</p>
      ) : self ? (
        <p class="muted">You fast-tracked this version, so another approver signs off its review.</p>
      ) : (
        <form method="post" action={`${versionHref(r.name, r.version)}/review-sign-off`}>
          <CsrfField token={c.get("csrf")} />
          <div class="field">
            <label for={`${id}-comment`}>Comment</label>
            <input type="text" id={`${id}-comment`} name="comment" />
          </div>
          <ConfirmBox id={`${id}-confirm`} label={`Yes, sign off the review of ${r.name} v${r.version}`} />
          <button type="submit">Sign off</button>
        </form>
      )}
    </section>
  );
}

/** Signs off a fast-track review through the API's operation; refusals re-render the inbox. */
export async function signOffSubmit(c: Context<AppEnv>) {
  const name = c.req.param("name") ?? "";
  const version = Number(c.req.param("version"));
  const form = await c.req.parseBody();
  const comment = typeof form.comment === "string" ? form.comment.trim() : "";
  try {
    if (form.confirm !== "yes")
      throw new ApiError("INVALID_ARGUMENT", "tick the confirmation box to go ahead");
    if (!Number.isInteger(version))
      throw new ApiError("VERSION_NOT_FOUND", `model '${name}' has no such version`);
    await signOffReview(c, name, version, comment);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    c.status(error.status);
    return approvalsPage(c, <ErrorPanel error={error} />);
  }
  return c.redirect("/approvals?done=signoff", 303);
}

export async function decideSubmit(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  const decision = c.req.param("decision") === "reject" ? "reject" : "approve";
  const form = await c.req.parseBody();
  const comment = typeof form.comment === "string" ? form.comment.trim() : "";
  try {
    if (form.confirm !== "yes")
      throw new ApiError("INVALID_ARGUMENT", "tick the confirmation box to go ahead");
    await decideRequest(c, id, decision, comment);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    c.status(error.status);
    return approvalsPage(c, <ErrorPanel error={error} />);
  }
  return c.redirect(`/approvals?done=${decision}`, 303);
}
