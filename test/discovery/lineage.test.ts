import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, "f")}`;
type Graph = {
  nodes: { id: string; type: string; depth: number; stage?: string }[];
  edges: { from: string; to: string; relation: string }[];
  truncated: boolean;
};

async function register(name: string, body: Record<string, unknown>) {
  const response = await api("POST", `/api/v1/models/${name}/versions`, { body });
  if (response.status !== 201)
    throw new Error(`register ${name}: ${response.status} ${await response.text()}`);
  return json<{ version: number }>(response);
}

async function lineage(name: string, version: number, query: string, token?: string) {
  const response = await api("GET", `/api/v1/models/${name}/versions/${version}/lineage?${query}`, { token });
  expect(response.status).toBe(200);
  return json<Graph>(response);
}

const ids = (g: Graph, type = "version") =>
  g.nodes
    .filter((n) => n.type === type)
    .map((n) => n.id)
    .sort();

describe("hand-built DAG: diamonds through shared datasets and runs", () => {
  const [a, b, c] = [uniqueName("lin-a"), uniqueName("lin-b"), uniqueName("lin-c")];
  const v = (m: string, n: number) => `version:${m}/${n}`;
  beforeAll(async () => {
    for (const m of [a, b, c]) await createModel(m);
    const d1 = { uri: "s3://lake/txn", version: "3.2", digest: digest(1), role: "training" };
    const d2 = { uri: "s3://lake/labels", version: "1", role: "evaluation" };
    await register(a, {
      datasets: [d1, d2],
      source: { run_id: "r1", code_repo: "git.acme/x", code_commit: "c1" },
    });
    await register(a, { datasets: [d1], source: { run_id: "r1" }, parent: { model: a, version: 1 } });
    await register(b, { datasets: [{ uri: "s3://lake/extra" }], parent: { model: a, version: 2 } });
    await register(b, { datasets: [d1], parent: { model: a, version: 2 } });
    await register(c, { parent: { model: b, version: 1 } });
    await register(c, { parent: { model: b, version: 2 } });
  });

  it("upstream reaches datasets, run, commit and ancestors; shared nodes appear once with both edges", async () => {
    const g = await lineage(b, 2, "direction=upstream&depth=5");
    expect(ids(g)).toEqual([v(a, 1), v(a, 2), v(b, 2)].sort());
    expect(ids(g, "dataset")).toEqual([`dataset:${digest(1)}`, "dataset:s3://lake/labels@1"].sort());
    expect(ids(g, "run")).toEqual(["run:r1"]);
    expect(ids(g, "commit")).toEqual(["commit:git.acme/x@c1"]);
    const toD1 = g.edges
      .filter((e) => e.to === `dataset:${digest(1)}`)
      .map((e) => e.from)
      .sort();
    expect(toD1).toEqual([v(a, 1), v(a, 2), v(b, 2)].sort());
    expect(g.edges).toContainEqual({
      from: v(a, 1),
      to: "dataset:s3://lake/labels@1",
      relation: "evaluated_on",
      role: "evaluation",
    });
    expect(g.edges.filter((e) => e.relation === "derived_from")).toHaveLength(2);
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(g.nodes.length);
    expect(g.truncated).toBe(false);
  });

  it("downstream reaches every derived version in any model, and depth limits cut it", async () => {
    const all = await lineage(a, 1, "direction=downstream&depth=5");
    expect(ids(all)).toEqual([v(a, 1), v(a, 2), v(b, 1), v(b, 2), v(c, 1), v(c, 2)].sort());
    expect(all.truncated).toBe(false);
    const two = await lineage(a, 1, "direction=downstream&depth=2");
    expect(ids(two)).toEqual([v(a, 1), v(a, 2), v(b, 1), v(b, 2)].sort());
    expect(two.truncated).toBe(true);
    const one = await lineage(b, 2, "direction=upstream&depth=1");
    expect(ids(one)).toEqual([v(a, 2), v(b, 2)].sort());
    expect(one.truncated).toBe(true);
  });

  it("out-of-scope models are left out of the graph, with what lies beyond them", async () => {
    const token = await createToken("viewer", [a, c]);
    const g = await lineage(a, 1, "direction=downstream&depth=5", token);
    expect(ids(g)).toEqual([v(a, 1), v(a, 2)].sort());
    const hidden = await api("GET", `/api/v1/models/${b}/versions/1/lineage`, { token });
    expect(hidden.status).toBe(404);
  });

  it("a parent that does not exist is refused at registration, writing nothing", async () => {
    const before = await env.DB.prepare("select count(*) n from version_metrics").first<{ n: number }>();
    for (const parent of [
      { model: a, version: 99 },
      { model: uniqueName("nope"), version: 1 },
    ]) {
      const response = await api("POST", `/api/v1/models/${c}/versions`, {
        body: { parent, metrics: { auc: 1 } },
      });
      expect(response.status).toBe(400);
      expect((await json<{ errors: { path: string }[] }>(response)).errors[0]?.path).toBe("parent");
    }
    const after = await env.DB.prepare("select count(*) n from version_metrics").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("bad lineage queries are 400s", async () => {
    expect((await api("GET", `/api/v1/models/${a}/versions/1/lineage?direction=sideways`)).status).toBe(400);
    expect((await api("GET", `/api/v1/models/${a}/versions/1/lineage?depth=0`)).status).toBe(400);
    expect((await api("GET", `/api/v1/models/${a}/versions/1/lineage?depth=21`)).status).toBe(400);
    expect((await api("GET", `/api/v1/models/${a}/versions/9/lineage`)).status).toBe(404);
  });
});

describe("generated DAG: the answer equals a reference walk at every depth", () => {
  const models = [uniqueName("gen-p"), uniqueName("gen-q"), uniqueName("gen-r")];
  // version key → parent key; generated with a fixed LCG so a failure reproduces.
  const parents = new Map<string, string | null>();
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };

  beforeAll(async () => {
    for (const m of models) await createModel(m);
    const made: [string, number][] = [];
    for (let i = 0; i < 24; i++) {
      const model = models[rand(models.length)] as string;
      const parent = made.length > 0 && rand(5) > 0 ? made[rand(made.length)] : undefined;
      const { version } = await register(model, {
        ...(parent ? { parent: { model: parent[0], version: parent[1] } } : {}),
        datasets: [{ uri: `s3://gen/${rand(4)}` }],
      });
      made.push([model, version]);
      parents.set(`version:${model}/${version}`, parent ? `version:${parent[0]}/${parent[1]}` : null);
    }
  });

  function reference(root: string, direction: "upstream" | "downstream", depth: number): string[] {
    const seen = new Set([root]);
    let frontier = [root];
    for (let d = 0; d < depth; d++) {
      const next =
        direction === "upstream"
          ? frontier.map((k) => parents.get(k)).filter((p): p is string => Boolean(p))
          : [...parents].filter(([, p]) => p && frontier.includes(p)).map(([k]) => k);
      frontier = next.filter((k) => !seen.has(k));
      for (const k of frontier) seen.add(k);
    }
    return [...seen].sort();
  }

  it("downstream and upstream at depths 1..4 from every root", async () => {
    for (const root of [...parents.keys()].slice(0, 8)) {
      const [, name, version] = /^version:(.+)\/(\d+)$/.exec(root) as RegExpExecArray;
      for (const depth of [1, 2, 4]) {
        for (const direction of ["downstream", "upstream"] as const) {
          const g = await lineage(name as string, Number(version), `direction=${direction}&depth=${depth}`);
          expect(ids(g), `${direction} ${root} depth ${depth}`).toEqual(reference(root, direction, depth));
        }
      }
    }
  });
});

