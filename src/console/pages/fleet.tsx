/** `/deployments`: the fleet across models; `/datasets`: which versions were trained on a dataset. */
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { fleetSummary } from "../../db/repos/fleet-repo";
import { listDatasetUsage } from "../../db/repos/lineage-repo";
import { DEFAULT_STALE_AFTER_SECONDS } from "../../domain/drift";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { DIGEST_PATTERN } from "../../schemas/common";
import { StageBadge, Time } from "../components/badges";
import { modelHref, versionHref } from "../hrefs";
import { renderPage } from "../layout";
import { withQuery } from "../query";

export async function deploymentsPage(c: Context<AppEnv>) {
  const summary = await fleetSummary(createDb(c.env.DB), {
    scopes: c.get("actor").scopes,
    now: Date.now(),
    staleAfter: DEFAULT_STALE_AFTER_SECONDS,
    pageSize: 100,
    pageToken: c.req.query("page_token"),
  });
  const t = summary.totals;
  return renderPage(
    c,
    <>
      <h1>Deployments</h1>
      <p class="sub">
        What serving nodes report they run, judged against the registry now. {t.nodes} nodes: {t.in_sync} in
        sync, {t.drifted} drifted, {t.stale} silent for over {DEFAULT_STALE_AFTER_SECONDS / 60} minutes.
      </p>
      <section class="panel" aria-label="Fleet by model">
        {summary.items.length === 0 ? (
          <p class="muted">No serving node has reported yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" class="num">
                  Nodes
                </th>
                <th scope="col" class="num">
                  In sync
                </th>
                <th scope="col" class="num">
                  Drifted
                </th>
                <th scope="col" class="num">
                  Digest mismatch
                </th>
                <th scope="col" class="num">
                  Stale
                </th>
              </tr>
            </thead>
            <tbody>
              {summary.items.map((m) => (
                <tr>
                  <td>
                    <a href={modelHref(m.name)}>{m.name}</a>
                  </td>
                  <td class="num">{m.nodes}</td>
                  <td class="num">{m.in_sync}</td>
                  <td class={m.drifted ? "num diff" : "num"}>{m.drifted}</td>
                  <td class={m.digest_mismatch ? "num diff" : "num"}>{m.digest_mismatch}</td>
                  <td class="num">{m.stale}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav class="pager" aria-label="Pages">
          <span />
          {summary.next_page_token ? (
            <a href={withQuery(c, { page_token: summary.next_page_token })}>More models</a>
          ) : null}
        </nav>
      </section>
    </>,
    { title: "Deployments", section: "deployments" },
  );
}

export async function datasetPage(c: Context<AppEnv>) {
  const digest = c.req.query("digest");
  const uri = c.req.query("uri");
  if (digest !== undefined && !DIGEST_PATTERN.test(digest)) {
    throw new ApiError("INVALID_ARGUMENT", "a dataset digest must be sha256:<64 lowercase hex>");
  }
  if (!digest && !uri) throw new ApiError("INVALID_ARGUMENT", "name a dataset by ?digest= or ?uri=");
  const version = c.req.query("version") || undefined;
  const key = digest ? { digest } : { uri: uri ?? "", version };
  const rows = await listDatasetUsage(createDb(c.env.DB), key, {
    scopes: c.get("actor").scopes,
    limit: 200,
    offset: 0,
  });
  const title = digest ?? `${uri}${version ? `@${version}` : ""}`;
  return renderPage(
    c,
    <>
      <h1>Dataset</h1>
      <p class="sub">
        <code>{title}</code>
      </p>
      <section class="panel" aria-label="Versions that used it">
        {rows.length === 0 ? (
          <p class="muted">No version you can see lists this dataset.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Stage</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={versionHref(r.name, r.version)}>
                      {r.name} v{r.version}
                    </a>
                  </td>
                  <td>
                    <StageBadge stage={r.stage} />
                  </td>
                  <td>{r.dataset.role ?? ""}</td>
                  <td>
                    <Time iso={r.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>,
    { title: "Dataset" },
  );
}
