/** `/models/{name}/compare?versions=3,4,7`: side by side, differences highlighted, chart, signature diff. */
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { readVersionView } from "../../db/repos/versions-repo";
import { parseSignature } from "../../domain/signature";
import { compareSignatures } from "../../domain/signature-compat";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { modelRowOr404 } from "../../routes/context";
import type { VersionView } from "../../schemas/versions";
import { formatMetric, StageBadge } from "../components/badges";
import { SignatureDiff } from "../components/compat-panel";
import { MetricsChart } from "../components/metrics-chart";
import { modelHref } from "../hrefs";
import { renderPage } from "../layout";

const MAX_VERSIONS = 6;

/** `versions=3,4,7` (the URL contract) or repeated `v=3&v=4` (the model page's checkboxes). */
function requested(c: Context<AppEnv>): number[] {
  const raw = [...(c.req.query("versions") ?? "").split(","), ...(c.req.queries("v") ?? [])];
  const numbers = raw.map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(numbers)].slice(0, MAX_VERSIONS).sort((a, b) => a - b);
}

function DiffTable({
  title,
  versions,
  rows,
}: {
  title: string;
  versions: VersionView[];
  rows: [string, string[]][];
}) {
  if (rows.length === 0) return <p class="muted">No {title.toLowerCase()}.</p>;
  return (
    <table>
      <caption class="skip">{title}</caption>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          {versions.map((v) => (
            <th scope="col" class="num">
              v{v.version}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([key, values]) => {
          const differs = new Set(values).size > 1;
          return (
            <tr class={differs ? "diff" : undefined}>
              <th scope="row">
                {key}
                {differs ? <span class="skip"> (differs)</span> : null}
              </th>
              {values.map((v) => (
                <td class="num">{v}</td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const keysOf = (maps: Record<string, unknown>[]) => [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();

export async function comparePage(c: Context<AppEnv>) {
  const name = c.req.param("name") ?? "";
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  const wanted = requested(c);
  if (wanted.length < 2)
    throw new ApiError("INVALID_ARGUMENT", "pick at least two versions to compare, e.g. ?versions=3,4");
  const found = await Promise.all(wanted.map((v) => readVersionView(db, model, v)));
  const versions = found.filter((v): v is VersionView => v !== null);
  const missing = wanted.filter((_, i) => found[i] === null);
  if (missing.length > 0)
    throw new ApiError("VERSION_NOT_FOUND", `model '${name}' has no version ${missing.join(", ")}`);
  const metricNames = keysOf(versions.map((v) => v.metrics));
  const paramNames = keysOf(versions.map((v) => v.params));
  const base = versions[0] as VersionView;
  const sig = (v: VersionView) => parseSignature(v.signature).signature;

  return renderPage(
    c,
    <>
      <div class="crumbs">
        <a href="/">Models</a> / <a href={modelHref(name)}>{name}</a> /
      </div>
      <h1>Compare {versions.map((v) => `v${v.version}`).join(", ")}</h1>
      <p class="sub">Rows that differ between versions are highlighted.</p>
      <section class="panel" aria-labelledby="overview-h">
        <h2 id="overview-h">Overview</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Stage</th>
              <th scope="col">Created by</th>
              <th scope="col" class="hide-sm">
                Run
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr>
                <td>
                  <a href={`${modelHref(name)}/versions/${v.version}`}>v{v.version}</a>
                </td>
                <td>
                  <StageBadge stage={v.stage} />
                </td>
                <td>{v.created_by}</td>
                <td class="hide-sm">
                  <code>{v.source.run_id ?? "—"}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="panel" aria-labelledby="chart-h">
        <h2 id="chart-h">Metrics chart</h2>
        <MetricsChart
          series={versions.map((v) => ({ label: `v${v.version}`, metrics: v.metrics }))}
          metrics={metricNames}
        />
      </section>
      <div class="grid">
        <section class="panel" aria-labelledby="m-h">
          <h2 id="m-h">Metrics</h2>
          <DiffTable
            title="Metrics"
            versions={versions}
            rows={metricNames.map((m) => [m, versions.map((v) => formatMetric(v.metrics[m]))])}
          />
        </section>
        <section class="panel" aria-labelledby="p-h">
          <h2 id="p-h">Parameters</h2>
          <DiffTable
            title="Parameters"
            versions={versions}
            rows={paramNames.map((p) => [p, versions.map((v) => v.params[p] ?? "—")])}
          />
        </section>
      </div>
      <section class="panel" aria-labelledby="sig-h">
        <h2 id="sig-h">Signature diff against v{base.version}</h2>
        {versions.slice(1).map((v) => (
          <>
            <h3>v{v.version}</h3>
            <SignatureDiff report={compareSignatures(sig(base), sig(v))} />
          </>
        ))}
      </section>
    </>,
    { title: `Compare ${name}`, section: "catalogue" },
  );
}
