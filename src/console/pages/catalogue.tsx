/** `/`: the catalogue of models, with the filter language, stage and tag facets, sort and paging. */
import type { Context } from "hono";
import { createDb } from "../../db/client";
import { listModels, tagFacets } from "../../db/repos/models-repo";
import { FilterError } from "../../domain/filter/errors";
import { parseFilter } from "../../domain/filter/parser";
import { STAGE_NAMES } from "../../domain/lifecycle";
import type { AppEnv } from "../../env";
import { MODEL_ORDERS } from "../../schemas/models";
import { AliasBadge, Tags, Time } from "../components/badges";
import { modelHref } from "../hrefs";
import { renderPage } from "../layout";
import { intParam, oneOf, withQuery } from "../query";

const ORDER_LABELS: Record<(typeof MODEL_ORDERS)[number], string> = {
  "name ASC": "Name A→Z",
  "name DESC": "Name Z→A",
  "updated_at DESC": "Recently updated",
  "updated_at ASC": "Least recently updated",
};

function FilterErrorBox({ text, error }: { text: string; error: FilterError }) {
  return (
    <div class="flash error" role="alert" id="filter-error">
      <strong>The filter does not parse.</strong> {error.message}
      <pre>
        {text}
        {"\n"}
        {`${" ".repeat(error.position)}^`}
      </pre>
    </div>
  );
}

export async function cataloguePage(c: Context<AppEnv>) {
  const text = (c.req.query("filter") ?? "").slice(0, 4096);
  const order = oneOf(c.req.query("order_by"), MODEL_ORDERS, "name ASC");
  const stage = oneOf(c.req.query("stage"), ["", ...STAGE_NAMES], "");
  const tagParam = c.req.query("tag") ?? "";
  const eq = tagParam.indexOf("=");
  const tag = eq > 0 ? { key: tagParam.slice(0, eq), value: tagParam.slice(eq + 1) } : undefined;
  const pageSize = intParam(c, "page_size", 25, 1, 200);
  const db = createDb(c.env.DB);
  const scopes = c.get("actor").scopes;

  let filterError: FilterError | null = null;
  let filter: ReturnType<typeof parseFilter> | undefined;
  try {
    filter = parseFilter(text, "models");
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    filterError = error;
  }
  const [page, facets] = await Promise.all([
    filterError
      ? { items: [], next_page_token: null }
      : listModels(db, {
          scopes,
          filter,
          order,
          pageSize,
          pageToken: c.req.query("page_token"),
          stage: stage || undefined,
          tag,
        }),
    tagFacets(db, scopes, 12),
  ]);
  if (filterError) c.status(400);

  return renderPage(
    c,
    <>
      <h1>Models</h1>
      <p class="sub">Every registered model you can see. Filter with the registry's search language.</p>
      <section class="panel" aria-labelledby="search-h">
        <h2 id="search-h" class="skip">
          Search
        </h2>
        <form method="get" action="/">
          <div class="search">
            <div class="q">
              <label for="filter">
                Filter <span class="hint">e.g. name LIKE 'fraud%' AND tags.team = 'risk'</span>
              </label>
              <input
                type="search"
                id="filter"
                name="filter"
                value={text}
                aria-invalid={filterError ? "true" : undefined}
                aria-describedby={filterError ? "filter-error" : undefined}
              />
            </div>
            <div>
              <label for="stage">Stage</label>
              <select id="stage" name="stage">
                <option value="">Any</option>
                {STAGE_NAMES.map((s) => (
                  <option value={s} selected={s === stage}>
                    {`Has ${s}`}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="order_by">Sort</label>
              <select id="order_by" name="order_by">
                {MODEL_ORDERS.map((o) => (
                  <option value={o} selected={o === order}>
                    {ORDER_LABELS[o]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              {tag ? <input type="hidden" name="tag" value={tagParam} /> : null}
              <button type="submit">Search</button>
            </div>
          </div>
        </form>
        {facets.length > 0 ? (
          <nav class="facets" aria-label="Tag facets">
            <span class="muted">Tags:</span>
            {facets.map((f) => {
              const value = `${f.key}=${f.value}`;
              const on = value === tagParam;
              return (
                <a
                  href={withQuery(c, { tag: on ? undefined : value, page_token: undefined })}
                  aria-current={on ? "true" : undefined}
                >
                  {on ? "✓ " : ""}
                  {value} ({f.count})
                </a>
              );
            })}
          </nav>
        ) : null}
      </section>
      {filterError ? <FilterErrorBox text={text} error={filterError} /> : null}
      <section class="panel" aria-label="Models">
        {page.items.length === 0 ? (
          <p class="muted">No models match.</p>
        ) : (
          <table>
            <caption class="skip">Models</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="num">
                  Latest
                </th>
                <th scope="col" class="num">
                  Production
                </th>
                <th scope="col">Aliases</th>
                <th scope="col" class="hide-sm">
                  Tags
                </th>
                <th scope="col" class="hide-sm">
                  Owner
                </th>
                <th scope="col" class="hide-sm">
                  Updated
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((m) => (
                <tr>
                  <td>
                    <a href={modelHref(m.name)}>{m.name}</a>
                    {m.description ? <div class="desc">{m.description}</div> : null}
                  </td>
                  <td class="num">{m.latest_version ?? "—"}</td>
                  <td class="num">{m.production_version ?? "—"}</td>
                  <td>
                    <span class="chips">
                      {Object.entries(m.aliases).map(([a, v]) => (
                        <span>
                          <AliasBadge alias={a} /> {v}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td class="hide-sm">
                    <Tags tags={m.tags} />
                  </td>
                  <td class="hide-sm">{m.owner}</td>
                  <td class="hide-sm">
                    <Time iso={m.updated_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav class="pager" aria-label="Pages">
          {c.req.query("page_token") ? (
            <a href={withQuery(c, { page_token: undefined })}>First page</a>
          ) : (
            <span />
          )}
          {page.next_page_token ? (
            <a href={withQuery(c, { page_token: page.next_page_token })} rel="next">
              Next page
            </a>
          ) : null}
        </nav>
      </section>
    </>,
    { title: "Models", section: "catalogue" },
  );
}
