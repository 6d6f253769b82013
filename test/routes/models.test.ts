import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createModel, json, uniqueName } from "../support/api";

interface Model {
  name: string;
  description: string;
  tags: Record<string, string>;
  aliases: Record<string, number>;
  latest_version: number | null;
  production_version: number | null;
  created_at: string;
  updated_at: string;
}
interface Page<T> {
  items: T[];
  next_page_token: string | null;
}

describe("registered models", () => {
  it("create answers 201 with Location and the design's shape", async () => {
    const name = uniqueName("shape");
    const res = await api("POST", "/api/v1/models", {
      body: { name, description: "Card fraud", tags: { team: "risk" } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/models/${name}`);
    const model = await json<Model>(res);
    expect(model).toMatchObject({
      name,
      description: "Card fraud",
      tags: { team: "risk" },
      aliases: {},
      latest_version: null,
      production_version: null,
    });
    expect(Date.parse(model.created_at)).toBeGreaterThan(0);
  });

  it("update, tags and delete", async () => {
    const name = uniqueName("life");
    await createModel(name);
    const updated = await json<Model>(
      await api("PATCH", `/api/v1/models/${name}`, { body: { description: "v2" } }),
    );
    expect(updated.description).toBe("v2");
    await api("PUT", `/api/v1/models/${name}/tags/owner`, { body: { value: "asha" } });
    await api("PUT", `/api/v1/models/${name}/tags/owner`, { body: { value: "ben" } }); // idempotent upsert
    expect((await json<Model>(await api("GET", `/api/v1/models/${name}`))).tags).toEqual({ owner: "ben" });
    expect((await api("DELETE", `/api/v1/models/${name}/tags/owner`)).status).toBe(200);
    expect((await api("DELETE", `/api/v1/models/${name}/tags/owner`)).status).toBe(404);
    expect((await api("DELETE", `/api/v1/models/${name}`)).status).toBe(204);
    expect((await api("GET", `/api/v1/models/${name}`)).status).toBe(404);
    // The audit trail outlives the model.
    const audit = await env.DB.prepare("select action from audit_log where model_name = ? order by seq")
      .bind(name)
      .all();
    expect(audit.results.map((r) => r.action)).toEqual([
      "model.created",
      "model.updated",
      "model.tag_set",
      "model.tag_set",
      "model.tag_deleted",
      "model.deleted",
    ]);
  });

  it("delete takes the model's policies, approvals, retention and deployment records with it", async () => {
    const name = uniqueName("cascade");
    await createModel(name);
    const id = await env.DB.prepare("select id from models where name = ?").bind(name).first<string>("id");
    expect(
      (await api("PUT", `/api/v1/models/${name}/policy`, { body: { required_approvals: 2 } })).status,
    ).toBe(200);
    expect((await api("PUT", `/api/v1/models/${name}/retention`, { body: { keep_last: 3 } })).status).toBe(
      200,
    );
    expect((await api("DELETE", `/api/v1/models/${name}`)).status).toBe(204);
    for (const table of [
      "policies",
      "retention_policies",
      "approval_requests",
      "deployments",
      "model_versions",
    ]) {
      const left = await env.DB.prepare(`select count(*) as n from ${table} where model_id = ?`)
        .bind(id)
        .first<number>("n");
      expect(left, table).toBe(0);
    }
  });

  it("delete is refused while a version is in Staging or Production", async () => {
    const name = uniqueName("active");
    await createModel(name);
    await api("POST", `/api/v1/models/${name}/versions`, { body: {} });
    // Stage changes belong to governance; put the row in Staging directly to test the guard.
    await env.DB.prepare(
      "update model_versions set stage = 'Staging' where model_id = (select id from models where name = ?)",
    )
      .bind(name)
      .run();
    const res = await api("DELETE", `/api/v1/models/${name}`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "MODEL_HAS_ACTIVE_VERSIONS" });
    expect((await api("GET", `/api/v1/models/${name}`)).status).toBe(200);
  });

  it("lists page through every model exactly once, by name and by update time", async () => {
    const prefix = uniqueName("page");
    const names = Array.from({ length: 7 }, (_, i) => `${prefix}-${i}`);
    for (const n of names) await createModel(n);
    for (const order of ["name ASC", "name DESC", "updated_at DESC", "updated_at ASC"]) {
      const seen: string[] = [];
      let token: string | null = null;
      do {
        const query = new URLSearchParams({
          page_size: "3",
          order_by: order,
          ...(token ? { page_token: token } : {}),
        });
        const page: Page<Model> = await json<Page<Model>>(await api("GET", `/api/v1/models?${query}`));
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((m) => m.name));
        token = page.next_page_token;
      } while (token);
      const mine = seen.filter((n) => n.startsWith(prefix));
      expect(new Set(seen).size, order).toBe(seen.length);
      expect(mine.length, order).toBe(7);
      if (order === "name ASC") expect(mine).toEqual([...names].sort());
      if (order === "name DESC") expect(mine).toEqual([...names].sort().reverse());
    }
  });

  it("a page token is tied to its order_by", async () => {
    await createModel(uniqueName("tie"));
    await createModel(uniqueName("tie"));
    const first = await json<Page<Model>>(await api("GET", "/api/v1/models?page_size=1&order_by=name%20ASC"));
    expect(first.next_page_token).not.toBeNull();
    const res = await api(
      "GET",
      `/api/v1/models?page_size=1&order_by=updated_at%20DESC&page_token=${first.next_page_token}`,
    );
    expect(res.status).toBe(400);
  });
});

describe("idempotent retries", () => {
  it("a retried model create with the same key answers the original result", async () => {
    const name = uniqueName("idem");
    const headers = { "idempotency-key": `create-${name}` };
    const first = await api("POST", "/api/v1/models", { body: { name }, headers });
    const again = await api("POST", "/api/v1/models", { body: { name }, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect((await json<Model>(again)).name).toBe(name);
  });

  it("a retried version registration creates exactly one version", async () => {
    const name = uniqueName("idemv");
    await createModel(name);
    const headers = { "idempotency-key": "run-42" };
    const body = { metrics: { auc: 0.9 }, source: { run_id: "r-42" } };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => api("POST", `/api/v1/models/${name}/versions`, { body, headers })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    const versions = await Promise.all(
      results.map(async (r) => (await json<{ version: number }>(r)).version),
    );
    expect(new Set(versions)).toEqual(new Set([1]));
    const next = await json<{ version: number }>(
      await api("POST", `/api/v1/models/${name}/versions`, { body: {} }),
    );
    expect(next.version).toBe(2);
  });

  it("reusing a key for a different request is refused", async () => {
    const name = uniqueName("idemx");
    await createModel(name);
    const headers = { "idempotency-key": "same-key" };
    await api("POST", `/api/v1/models/${name}/versions`, { body: { description: "a" }, headers });
    const res = await api("POST", `/api/v1/models/${name}/versions`, { body: { description: "b" }, headers });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });
});
