import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, createModel, createToken, json, uniqueName } from "../support/api";

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;
const prefix = uniqueName("srch");
const fraud = `${prefix}-fraud`;
const churn = `${prefix}-churn`;
const secret = `${prefix}-secret`;

async function register(name: string, body: Record<string, unknown>) {
  const response = await api("POST", `/api/v1/models/${name}/versions`, { body });
  if (response.status !== 201)
    throw new Error(`register ${name}: ${response.status} ${await response.text()}`);
  return json<{ version: number }>(response);
}

type Page = {
  items: { name: string; version: number; metrics: Record<string, number> }[];
  next_page_token: string | null;
};
async function search(filter: string, extra = "", token = ADMIN) {
  const response = await api("GET", `/api/v1/model-versions?filter=${encodeURIComponent(filter)}${extra}`, {
    token,
  });
  return {
    status: response.status,
    body: (await response.json()) as Page & { code?: string; detail?: string },
  };
}
const ids = (page: Page) => page.items.map((v) => `${v.name.slice(prefix.length + 1)}/${v.version}`);
const mine = (f: string) => `name LIKE '${prefix}%' AND ${f}`;

beforeAll(async () => {
  await createModel(fraud);
  await createModel(churn);
  await createModel(secret);
  // fraud/1..4: auc 0.90, 0.95, 0.97, 0.99
  for (const [i, auc] of [0.9, 0.95, 0.97, 0.99].entries()) {
    await register(fraud, {
      metrics: { auc, precision: 0.8 },
      params: { max_depth: String(6 + i) },
      slices: i === 1 ? { "segment=vip": { auc: 0.6 } } : {},
      tags: { team: i % 2 ? "risk" : "growth" },
      datasets: [{ uri: "s3://data/txn", version: `v${i}`, digest: digest(i), role: "training" }],
      source: { run_id: `run-${i}` },
    });
  }
  await register(churn, {
    metrics: { auc: 0.96 },
    tags: { team: "risk" },
    datasets: [{ uri: "s3://data/txn", digest: digest(1) }],
  });
  await register(secret, { metrics: { auc: 0.999 }, tags: { team: "risk" } });
  await api("PUT", `/api/v1/models/${fraud}/aliases/champion`, { body: { version: 3 } });
});

describe("GET /model-versions?filter=", () => {
  const cases: [string, string[]][] = [
    [`name = '${fraud}'`, ["fraud/4", "fraud/3", "fraud/2", "fraud/1"]],
    [mine("metrics.auc >= 0.95"), ["churn/1", "fraud/4", "fraud/3", "fraud/2", "secret/1"]],
    [mine("metrics.auc > 0.95 AND tags.team = 'risk'"), ["churn/1", "fraud/4", "secret/1"]],
    [mine("params.max_depth = '8'"), ["fraud/3"]],
    [mine("slices.`segment=vip`.auc > 0.5"), ["fraud/2"]],
    [mine("tag.team != 'risk'"), ["fraud/3", "fraud/1"]],
    [mine("alias = 'champion'"), ["fraud/3"]],
    [mine(`dataset.digest = '${digest(1)}'`), ["churn/1", "fraud/2"]],
    [mine("dataset.uri = 's3://data/txn' AND dataset.version = 'v0'"), ["fraud/1"]],
    [mine("run_id IN ('run-0', 'run-3')"), ["fraud/4", "fraud/1"]],
    [mine("version_number >= 3"), ["fraud/4", "fraud/3"]],
    [mine("stage = 'none' AND metrics.precision < 0.81"), ["fraud/4", "fraud/3", "fraud/2", "fraud/1"]],
    [mine("created_at > '2020-01-01'"), ["churn/1", "fraud/4", "fraud/3", "fraud/2", "fraud/1", "secret/1"]],
    [mine("created_at < '2020-01-01'"), []],
    [`name LIKE '${prefix.toUpperCase()}%'`, []],
    [`name ILIKE '${prefix.toUpperCase()}-C%'`, ["churn/1"]],
  ];
  it.each(cases)("%s", async (filter, expected) => {
    const { status, body } = await search(filter);
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected);
  });

  it("orders by a metric, pages with an opaque token bound to the query", async () => {
    const first = await search(mine("metrics.auc > 0"), "&order_by=metrics.auc%20DESC&page_size=2");
    expect(ids(first.body)).toEqual(["secret/1", "fraud/4"]);
    const token = first.body.next_page_token as string;
    const second = await search(
      mine("metrics.auc > 0"),
      `&order_by=metrics.auc%20DESC&page_size=2&page_token=${token}`,
    );
    expect(ids(second.body)).toEqual(["fraud/3", "churn/1"]);
    const other = await search(
      mine("metrics.auc > 0.5"),
      `&order_by=metrics.auc%20DESC&page_size=2&page_token=${token}`,
    );
    expect(other.status).toBe(400);
    expect(other.body.code).toBe("INVALID_PAGE_TOKEN");
  });

  it("versions without the ordering metric sort last in both directions", async () => {
    const asc = await search(mine("version_number >= 1"), "&order_by=metrics.precision%20ASC,%20name%20DESC");
    expect(ids(asc.body).slice(-2)).toEqual(["secret/1", "churn/1"]);
    const desc = await search(mine("version_number >= 1"), "&order_by=metrics.precision%20DESC");
    expect(ids(desc.body).slice(-2)).toEqual(["churn/1", "secret/1"]);
  });

  it("a token's scopes apply: out-of-scope models never appear", async () => {
    const scoped = await createToken("viewer", [`${prefix}-fraud`, `${prefix}-churn`]);
    const { body } = await search(mine("metrics.auc > 0.98"), "", scoped);
    expect(ids(body)).toEqual(["fraud/4"]);
  });

  it("a bad filter is a 400 INVALID_FILTER that points at the position", async () => {
    const { status, body } = await search("metrics.auc >= 'high'");
    expect(status).toBe(400);
    expect(body.code).toBe("INVALID_FILTER");
    expect(body.detail).toMatch(/position 15: expected a number/);
    const order = await api("GET", "/api/v1/model-versions?order_by=params.x");
    expect((await json(order)).code).toBe("INVALID_FILTER");
  });
});

