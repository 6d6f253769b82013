/**
 * Issue 13 (search): model-versions/search builds each ModelVersion in SQLite, in one query. Its
 * answers must be exactly what the per-version read (model-versions/get, the other code path)
 * answers, minus `aliases` (MLflow leaves them out of lists), with MLflow's key order, in MLflow's
 * order (the order_by keys, then name ASC, version DESC), page after page. Seeded so that it can
 * fail: tags inserted out of alphabetical order, versions without tags or run_id, a run_link,
 * quotes / newlines / non-ASCII in text (and the very text the SQL cuts when a version has no tags), aliases and stages set, versions created in the same
 * millisecond (ties for the timestamp orders).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, uniqueName } from "../support/api";
import { mlflow } from "./support";

const prefix = uniqueName("sa");
const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
// biome-ignore lint/suspicious/noExplicitAny: JSON answers compared as a whole
type Version = Record<string, any>;
/** Every seeded version as model-versions/get answers it, without `aliases`. */
const seeded: Version[] = [];

beforeAll(async () => {
  const counts = [7, 4, 1];
  for (const [m, name] of names.entries()) {
    expect((await mlflow("POST", "registered-models/create", { name })).status).toBe(200);
    for (let v = 1; v <= (counts[m] ?? 0); v++) {
      const tags =
        v % 3 === 0
          ? []
          : [
              { key: "zeta", value: v % 2 ? "odd" : "even" },
              { key: "alpha", value: `q"uote\n${v} é ✓` },
              ...(v % 2 ? [{ key: "mid", value: "x" }] : []),
            ];
      const res = await mlflow("POST", "model-versions/create", {
        name,
        source: `s3://bucket/${name}/v${v}`,
        ...(v % 4 === 0 ? {} : { run_id: `run-${m}-${v}` }),
        ...(v === 2 ? { run_link: "https://ci.example/run/2" } : {}),
        ...(v === 1 ? { description: m === 1 ? ',"tags":[],"run_link":"x' : 'first "one"\nline two ✓' } : {}),
        tags,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
  const [a, b] = names;
  expect(
    (await mlflow("POST", "registered-models/alias", { name: a, alias: "champion", version: "2" })).status,
  ).toBe(200);
  expect(
    (await mlflow("POST", "registered-models/alias", { name: b, alias: "old", version: "1" })).status,
  ).toBe(200);
  const moved = await mlflow("POST", "model-versions/transition-stage", {
    name: a,
    version: "3",
    stage: "Staging",
    archive_existing_versions: false,
  });
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  for (const [m, name] of names.entries()) {
    for (let v = 1; v <= (counts[m] ?? 0); v++) {
      const got = await mlflow("GET", "model-versions/get", { name, version: String(v) });
      expect(got.status).toBe(200);
      const { aliases: _aliases, ...listed } = got.body.model_version as Version;
      seeded.push(listed);
    }
  }
});

const ORDER_KEYS: Record<string, string> = {
  name: "name",
  version_number: "version",
  creation_timestamp: "creation_timestamp",
  last_updated_timestamp: "last_updated_timestamp",
};

/** MLflow's order: the order_by clauses, then name ASC, version DESC. */
function expectedOrder(orderBy: string[]) {
  const keys = [
    ...orderBy.map((c) => c.split(" ") as [string, string?]),
    ["name", "ASC"],
    ["version_number", "DESC"],
  ];
  return (x: Version, y: Version) => {
    for (const [key, dir] of keys) {
      const field = ORDER_KEYS[key] ?? key;
      const a = field === "version" ? Number(x[field]) : x[field];
      const b = field === "version" ? Number(y[field]) : y[field];
      if (a !== b) return (a < b ? -1 : 1) * (dir === "DESC" ? -1 : 1);
    }
    return 0;
  };
}

/** All pages of a search, following next_page_token; checks each answer's content type. */
async function allPages(filter: string, orderBy: string[], maxResults: number): Promise<Version[]> {
  const out: Version[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const params = new URLSearchParams({ filter, max_results: String(maxResults) });
    for (const clause of orderBy) params.append("order_by", clause);
    if (token) params.set("page_token", token);
    // order_by repeats, so the query string is built here rather than by mlflow().
    const res = await api("GET", `/api/2.0/mlflow/model-versions/search?${params}`);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = JSON.parse(text) as Version;
    const page = (body.model_versions ?? []) as Version[];
    expect(page.length).toBeLessThanOrEqual(maxResults);
    out.push(...page);
    token = body.next_page_token as string | undefined;
    if (!token) return out;
    expect(page.length).toBe(maxResults);
  }
  throw new Error("more than 50 pages");
}

const all = `name LIKE '${prefix}%'`;
const cases: [string, string, (v: Version) => boolean][] = [
  ["every version", all, () => true],
  [
    "name + tag",
    `name = '${prefix}-a' AND tags.zeta = 'odd'`,
    (v) => v.name === `${prefix}-a` && tagOf(v, "zeta") === "odd",
  ],
  [
    "tag present with != (versions without tags drop out)",
    `${all} AND tags.zeta != 'odd'`,
    (v) => tagOf(v, "zeta") === "even",
  ],
  ["version range", `${all} AND version_number >= 3`, (v) => Number(v.version) >= 3],
  ["run_id", `${all} AND run_id = 'run-0-5'`, (v) => v.run_id === "run-0-5"],
  ["source_path LIKE", `${all} AND source_path LIKE '%/v1'`, (v) => v.source.endsWith("/v1")],
  ["nothing", `${all} AND tags.mid = 'nope'`, () => false],
];
const orders: string[][] = [
  [],
  ["version_number ASC"],
  ["creation_timestamp DESC"],
  ["name DESC", "version_number ASC"],
  ["last_updated_timestamp ASC"],
];

function tagOf(v: Version, key: string): string | undefined {
  return (v.tags as { key: string; value: string }[] | undefined)?.find((t) => t.key === key)?.value;
}

describe("model-versions/search answers exactly what model-versions/get answers, in MLflow's order", () => {
  it("seeded 12 versions, some without tags", () => {
    expect(seeded).toHaveLength(12);
    expect(seeded.filter((v) => v.tags === undefined)).toHaveLength(3);
  });

  for (const [label, filter, keep] of cases) {
    for (const orderBy of orders) {
      for (const maxResults of [1000, 3]) {
        it(`${label}, order_by [${orderBy.join(", ")}], max_results ${maxResults}`, async () => {
          const expected = seeded.filter(keep).sort(expectedOrder(orderBy));
          const got = await allPages(filter, orderBy, maxResults);
          expect(got).toEqual(expected);
          // Same keys in the same order (MLflow's), tags in insertion order.
          expect(got.map((v) => Object.keys(v))).toEqual(expected.map((v) => Object.keys(v)));
        });
      }
    }
  }

  it("an empty page is {} and the tag order is insertion order, not alphabetical", async () => {
    const none = await mlflow("GET", "model-versions/search", { filter: `${all} AND tags.mid = 'nope'` });
    expect(none.body).toEqual({});
    const one = await mlflow("GET", "model-versions/search", {
      filter: `name = '${prefix}-a' AND version_number = 1`,
    });
    expect(one.body.model_versions[0].tags.map((t: { key: string }) => t.key)).toEqual([
      "zeta",
      "alpha",
      "mid",
    ]);
    expect(one.body.model_versions[0].description).toBe('first "one"\nline two ✓');
    expect(one.body.model_versions[0]).not.toHaveProperty("aliases");
  });
});
