/**
 * Group commit of alias moves and stage transitions (issue 13, src/ledger/change-writer.ts): moves
 * waiting together land in one D1 batch, each with its own audit entry, event and sequence number;
 * a change that reads what an earlier one in the group writes (`Change.conflicts`) waits for the
 * next batch, so it is decided on the state the earlier one left; one that fails fails alone.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findModelRow } from "../../src/db/repos/models-repo";
import { readPolicy } from "../../src/db/repos/policies-repo";
import { findVersionViewRow } from "../../src/db/repos/versions-repo";
import { answerWithView, decideSetAlias } from "../../src/ledger/alias-ops";
import { ChangeWriter } from "../../src/ledger/change-writer";
import { decideTransition } from "../../src/ledger/governance-ops";
import type { ChangeContext } from "../../src/ledger/ledger-types";
import { api, createModel, json, uniqueName } from "../support/api";
import { failingChange, oneTo, rows } from "./support";

const ctx = (i: number): ChangeContext => ({
  actor: { id: "t", name: "tester" },
  role: "admin",
  requestId: `req-${i}`,
});

/** A model with `n` versions, registered over HTTP. */
async function modelWith(prefix: string, n: number): Promise<{ name: string; id: string }> {
  const name = uniqueName(prefix);
  await createModel(name);
  for (const i of oneTo(n)) {
    const r = await api("POST", `/api/v1/models/${name}/versions`, { body: { description: `v${i}` } });
    if (r.status !== 201) throw new Error(`register: ${r.status}`);
  }
  const [row] = await rows<{ id: string }>("select id from models where name = ?", name);
  if (!row) throw new Error("no model");
  return { name, id: row.id };
}

/** A writer of our own on the real D1, so the test sees how many batches it wrote. */
function writerFor(name: string) {
  const db = createDb(env.DB);
  const writer = new ChangeWriter(db, env.EVENTS, (promise) => void promise.catch(() => undefined));
  const model = async () => {
    const row = writer.cachedModel(name) ?? (await findModelRow(db, name));
    if (!row) throw new Error("no model");
    return row;
  };
  const setAlias = (alias: string, version: number, i: number) =>
    writer.run(
      ctx(i),
      async (now) => {
        const m = await model();
        // Decided on the writer's head state, as the ledger decides it (alias-head.ts).
        return decideSetAlias(db, m, { alias, version }, ctx(i), now, answerWithView(db, m, version), {
          policyOf: (d, id) => writer.headPolicy(id, () => readPolicy(d, id)),
          aliases: writer.aliasHead(m.id),
        });
      },
      { group: true },
    );
  const transition = (version: number, to: "Staging" | "Production" | "Archived", i: number) =>
    writer.run(
      ctx(i),
      async (now) => {
        const m = await model();
        const row = await findVersionViewRow(db, m.id, version);
        if (!row) throw new Error("no version");
        // An admin's promotion without an approval is a fast-track (the default policy asks one).
        const kind = to === "Production" ? "fast_track" : "transition";
        return decideTransition(db, m, row, { to, comment: "group", kind }, ctx(i), now);
      },
      { group: true },
    );
  /** A change whose batch always violates a constraint (a model id that exists already). */
  const bad = (modelId: string) => writer.run(ctx(0), failingChange(db, modelId, name), { group: true });
  return { writer, setAlias, transition, bad };
}

async function auditVerifies(name: string): Promise<boolean> {
  return (await json<{ ok: boolean }>(await api("GET", `/api/v1/models/${name}/audit/verify`))).ok;
}

const aliasEvents = (modelId: string) =>
  rows<{ sequence: number; alias: string; before: number | null; after: number }>(
    `select sequence, json_extract(envelope, '$.data.alias') as alias,
       json_extract(envelope, '$.data.before.version') as before,
       json_extract(envelope, '$.data.after.version') as after
     from outbox_events where model_id = ? and type = 'alias.set' order by sequence`,
    modelId,
  );