describe("injection attempts are plain values or syntax errors, never SQL", () => {
  const attempts = [
    "' OR 1=1 --",
    "x' OR '1'='1",
    "'; DROP TABLE model_versions; --",
    "\\' OR 1=1 --",
    "‘ OR 1=1 --",
    'x" OR "1"="1',
    "%' OR name LIKE '%",
  ];
  it.each(attempts)("as a quoted value: name = %j", async (attempt) => {
    // Quoting as a client must: backslashes and quotes escaped.
    const quoted = `'${attempt.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
    const { status, body } = await search(`name = ${quoted}`);
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
    const tag = await search(`tags.team = ${quoted} OR 1=1`);
    expect(tag.status).toBe(400);
  });

  it.each(attempts)("spliced raw into the filter: name = %s", async (attempt) => {
    const { status, body } = await search(`name = '${attempt}`);
    // Either a syntax error, or a comparison whose value is the literal text (matching nothing).
    if (status === 200) expect(body.items).toEqual([]);
    else expect(body.code).toBe("INVALID_FILTER");
  });

  it("the tables are still there and nothing leaked", async () => {
    const count = await env.DB.prepare("select count(*) as n from model_versions").first<{ n: number }>();
    expect(count?.n).toBeGreaterThanOrEqual(6);
    const { body } = await search(`name = '${fraud}' AND tags.team = 'x'' OR ''1''=''1'`);
    expect(body.items).toEqual([]);
  });
});

describe("GET /models?filter=", () => {
  it("filters models by name and tags, and keeps order_by and pages", async () => {
    await api("PUT", `/api/v1/models/${fraud}/tags/team`, { body: { value: "risk" } });
    await api("PUT", `/api/v1/models/${churn}/tags/team`, { body: { value: "risk" } });
    const filter = encodeURIComponent(`name LIKE '${prefix}%' AND tags.team = 'risk'`);
    const first = await json<{ items: { name: string }[]; next_page_token: string }>(
      await api("GET", `/api/v1/models?filter=${filter}&order_by=name%20DESC&page_size=1`),
    );
    expect(first.items.map((m) => m.name)).toEqual([fraud]);
    const second = await json<{ items: { name: string }[] }>(
      await api(
        "GET",
        `/api/v1/models?filter=${filter}&order_by=name%20DESC&page_size=1&page_token=${first.next_page_token}`,
      ),
    );
    expect(second.items.map((m) => m.name)).toEqual([churn]);
    const bad = await api("GET", `/api/v1/models?filter=${encodeURIComponent("metrics.auc > 1")}`);
    expect(bad.status).toBe(400);
    expect((await json(bad)).code).toBe("INVALID_FILTER");
  });
});
