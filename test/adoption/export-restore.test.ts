/**
 * `GET /admin/export/models/{name}` and `POST /admin/restore`: the record row for row, and a restore
 * that refuses taken names and ids, rows of other models, and a broken audit chain (naming the entry)
 * without writing anything. The full round trip into a fresh registry is test/e2e/dr-drill.test.ts.
 */
import { describe, expect, it } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";

interface Snapshot {
  format: number;
  model: { id: string; name: string; lastVersion: number };
  versions: { id: string; modelId: string; version: number; tags: Record<string, string> }[];
  aliases: { alias: string; version: number }[];
  audit: { chain: string; seq: number; action: string; hash: string; prevHash: string; modelName: string }[];
}

async function populated() {
  const name = uniqueName("snap");
  await createModel(name);
  for (let i = 0; i < 2; i++) {
    await api("POST", `/api/v1/models/${name}/versions`, { body: { tags: { fold: String(i) } } });
  }
  await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 2 } });
  return name;
}

const restore = (body: unknown, token?: string) => api("POST", "/api/v1/admin/restore", { body, token });

describe("export and restore of one model", () => {
  it("exports the stored record, audit chain included, for admins only", async () => {
    const name = await populated();
    const res = await api("GET", `/api/v1/admin/export/models/${name}`);
    expect(res.status).toBe(200);
    const s = await json<Snapshot>(res);
    expect(s.format).toBe(1);
    expect(s.model).toMatchObject({ name, lastVersion: 2 });
    expect(s.versions.map((v) => [v.version, v.tags])).toEqual([
      [1, { fold: "0" }],
      [2, { fold: "1" }],
    ]);
    expect(s.aliases).toMatchObject([{ alias: "champion", version: 2 }]);
    expect(s.audit.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(s.audit[1]?.prevHash).toBe(s.audit[0]?.hash);
    const approver = await createToken("approver");
    expect((await api("GET", `/api/v1/admin/export/models/${name}`, { token: approver })).status).toBe(403);
    expect((await restore(s, approver)).status).toBe(403);
    expect((await api("GET", "/api/v1/admin/export/models/no-such-model")).status).toBe(404);
  });

  it("refuses a restore over a model that is here", async () => {
    const name = await populated();
    const s = await json<Snapshot>(await api("GET", `/api/v1/admin/export/models/${name}`));
    const res = await restore(s);
    expect(res.status).toBe(409);
    expect((await json(res)).code).toBe("MODEL_ALREADY_EXISTS");
  });

  it("refuses a broken audit chain naming the entry, and rows of another model, writing nothing", async () => {
    const name = await populated();
    const s = await json<Snapshot>(await api("GET", `/api/v1/admin/export/models/${name}`));
    // The same record under a free name and id: rows now name the new id, but the hashes cover the old.
    const fresh = uniqueName("snap");
    const id = `${s.model.id}x`;
    const moved = {
      ...s,
      model: { ...s.model, id, name: fresh },
      versions: s.versions.map((v) => ({ ...v, modelId: id })),
      aliases: s.aliases.map((a) => ({ ...a, modelId: id })),
      audit: s.audit.map((e) => ({ ...e, chain: id })),
    };
    const broken = await restore(moved);
    expect(broken.status).toBe(422);
    expect(await json(broken)).toMatchObject({ code: "AUDIT_CHAIN_BROKEN", broken_at_seq: 1 });
    const foreign = await restore({ ...moved, versions: s.versions });
    expect(foreign.status).toBe(400);
    expect((await json(foreign)).code).toBe("INVALID_ARGUMENT");
    const garbage = await restore({ ...moved, audit: [{ seq: "one" }] });
    expect(garbage.status).toBe(400);
    expect((await api("GET", `/api/v1/models/${fresh}`)).status).toBe(404);
  });
});

// Issue 17 (export completeness): requests in flight, node reports and the dataset catalogue.
describe("export completeness", () => {
  it("a snapshot carries approval requests with their votes and deployment reports, checked on restore", async () => {
    const name = await populated();
    expect(
      (await api("POST", `/api/v1/models/${name}/versions/2/transitions`, { body: { to: "Staging" } }))
        .status,
    ).toBe(200);
    const opened = await api("POST", `/api/v1/models/${name}/versions/2/approval-requests`, {
      body: { to: "Production", comment: "in flight" },
    });
    expect(opened.status).toBe(201);
    const version = await json<{ manifest_digest: string }>(
      await api("GET", `/api/v1/models/${name}/versions/2`),
    );
    const report = {
      node_id: "edge-1",
      environment: "production",
      alias: "champion",
      version: 2,
      manifest_digest: version.manifest_digest,
      loaded_at: new Date().toISOString(),
      status: "loaded",
    };
    expect((await api("POST", `/api/v1/models/${name}/deployments`, { body: report })).status).toBe(200);
    const s = await json<
      Snapshot & {
        approval_requests: {
          id: string;
          modelId: string;
          status: string;
          comment: string;
          approvals: unknown[];
        }[];
        deployments: { modelId: string; nodeId: string; version: number }[];
      }
    >(await api("GET", `/api/v1/admin/export/models/${name}`));
    expect(s.approval_requests).toMatchObject([{ status: "pending", comment: "in flight", approvals: [] }]);
    expect(s.deployments).toMatchObject([{ nodeId: "edge-1", version: 2 }]);
    // Rows that name another model are refused before the chain is even looked at.
    const fresh = uniqueName("snap");
    const foreign = await restore({
      ...s,
      model: { ...s.model, name: fresh, id: `${s.model.id}y` },
      versions: [],
      aliases: [],
      audit: [],
    });
    expect(foreign.status).toBe(400);
    expect((await json(foreign)).detail).toContain(`approval_requests[${s.approval_requests[0]?.id}]`);
    const malformed = await restore({ ...s, deployments: [{ nodeId: "x" }] });
    expect(malformed.status).toBe(400);
    expect((await api("GET", `/api/v1/models/${fresh}`)).status).toBe(404);
  });

  it("restores dataset catalogue entries verbatim, skips ids already here, refuses a taken uri", async () => {
    const uri = `s3://lake/${uniqueName("ds")}`;
    const entry = {
      id: `dst_${uniqueName("r").replace(/[^A-Za-z0-9_-]/g, "")}`,
      uri,
      version: "2026-01",
      digest: null,
      description: "transactions",
      schema: { amount: "double" },
      owner: "data-eng",
      tags: { pii: "no" },
      created_by: "someone-else",
      created_at: "2026-01-02T03:04:05.678Z",
    };
    const post = (datasets: unknown[], token?: string) =>
      api("POST", "/api/v1/admin/restore/datasets", { body: { datasets }, token });
    const first = await post([entry]);
    expect(first.status).toBe(200);
    expect(await json(first)).toEqual({ restored: 1, already_present: 0 });
    expect(await json(await api("GET", `/api/v1/datasets/${entry.id}`))).toMatchObject({
      id: entry.id,
      uri,
      version: "2026-01",
      owner: "data-eng",
      created_by: "someone-else",
      created_at: entry.created_at,
      schema: { amount: "double" },
    });
    expect(await json(await post([entry]))).toEqual({ restored: 0, already_present: 1 });
    const taken = await post([{ ...entry, id: `${entry.id}z` }]);
    expect(taken.status).toBe(409);
    expect((await json(taken)).code).toBe("DATASET_ALREADY_EXISTS");
    expect((await post([{ ...entry, id: "not-an-id" }])).status).toBe(400);
    expect((await post([entry], await createToken("approver"))).status).toBe(403);
  });
});