describe("GET /datasets/{id}/models", () => {
  const m = uniqueName("ds");
  const shared = {
    uri: "gs://bucket/shared data.parquet",
    version: "3.2",
    digest: digest(77),
    role: "training",
  };
  beforeAll(async () => {
    await createModel(m);
    for (let i = 0; i < 25; i++)
      await register(m, { datasets: [i % 5 === 0 ? { ...shared, version: "3.1" } : shared] });
    // Stage changes belong to the lifecycle endpoints; this test only needs one Production row to read.
    await env.DB.prepare(
      "update model_versions set stage = 'Production' where version = 7 and model_id = (select id from models where name = ?)",
    )
      .bind(m)
      .run();
  });

  type Page = {
    items: { name: string; version: number; stage: string; dataset: { version: string } }[];
    next_page_token: string | null;
  };
  const get = async (id: string, query = "") =>
    json<Page>(await api("GET", `/api/v1/datasets/${id}/models${query}`));

  it("lists every version trained on a digest, paged", async () => {
    const first = await get(shared.digest, "?page_size=20");
    expect(first.items).toHaveLength(20);
    const rest = await get(shared.digest, `?page_size=20&page_token=${first.next_page_token}`);
    expect(rest.items).toHaveLength(5);
    expect(rest.next_page_token).toBeNull();
    expect([...first.items, ...rest.items].map((i) => i.version).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
  });

  it("answers 'which Production models used dataset v3.2' by URL-encoded uri", async () => {
    const id = encodeURIComponent(shared.uri);
    expect((await get(id, "?version=3.1")).items.map((i) => i.version)).toEqual([21, 16, 11, 6, 1]);
    const prod = await get(id, "?version=3.2&stage=Production");
    expect(prod.items.map((i) => [i.name, i.version, i.stage])).toEqual([[m, 7, "Production"]]);
  });

  it("refuses a malformed digest and finds nothing for an unknown uri", async () => {
    expect((await api("GET", "/api/v1/datasets/sha256:xyz/models")).status).toBe(400);
    expect((await get(encodeURIComponent("s3://nothing/here"))).items).toEqual([]);
  });
});
