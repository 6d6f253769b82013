/** `/models/{name}`: description, tags, aliases, versions (paged), policy, retention, deployments. */
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { listAliasRows } from "../../db/repos/aliases-repo";
import { listDeployments } from "../../db/repos/deployments-repo";
import { readModelView } from "../../db/repos/models-repo";
import { readPolicy } from "../../db/repos/policies-repo";
import { readRetentionPolicy } from "../../db/repos/retention-repo";
import { listVersions } from "../../db/repos/versions-repo";
import { DEFAULT_STALE_AFTER_SECONDS } from "../../domain/drift";
import { gateLabel } from "../../domain/policy";
import { satisfies } from "../../domain/roles";
import type { AppEnv } from "../../env";
import { modelRowOr404 } from "../../routes/context";
import type { DeploymentView } from "../../schemas/serving";
import { AliasBadge, formatMetric, StageBadge, Tags, Time } from "../components/badges";
import { modelHref } from "../hrefs";
import { renderPage } from "../layout";
import { intParam, withQuery } from "../query";

function DeploymentsPanel({ items }: { items: DeploymentView[] }) {
  if (items.length === 0) return <p class="muted">No serving node has reported this model.</p>;
  const byEnv = new Map<string, DeploymentView[]>();
  for (const d of items) byEnv.set(d.environment, [...(byEnv.get(d.environment) ?? []), d]);
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Environment</th>
          <th scope="col" class="num">
            Nodes
          </th>
          <th scope="col" class="num">
            In sync
          </th>
          <th scope="col" class="num">
            Drift
          </th>
          <th scope="col" class="num">
            Stale
          </th>
        </tr>
      </thead>
      <tbody>
        {[...byEnv].map(([env, ds]) => (
          <tr>
            <th scope="row">{env}</th>
            <td class="num">{ds.length}</td>
            <td class="num">{ds.filter((d) => d.in_sync).length}</td>
            <td class={ds.some((d) => d.drift) ? "num diff" : "num"}>{ds.filter((d) => d.drift).length}</td>
            <td class="num">{ds.filter((d) => d.stale).length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export async function modelPage(c: Context<AppEnv>) {
  const name = c.req.param("name") ?? "";
  const db = createDb(c.env.DB);
  const row = await modelRowOr404(c, db, name);
  const pageSize = intParam(c, "page_size", 25, 1, 200);
  const [model, aliasRows, versions, policy, retention, deployments] = await Promise.all([
    readModelView(db, name),
    listAliasRows(db, row.id),
    listVersions(db, row, pageSize, c.req.query("page_token")),
    readPolicy(db, row.id),
    readRetentionPolicy(db, row.id),
    listDeployments(
      db,
      { id: row.id, name: row.name },
      {
        now: Date.now(),
        staleAfter: DEFAULT_STALE_AFTER_SECONDS,
        pageSize: 500,
        pageToken: undefined,
      },
    ),
  ]);
  if (!model) return c.notFound();
  // Key metrics: the policy's gated metrics first, then the most common ones on this page.
  const counts = new Map<string, number>();
  for (const v of versions.items)
    for (const m of Object.keys(v.metrics)) counts.set(m, (counts.get(m) ?? 0) + 1);
  const keyMetrics = [
    ...new Set([
      ...policy.gates.map((g) => g.metric),
      ...[...counts].sort((a, b) => b[1] - a[1]).map(([m]) => m),
    ]),
  ].slice(0, 4);
  const actor = c.get("actor");
  const href = modelHref(name);

  return renderPage(
    c,
    <>
      <div class="crumbs">
        <a href="/">Models</a> /
      </div>
      <h1>{model.name}</h1>
      <p class="sub">{model.description || "No description."}</p>
      <div class="grid">
        <section class="panel" aria-labelledby="about-h">
          <h2 id="about-h">About</h2>
          <dl class="kv">
            <dt>Owner</dt>
            <dd>{model.owner}</dd>
            <dt>Latest</dt>
            <dd>{model.latest_version ?? "—"}</dd>
            <dt>Production</dt>
            <dd>
              {model.production_version ? (
                <a href={`${href}/versions/${model.production_version}`}>v{model.production_version}</a>
              ) : (
                "—"
              )}
            </dd>
            <dt>Tags</dt>
            <dd>
              <Tags tags={model.tags} />
            </dd>
            <dt>Updated</dt>
            <dd>
              <Time iso={model.updated_at} />
            </dd>
          </dl>
          {satisfies(actor.role, "approver") && model.production_version ? (
            <p>
              <a class="button secondary" href={`${href}/rollback`}>
                Roll back Production…
              </a>
            </p>
          ) : null}
        </section>
        <section class="panel" aria-labelledby="aliases-h">
          <h2 id="aliases-h">Aliases</h2>
          {aliasRows.length === 0 ? (
            <p class="muted">No aliases.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Alias</th>
                  <th scope="col">Version</th>
                  <th scope="col">Moved by</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {aliasRows.map((a) => (
                  <tr>
                    <td>
                      <AliasBadge alias={a.alias} />
                    </td>
                    <td>
                      <a href={`${href}/versions/${a.version}`}>v{a.version}</a>
                    </td>
                    <td>{a.updatedBy}</td>
                    <td>
                      <Time iso={new Date(a.updatedAt).toISOString()} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="panel" aria-labelledby="policy-h">
          <h2 id="policy-h">Policy and retention</h2>
          <dl class="kv">
            <dt>Gates</dt>
            <dd>{policy.gates.length ? policy.gates.map(gateLabel).join(", ") : "none"}</dd>
            <dt>Requires</dt>
            <dd>{policy.require.length ? policy.require.join(", ") : "nothing"}</dd>
            <dt>Approvals</dt>
            <dd>{policy.required_approvals} for Production</dd>
            <dt>Protected</dt>
            <dd>{policy.protected_aliases.length ? policy.protected_aliases.join(", ") : "no aliases"}</dd>
            <dt>Retention</dt>
            <dd>
              keep last {retention.keep_last}
              {retention.archive_after_days !== null
                ? `, archive after ${retention.archive_after_days} d`
                : ""}
              {retention.purge_after_days !== null ? `, purge after ${retention.purge_after_days} d` : ""}
              {retention.is_default ? " (default)" : ""}
            </dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="deploy-h">
          <h2 id="deploy-h">Deployments</h2>
          <DeploymentsPanel items={deployments.items} />
        </section>
      </div>
      <section class="panel" aria-labelledby="versions-h">
        <h2 id="versions-h">Versions</h2>
        <form method="get" action={`${href}/compare`}>
          <table>
            <thead>
              <tr>
                <th scope="col">
                  <span class="skip">Compare</span>
                </th>
                <th scope="col">Version</th>
                <th scope="col">Stage</th>
                {keyMetrics.map((m) => (
                  <th scope="col" class="num">
                    {m}
                  </th>
                ))}
                <th scope="col" class="hide-sm">
                  Created by
                </th>
                <th scope="col" class="hide-sm">
                  Created
                </th>
              </tr>
            </thead>
            <tbody>
              {versions.items.map((v) => (
                <tr>
                  <td>
                    <input
                      type="checkbox"
                      name="v"
                      value={String(v.version)}
                      aria-label={`Compare version ${v.version}`}
                    />
                  </td>
                  <td>
                    <a href={`${href}/versions/${v.version}`}>v{v.version}</a>{" "}
                    {v.aliases.map((a) => (
                      <AliasBadge alias={a} />
                    ))}
                  </td>
                  <td>
                    <StageBadge stage={v.stage} />
                  </td>
                  {keyMetrics.map((m) => (
                    <td class="num">{formatMetric(v.metrics[m])}</td>
                  ))}
                  <td class="hide-sm">{v.created_by}</td>
                  <td class="hide-sm">
                    <Time iso={v.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="pager">
            <button type="submit" class="secondary">
              Compare selected
            </button>
            {versions.next_page_token ? (
              <a href={withQuery(c, { page_token: versions.next_page_token })} rel="next">
                Older versions
              </a>
            ) : null}
          </div>
        </form>
      </section>
    </>,
    { title: model.name, section: "catalogue" },
  );
}
