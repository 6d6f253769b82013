/**
 * The forms on a version page. Each carries the session's CSRF token and a required confirmation;
 * the server checks role, scope and policy again (through the same operations as the API), so a
 * form shown here is a convenience, never the permission.
 */
import type { Context } from "hono";
import type { AliasRow } from "../../db/repos/aliases-repo";
import type { AppEnv } from "../../env";
import type { VersionView } from "../../schemas/versions";
import { versionHref } from "../hrefs";
import { ConfirmBox, CsrfField } from "./forms";

export function VersionActions(props: {
  c: Context<AppEnv>;
  view: VersionView;
  aliases: (AliasRow & { etag: string })[];
  canContribute: boolean;
  canApprove: boolean;
}) {
  const { view } = props;
  const csrf = props.c.get("csrf");
  const href = versionHref(view.name, view.version);
  if (!props.canContribute)
    return <p class="muted">Your role ({props.c.get("actor").role}) can read but not change versions.</p>;
  const movable = props.aliases.filter((a) => a.version !== view.version);
  const here = props.aliases.filter((a) => a.version === view.version);
  return (
    <div class="actions">
      {view.stage === "None" ? (
        <form method="post" action={`${href}/transition`}>
          <h3>Move to Staging</h3>
          <p class="hint">The model's gates are checked; failures are listed if any.</p>
          <CsrfField token={csrf} />
          <input type="hidden" name="to" value="Staging" />
          <div class="field">
            <label for="staging-comment">Comment</label>
            <input type="text" id="staging-comment" name="comment" />
          </div>
          <ConfirmBox id="staging-confirm" label={`Yes, move v${view.version} to Staging`} />
          <button type="submit">Move to Staging</button>
        </form>
      ) : null}
      {view.stage === "Staging" ? (
        <form method="post" action={`${href}/request-promotion`}>
          <h3>Request promotion to Production</h3>
          <p class="hint">Approvers other than you decide it on the Approvals page.</p>
          <CsrfField token={csrf} />
          <div class="field">
            <label for="promo-comment">Why</label>
            <input type="text" id="promo-comment" name="comment" required />
          </div>
          <ConfirmBox id="promo-confirm" label={`Yes, ask to promote v${view.version}`} />
          <button type="submit">Request promotion</button>
        </form>
      ) : null}
      {movable.map((a) => (
        <form method="post" action={`${href}/alias`}>
          <h3>Move @{a.alias} here</h3>
          <p class="hint">
            Now on v{a.version}. If someone moves it after this page loaded, nothing changes and you are told.
          </p>
          <CsrfField token={csrf} />
          <input type="hidden" name="alias" value={a.alias} />
          <input type="hidden" name="if_match" value={a.etag} />
          <ConfirmBox id={`alias-${a.alias}-confirm`} label={`Yes, point @${a.alias} at v${view.version}`} />
          <button type="submit">Move alias</button>
        </form>
      ))}
      {here.map((a) => (
        <form method="post" action={`${href}/alias-delete`}>
          <h3>Delete @{a.alias}</h3>
          <p class="hint">
            Clients resolving @{a.alias} get 404 afterwards. If someone moves it after this page loaded,
            nothing changes and you are told.
          </p>
          <CsrfField token={csrf} />
          <input type="hidden" name="alias" value={a.alias} />
          <input type="hidden" name="if_match" value={a.etag} />
          <ConfirmBox id={`alias-${a.alias}-delete-confirm`} label={`Yes, delete @${a.alias}`} />
          <button type="submit" class="danger">
            Delete alias
          </button>
        </form>
      ))}
      <form method="post" action={`${href}/alias`}>
        <h3>Set a new alias</h3>
        <CsrfField token={csrf} />
        <div class="field">
          <label for="new-alias">Alias name</label>
          <input type="text" id="new-alias" name="alias" required pattern="[A-Za-z_][A-Za-z0-9_\-]{0,63}" />
        </div>
        <input type="hidden" name="new" value="yes" />
        <ConfirmBox id="new-alias-confirm" label={`Yes, create it on v${view.version}`} />
        <button type="submit">Set alias</button>
      </form>
      {view.stage === "Staging" || view.stage === "Production" ? (
        <form method="post" action={`${href}/transition`}>
          <h3>Archive</h3>
          <p class="hint">
            {view.stage === "Production"
              ? "Production will be empty until something is promoted or rolled back."
              : "Takes the candidate out of review."}
          </p>
          <CsrfField token={csrf} />
          <input type="hidden" name="to" value="Archived" />
          <div class="field">
            <label for="archive-comment">Reason</label>
            <input type="text" id="archive-comment" name="comment" required />
          </div>
          <ConfirmBox id="archive-confirm" label={`Yes, archive v${view.version}`} />
          <button type="submit" class="danger">
            Archive
          </button>
        </form>
      ) : null}
    </div>
  );
}
