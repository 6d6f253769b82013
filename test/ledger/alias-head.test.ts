/**
 * The ledger's alias head state (issue 13, src/ledger/alias-head.ts): once a move has read where an
 * alias points, whether its target may take an alias and whether a rollout holds it, the next moves
 * are decided without reading D1. It must never decide on a stale fact: any change other than an
 * alias move or deletion (a rollout, a version deleted) makes the ledger forget them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findModelRow } from "../../src/db/repos/models-repo";
import { readPolicy } from "../../src/db/repos/policies-repo";
import { decideSetAlias } from "../../src/ledger/alias-ops";
import { ChangeWriter } from "../../src/ledger/change-writer";
import type { ChangeContext } from "../../src/ledger/ledger-types";
import { expectStatus } from "../governance/support";
import { mustStart } from "../rollouts/support";
import { modelWithVersions } from "../serving/support";
import { api, json, uniqueName } from "../support/api";
import { rows } from "./support";

const ctx: ChangeContext = { actor: { id: "t", name: "tester" }, role: "admin", requestId: "req-alias-head" };

/** The real D1, counting the SELECT statements prepared through it. */
function countingD1() {
  const selects: string[] = [];
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          if (/^\s*select/i.test(sql)) selects.push(sql);
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, selects };
}

/**
 * A writer of our own deciding moves of `live` as the ledger does (on its head state), answering
 * nothing as MLflow's set alias does.
 */
async function aliasWriter(name: string, d1: D1Database = env.DB) {
  const db = createDb(d1);
  const writer = new ChangeWriter(db, env.EVENTS, (promise) => void promise.catch(() => undefined));
  const model = await findModelRow(createDb(env.DB), name);
  if (!model) throw new Error("no model");
  const move = (version: number) =>
    writer.run(
      ctx,
      (now) =>
        decideSetAlias(db, model, { alias: "live", version }, ctx, now, async () => null, {
          policyOf: (d, id) => writer.headPolicy(id, () => readPolicy(d, id)),
          aliases: writer.aliasHead(model.id),
        }),
      { group: true },
    );
  return { model, move };
}

/** The moves of `live` as their events announced them, in sequence order. */
const liveEvents = (modelId: string) =>
  rows<{ before: number | null; after: number }>(
    `select json_extract(envelope, '$.data.before.version') as before,
       json_extract(envelope, '$.data.after.version') as after
     from outbox_events where model_id = ? and json_extract(envelope, '$.data.alias') = 'live'
     order by sequence`,
    modelId,
  );

const putAlias = (name: string, alias: string, version: number) =>
  api("PUT", `/api/v1/models/${name}/aliases/${alias}`, { body: { version } });

describe("alias head state", () => {
  it("decides a move after the first without reading D1", async () => {
    const name = uniqueName("alias-head");
    await modelWithVersions(name, 2);
    const counted = countingD1();
    const { model, move } = await aliasWriter(name, counted.db);
    /** The SELECTs one move of `live` took. */
    const readsOf = async (version: number) => {
      counted.selects.length = 0;
      expect((await move(version)).ok).toBe(true);
      return counted.selects.length;
    };
    expect(await readsOf(1)).toBeGreaterThan(0); // learns the facts (and the policy, the chain head)
    expect(await readsOf(2)).toBeGreaterThan(0); // version 2 not known yet
    expect(await readsOf(1)).toBe(0);
    expect(await readsOf(2)).toBe(0);
    expect(await liveEvents(model.id)).toEqual([
      { before: null, after: 1 },
      { before: 1, after: 2 },
      { before: 2, after: 1 },
      { before: 1, after: 2 },
    ]);
  });

  it("a writer whose alias facts went stale (another writer moved the alias) decides again on D1", async () => {
    const name = uniqueName("alias-head-fence");
    await modelWithVersions(name, 3);
    const a = await aliasWriter(name);
    const b = await aliasWriter(name);
    expect((await a.move(1)).ok).toBe(true);
    expect((await a.move(2)).ok).toBe(true); // A knows: live → 2, versions 1 and 2 servable
    expect((await b.move(3)).ok).toBe(true);
    // A's head says live → 2; its batch fails the audit chain's fence and is decided again on D1.
    expect((await a.move(1)).ok).toBe(true);
    expect(await liveEvents(a.model.id)).toEqual([
      { before: null, after: 1 },
      { before: 1, after: 2 },
      { before: 2, after: 3 },
      { before: 3, after: 1 },
    ]);
    expect(await json(await api("GET", `/api/v1/models/${name}/audit/verify`))).toMatchObject({ ok: true });
  });

  it("answers a move decided on the head with the version as written", async () => {
    const name = uniqueName("alias-head-answer");
    await modelWithVersions(name, 2);
    expect((await putAlias(name, "live", 2)).status).toBe(200);
    expect((await putAlias(name, "live", 1)).status).toBe(200);
    const answered = await putAlias(name, "live", 2); // decided on the head
    const read = await api("GET", `/api/v1/models/${name}/versions/2`);
    expect(await json(answered)).toEqual(await json(read));
    expect(await json(await api("GET", `/api/v1/models/${name}/versions/2`))).toMatchObject({
      aliases: ["live"],
    });
  });

  it("a rollout started after the facts were learned refuses the next move", async () => {
    const name = uniqueName("alias-head-rollout");
    await modelWithVersions(name, 3); // champion at 1
    expect((await putAlias(name, "champion", 2)).status).toBe(200);
    expect((await putAlias(name, "champion", 1)).status).toBe(200); // decided on the head
    await mustStart(name, { version: 3 });
    await expectStatus(await putAlias(name, "champion", 2), 409, "ROLLOUT_IN_PROGRESS");
  });

  it("a version deleted after it took the alias cannot take it again", async () => {
    const name = uniqueName("alias-head-deleted");
    await modelWithVersions(name, 3);
    expect((await putAlias(name, "live", 1)).status).toBe(200);
    expect((await putAlias(name, "live", 2)).status).toBe(200); // version 1 known servable
    const deleted = await api("DELETE", "/api/2.0/mlflow/model-versions/delete", {
      body: { name, version: "1" },
    });
    expect(deleted.status, await deleted.clone().text()).toBe(200);
    await expectStatus(await putAlias(name, "live", 1), 404, "VERSION_NOT_FOUND");
  });

  it("a deleted alias is set again from nothing: its event's `before` is empty", async () => {
    const name = uniqueName("alias-head-unset");
    await modelWithVersions(name, 2);
    expect((await putAlias(name, "live", 1)).status).toBe(200);
    expect((await putAlias(name, "live", 2)).status).toBe(200);
    expect((await api("DELETE", `/api/v1/models/${name}/aliases/live`)).status).toBe(204);
    expect((await putAlias(name, "live", 1)).status).toBe(200);
    const events = await rows<{ type: string; before: number | null }>(
      `select type, json_extract(envelope, '$.data.before.version') as before from outbox_events
       where model_name = ? and json_extract(envelope, '$.data.alias') = 'live' order by sequence`,
      name,
    );
    expect(events).toEqual([
      { type: "alias.set", before: null },
      { type: "alias.set", before: 1 },
      { type: "alias.deleted", before: 2 },
      { type: "alias.set", before: null },
    ]);
  });
});
