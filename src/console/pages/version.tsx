/**
 * `/models/{name}/versions/{version}`: the whole metadata record, files with download links, the
 * model card, signature compatibility, the lineage picture, this version's audit trail and the
 * actions the signed-in principal may take.
 */
import type { Context } from "hono";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { buildModelCard } from "../../domain/model-card";
import { renderHtmlSections } from "../../domain/model-card-render";
import { satisfies } from "../../domain/roles";
import { inScope } from "../../domain/scopes";
import type { AppEnv } from "../../env";
import { auditPage } from "../../operations/audit";
import { versionOr404, versionSurroundings } from "../../operations/version-reads";
import { AuditTable } from "../components/audit-table";
import { AliasBadge, formatBytes, formatMetric, StageBadge, Tags, Time } from "../components/badges";
import { CompatPanel } from "../components/compat-panel";
import { LineageSvg } from "../components/lineage-svg";
import { VersionActions } from "../components/version-actions";
import { modelHref, versionHref } from "../hrefs";
import { renderPage } from "../layout";

function KeyValues({ entries, empty }: { entries: [string, Child][]; empty: string }) {
  if (entries.length === 0) return <p class="muted">{empty}</p>;
  return (
    <dl class="kv">
      {entries.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

export async function versionPage(c: Context<AppEnv>, flash?: Child) {
  const name = c.req.param("name") ?? "";
  const number = Number(c.req.param("version"));
  const wanted = Number.isInteger(number) ? number : -1;
  // The trail needs only the name and number, so it is read alongside the version (scope is
  // checked before either starts; a missing version discards it).
  const [found, audit] = await Promise.all([
    versionOr404(c, name, wanted),
    auditPage(c, { model: name, page_size: 50, target: `model:${name}/versions/${wanted}` }),
  ]);
  const { db, model } = found;
  // A parent outside the caller's scopes is not shown (record, card), exactly as lineage leaves it out.
  const parentHidden = found.view.parent !== null && !inScope(c.get("actor").scopes, found.view.parent.model);
  const view = parentHidden ? { ...found.view, parent: null } : found.view;
  const {
    compat,
    aliases: aliasEtags,
    up,
    down,
  } = await versionSurroundings(c, db, model, view, found.versionId, { up: 3, down: 2 });
  const href = versionHref(name, view.version);
  const card = buildModelCard(view);
  const s = view.source;

  return renderPage(
    c,
    <>
      <div class="crumbs">
        <a href="/">Models</a> / <a href={modelHref(name)}>{name}</a> /
      </div>
      <h1>
        {name} v{view.version} <StageBadge stage={view.stage} />{" "}
        {view.aliases.map((a) => (
          <AliasBadge alias={a} />
        ))}
      </h1>
      <p class="sub">{view.description || "No description."}</p>
      {flash}
      <div class="grid">
        <section class="panel" aria-labelledby="record-h">
          <h2 id="record-h">Record</h2>
          <dl class="kv">
            <dt>Status</dt>
            <dd>{view.status}</dd>
            <dt>Created</dt>
            <dd>
              {view.created_by}, <Time iso={view.created_at} />
            </dd>
            <dt>Tags</dt>
            <dd>
              <Tags tags={view.tags} />
            </dd>
            <dt>Parent</dt>
            <dd>
              {view.parent ? (
                <a href={versionHref(view.parent.model, view.parent.version)}>
                  {view.parent.model} v{view.parent.version}
                </a>
              ) : parentHidden ? (
                <span class="muted">a model outside your scope</span>
              ) : (
                "none"
              )}
            </dd>
            <dt>Manifest</dt>
            <dd>
              <code>{view.manifest_digest}</code>
            </dd>
            {view.needs_review ? (
              <>
                <dt>Review</dt>
                <dd>
                  <span class="badge warn">fast-tracked: needs review</span>
                </dd>
              </>
            ) : null}
          </dl>
          <h3 id="provenance">Provenance</h3>
          <KeyValues
            empty="No provenance recorded."
            entries={(
              [
                ["Run", s.run_id],
                ["Experiment", s.experiment_id],
                ["Code", s.code_repo],
                ["Commit", s.code_commit],
                ["Trained by", s.trained_by],
                ["Source", s.uri],
              ] as [string, string | null | undefined][]
            )
              .filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")
              .map(([k, v]) => [k, <code>{v}</code>])}
          />
        </section>
        <section class="panel" aria-labelledby="metrics-h">
          <h2 id="metrics-h">Metrics and parameters</h2>
          <KeyValues
            empty="No metrics."
            entries={Object.entries(view.metrics).map(([k, v]) => [
              k,
              <span class="mono">{formatMetric(v)}</span>,
            ])}
          />
          {Object.entries(view.slices).map(([slice, ms]) => (
            <>
              <h3>Slice {slice}</h3>
              <KeyValues
                entries={Object.entries(ms).map(([k, v]) => [k, <span class="mono">{formatMetric(v)}</span>])}
                empty=""
              />
            </>
          ))}
          <h3>Parameters</h3>
          <KeyValues
            empty="No parameters."
            entries={Object.entries(view.params).map(([k, v]) => [k, <code>{v}</code>])}
          />
          <h3>Datasets</h3>
          {view.datasets.length === 0 ? (
            <p class="muted">No datasets recorded.</p>
          ) : (
            <ul>
              {view.datasets.map((d) => (
                <li>
                  <code>{d.uri}</code>
                  {d.version ? ` @ ${d.version}` : ""}
                  {d.role ? ` (${d.role})` : ""}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section class="panel" aria-labelledby="lineage-h">
        <h2 id="lineage-h">Lineage</h2>
        <p class="hint">
          Derived versions on the left, what this version came from on the right. Every box is a link.
        </p>
        <div class="svgwrap">
          <LineageSvg up={up} down={down} rootHref={href} />
        </div>
      </section>
      <div class="grid">
        <section class="panel" aria-labelledby="files-h">
          <h2 id="files-h">Files</h2>
          {view.files.length === 0 ? (
            <p class="muted">No files.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col" class="num">
                    Size
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.files.map((f) => (
                  <tr>
                    <td>
                      <a
                        href={`${href}/files/${f.path.split("/").map(encodeURIComponent).join("/")}`}
                        download
                      >
                        {f.path}
                      </a>
                    </td>
                    <td class="num">{formatBytes(f.size)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="panel" aria-labelledby="compat-h">
          <h2 id="compat-h">Signature compatibility</h2>
          <CompatPanel report={compat} name={name} />
        </section>
      </div>
      <section class="panel" aria-labelledby="actions-h">
        <h2 id="actions-h">Actions</h2>
        <VersionActions
          c={c}
          view={view}
          aliases={aliasEtags}
          canApprove={satisfies(c.get("actor").role, "approver")}
          canContribute={satisfies(c.get("actor").role, "contributor")}
        />
      </section>
      <section class="panel card-html" aria-labelledby="card-h">
        <h2 id="card-h">Model card</h2>
        {raw(renderHtmlSections(card))}
      </section>
      <section class="panel" aria-labelledby="trail-h">
        <h2 id="trail-h">Audit trail</h2>
        <AuditTable items={audit.items} />
      </section>
    </>,
    { title: `${name} v${view.version}`, section: "catalogue" },
  );
}
