import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { commitBatch, createDb } from "../../src/db/client";
import { insertModel } from "../../src/db/repos/models-repo";
import { api, createModel, json, uniqueName } from "../support/api";

const count = async (sql: string, ...binds: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...binds)
    .first<{ n: number }>("n")) ?? 0;

describe("a change is one atomic batch", () => {
  it("a batch that fails half-way leaves nothing behind", async () => {
    const db = createDb(env.DB);
    const name = uniqueName("atomic");
    const now = Date.now();
    const row = { id: `mdl_${name}`, name, owner: "t", createdAt: now, updatedAt: now };
    // model row + 3 tags, then a statement that violates the primary key: the whole batch must roll back.
    const statements = [
      ...insertModel(db, row, { a: "1", b: "2", c: "3" }),
      ...insertModel(db, { ...row, name: `${name}-dup` }, {}),
    ];
    await expect(commitBatch(db, statements)).rejects.toThrow();
    expect(await count("select count(*) as n from models where id = ?", row.id)).toBe(0);
    expect(await count("select count(*) as n from model_tags where model_id = ?", row.id)).toBe(0);
  });

  it("a stale ledger's write fails as a whole and is decided again on fresh state", async () => {
    const name = uniqueName("stale");
    await createModel(name); // audit seq 1; the ledger now caches head = 1
    const modelId = await env.DB.prepare("select id from models where name = ?")
      .bind(name)
      .first<string>("id");
    // Another writer (a stale instance) appends seq 2 behind the cached ledger's back.
    await env.DB.prepare(
      "insert into audit_log (chain, seq, model_name, action, actor, target, request_id, created_at, prev_hash, hash) values (?, 2, ?, 'intruder', 'x', 'x', 'x', 0, 'x', 'x')",
    )
      .bind(modelId, name)
      .run();
    const res = await api("POST", `/api/v1/models/${name}/versions`, {
      body: { description: "after the intruder" },
    });
    expect(res.status).toBe(201);
    expect((await json<{ version: number }>(res)).version).toBe(1);
    // The first attempt (seq 2) wrote nothing; the retry landed at seq 3 with exactly one version row.
    expect(await count("select count(*) as n from model_versions where model_id = ?", modelId)).toBe(1);
    const actions = await env.DB.prepare("select seq, action from audit_log where chain = ? order by seq")
      .bind(modelId)
      .all<{ seq: number; action: string }>();
    expect(actions.results).toEqual([
      { seq: 1, action: "model.created" },
      { seq: 2, action: "intruder" },
      { seq: 3, action: "model_version.created" },
    ]);
  });

  it("every change writes its audit entry and its outbox event in the same batch", async () => {
    const name = uniqueName("outbox");
    await createModel(name);
    await api("POST", `/api/v1/models/${name}/versions`, { body: {} });
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } });
    const modelId = await env.DB.prepare("select id from models where name = ?")
      .bind(name)
      .first<string>("id");
    const audit = await env.DB.prepare("select seq, action from audit_log where chain = ? order by seq")
      .bind(modelId)
      .all<{ seq: number; action: string }>();
    const events = await env.DB.prepare(
      "select sequence, type from outbox_events where model_id = ? order by sequence",
    )
      .bind(modelId)
      .all<{ sequence: number; type: string }>();
    expect(audit.results.map((a) => a.action)).toEqual([
      "model.created",
      "model_version.created",
      "alias.set",
    ]);
    expect(events.results).toEqual([
      { sequence: 1, type: "model.created" },
      { sequence: 2, type: "model_version.created" },
      { sequence: 3, type: "alias.set" },
    ]);
  });
});
