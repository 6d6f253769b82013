/**
 * The ledger's head state (issue 13, src/ledger/change-writer.ts): changes are decided against the
 * model row and policy the last committed change left, without reading D1. It must never decide on
 * a stale head: a fencing failure (another writer extended the chain) drops it and the change is
 * decided again on fresh state; a change that does not declare its model row (a policy change) drops
 * it too.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findModelRow } from "../../src/db/repos/models-repo";
import { readPolicy } from "../../src/db/repos/policies-repo";
import { ChangeWriter } from "../../src/ledger/change-writer";
import type { ChangeContext } from "../../src/ledger/ledger-types";
import { decideCreateVersion } from "../../src/ledger/version-ops";
import { CreateVersionSchema } from "../../src/schemas/versions";
import { api, createModel, json, uniqueName } from "../support/api";

const ctx: ChangeContext = { actor: { id: "t", name: "tester" }, requestId: "req-head" };

/** A writer deciding registrations the way ModelLedger does: head state first, D1 on a miss. */
function writerFor() {
  const db = createDb(env.DB);
  const writer = new ChangeWriter(db, env.EVENTS, (promise) => void promise.catch(() => undefined));
  const register = (name: string) =>
    writer.run(ctx, async (now) => {
      let model = writer.cachedModel(name);
      if (!model) {
        model = await findModelRow(db, name);
        if (!model) throw new Error("no model");
        writer.rememberModel(model);
      }
      return decideCreateVersion(
        db,
        writer.headModel(model),
        CreateVersionSchema.parse({}),
        ctx,
        now,
        (d, id) => writer.headPolicy(id, () => readPolicy(d, id)),
      );
    });
  return { writer, register };
}

async function auditSeqs(name: string): Promise<number[]> {
  const { results } = await env.DB.prepare(
    "select seq from audit_log where chain = (select id from models where name = ?) order by seq",
  )
    .bind(name)
    .all<{ seq: number }>();
  return results.map((r) => r.seq);
}

describe("ledger head state", () => {
  it("a writer whose head went stale (another writer registered meanwhile) decides again on fresh state", async () => {
    const name = uniqueName("head");
    await createModel(name);
    const a = writerFor();
    const b = writerFor();
    const first = await a.register(name);
    expect(first.ok && first.value.version).toBe(1);
    expect(a.writer.cachedModel(name)?.lastVersion).toBe(1); // A's head: version 1, no D1 read needed
    const second = await b.register(name);
    expect(second.ok && second.value.version).toBe(2);
    // A still believes the latest version is 1: its batch (version 2, next audit seq) fails the
    // UNIQUE fences, the head is dropped and the change is decided again on D1's state.
    const third = await a.register(name);
    expect(third.ok && third.value.version, JSON.stringify(third)).toBe(3);
    expect(a.writer.cachedModel(name)?.lastVersion).toBe(3);
    const { results } = await env.DB.prepare(
      "select version from model_versions where model_id = (select id from models where name = ?) order by version",
    )
      .bind(name)
      .all<{ version: number }>();
    expect(results.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(await auditSeqs(name)).toEqual([1, 2, 3, 4]); // model.created + three registrations
    const verify = await api("GET", `/api/v1/models/${name}/audit/verify`);
    expect(await json(verify)).toMatchObject({ ok: true, entries: 4 });
  });

  it("a policy change drops the head: the next transition is judged by the new policy", async () => {
    const name = uniqueName("head-policy");
    await createModel(name);
    const register = () =>
      api("POST", `/api/v1/models/${name}/versions`, { body: { metrics: { auc: 0.5 } } });
    expect((await register()).status).toBe(201);
    expect((await register()).status).toBe(201); // the ledger now decides from its head state
    const toStaging = (v: number) =>
      api("POST", `/api/v1/models/${name}/versions/${v}/transitions`, { body: { to: "Staging" } });
    expect((await toStaging(1)).status).toBe(200); // default policy (read once, kept in the head)
    const policy = { gates: [{ metric: "auc", op: ">=", value: 0.9 }] };
    expect((await api("PUT", `/api/v1/models/${name}/policy`, { body: policy })).status).toBe(200);
    const refused = await toStaging(2);
    expect(refused.status, await refused.clone().text()).toBe(422);
    expect(await json(refused)).toMatchObject({ code: "GATE_FAILED" });
  });

  it("a transition answers with the version as written (stage, aliases, tags) without reading it back", async () => {
    const name = uniqueName("head-answer");
    await createModel(name);
    const created = await api("POST", `/api/v1/models/${name}/versions`, {
      body: { tags: { b: "2", a: "1" } },
    });
    expect(created.status).toBe(201);
    expect((await api("PUT", `/api/v1/models/${name}/aliases/zeta`, { body: { version: 1 } })).status).toBe(
      200,
    );
    const aliased = await api("PUT", `/api/v1/models/${name}/aliases/alpha`, { body: { version: 1 } });
    expect(await json(aliased)).toMatchObject({ aliases: ["alpha", "zeta"] });
    const moved = await api("POST", `/api/v1/models/${name}/versions/1/transitions`, {
      body: { to: "Staging" },
    });
    const answered = await json(moved);
    const read = await json(await api("GET", `/api/v1/models/${name}/versions/1`));
    expect(answered).toEqual(read);
    expect(answered).toMatchObject({
      stage: "Staging",
      aliases: ["alpha", "zeta"],
      tags: { a: "1", b: "2" },
    });
  });
});