describe("group commit of alias moves and stage transitions", () => {
  it("moves of different aliases to different versions land in ONE batch, each audited and announced", async () => {
    const { name, id } = await modelWith("galias", 12);
    const { writer, setAlias } = writerFor(name);
    const results = await Promise.all(oneTo(12).map((i) => setAlias(`a${i}`, i, i)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(writer.batches).toBe(1);
    const stored = await rows<{ alias: string; version: number }>(
      "select alias, version from aliases where model_id = ? order by alias",
      id,
    );
    expect(new Map(stored.map((a) => [a.alias, a.version]))).toEqual(
      new Map(oneTo(12).map((i) => [`a${i}`, i])),
    );
    const events = await aliasEvents(id);
    expect(events).toHaveLength(12);
    expect(new Set(events.map((e) => e.sequence)).size).toBe(12);
    expect(await auditVerifies(name)).toBe(true);
  });

  it("concurrent moves of ONE alias are decided one after another: each event's before is the last after", async () => {
    const { name, id } = await modelWith("gsame", 4);
    const { writer, setAlias } = writerFor(name);
    const targets = [1, 2, 3, 4, 2, 1];
    const results = await Promise.all(targets.map((v, i) => setAlias("champion", v, i)));
    expect(results.every((r) => r.ok)).toBe(true);
    // Same alias = conflicting changes: never in one batch (else every `before` would be stale).
    expect(writer.batches).toBe(targets.length);
    const events = await aliasEvents(id);
    expect(events.map((e) => e.after)).toEqual(targets);
    expect(events.map((e) => e.before)).toEqual([null, ...targets.slice(0, -1)]);
    const [alias] = await rows<{ version: number }>(
      "select version from aliases where model_id = ? and alias = 'champion'",
      id,
    );
    expect(alias?.version).toBe(1);
    expect(await auditVerifies(name)).toBe(true);
  });

  it("a change that fails inside a group fails alone; the other moves land with their events", async () => {
    const { name, id } = await modelWith("gbad", 8);
    const { writer, setAlias, bad } = writerFor(name);
    const submitted = [
      ...oneTo(4).map((i) => setAlias(`x${i}`, i, i)),
      setAlias("missing", 99, 50),
      bad(id),
      ...oneTo(4).map((i) => setAlias(`y${i}`, 4 + i, 10 + i)),
    ];
    const results = await Promise.all(submitted);
    expect(results[4]).toMatchObject({ ok: false, code: "VERSION_NOT_FOUND" });
    expect(results[5]).toMatchObject({ ok: false, code: "CONCURRENT_MODIFICATION" });
    expect(results.filter((r) => r.ok)).toHaveLength(8);
    expect(writer.batches).toBe(8); // the group failed as a whole, then each good change alone
    expect(await aliasEvents(id)).toHaveLength(8);
    expect(await rows("select 1 from models where name = ?", `${name}-dup`)).toHaveLength(0);
    expect(await auditVerifies(name)).toBe(true);
  });

  it("transitions of different versions group; promotions never do: exactly one Production", async () => {
    const { name, id } = await modelWith("gstage", 6);
    const { writer, transition } = writerFor(name);
    const staged = await Promise.all(oneTo(6).map((v) => transition(v, "Staging", v)));
    expect(staged.every((r) => r.ok)).toBe(true);
    expect(writer.batches).toBe(1);
    // Six promotions at once: each reads and moves the Production slot, so each gets its own batch
    // and archives the one before it.
    const promoted = await Promise.all(oneTo(6).map((v) => transition(v, "Production", 10 + v)));
    expect(promoted.every((r) => r.ok)).toBe(true);
    expect(writer.batches).toBe(7);
    const stages = await rows<{ version: number; stage: string }>(
      "select version, stage from model_versions where model_id = ? order by version",
      id,
    );
    expect(stages.filter((s) => s.stage === "Production").map((s) => s.version)).toEqual([6]);
    expect(stages.filter((s) => s.stage === "Archived")).toHaveLength(5);
    const events = await rows<{ n: number }>(
      "select count(*) as n from outbox_events where model_id = ? and type = 'model_version.stage_changed'",
      id,
    );
    expect(events[0]?.n).toBe(12);
    expect(await auditVerifies(name)).toBe(true);
  });

  it("over HTTP: concurrent fast-track promotions leave one Production; MLflow moves answer their stage", async () => {
    const { name, id } = await modelWith("ghttp", 5);
    const move = (version: number, stage: string) =>
      api("POST", "/api/2.0/mlflow/model-versions/transition-stage", {
        body: { name, version: String(version), stage, archive_existing_versions: false },
      });
    const staged = await Promise.all(oneTo(5).map((v) => move(v, "Staging")));
    expect(staged.map((r) => r.status)).toEqual(Array(5).fill(200));
    for (const r of staged) {
      expect((await json<{ model_version: { current_stage: string } }>(r)).model_version.current_stage).toBe(
        "Staging",
      );
    }
    const replies = await Promise.all(
      oneTo(5).map((v) =>
        api("POST", `/api/v1/models/${name}/versions/${v}/transitions`, {
          body: { to: "Production", fast_track: true, comment: "incident" },
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(5).fill(200));
    const production = await rows(
      "select 1 from model_versions where model_id = ? and stage = 'Production'",
      id,
    );
    expect(production).toHaveLength(1);
    expect(await auditVerifies(name)).toBe(true);
  });

  it("idempotent replays inside a burst of alias moves answer the original version", async () => {
    const { name, id } = await modelWith("gidem", 2);
    const headers = { "idempotency-key": `burst-${name}` };
    const same = oneTo(6).map(() =>
      api("POST", `/api/v1/models/${name}/versions`, { body: { description: "once" }, headers }),
    );
    const moves = oneTo(6).map((i) =>
      api("PUT", `/api/v1/models/${name}/aliases/m${i}`, { body: { version: 1 + (i % 2) } }),
    );
    const [replies, moved] = await Promise.all([Promise.all(same), Promise.all(moves)]);
    expect(moved.map((r) => r.status)).toEqual(Array(6).fill(200));
    const versions = new Set(
      await Promise.all(replies.map(async (r) => (await json<{ version: number }>(r)).version)),
    );
    expect(versions).toEqual(new Set([3]));
    expect(replies.map((r) => r.status).sort()).toEqual([...Array(5).fill(200), 201].sort());
    expect(await aliasEvents(id)).toHaveLength(6);
    expect(await auditVerifies(name)).toBe(true);
  });
});
