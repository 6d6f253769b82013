/**
 * Alias moves, rollout steps, promotions, aborts and canary reports at once: every rollout ends in
 * exactly one outcome, the alias agrees with it, nothing answers 500, and the audit chain verifies.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createToken, json, uniqueName } from "../support/api";
import { modelWithVersions, move, mustStart, nodesWhere, report, rollouts } from "./support";

let serving: string;
beforeAll(async () => {
  serving = await createToken("serving");
});

const TERMINAL = ["rollout.completed", "rollout.aborted", "rollout.rolled_back"];

describe("rollouts under concurrency", () => {
  it.each([1, 2, 3])("round %i: one outcome, an alias that agrees, a chain that verifies", async () => {
    const name = uniqueName("race");
    const [, v2] = await modelWithVersions(name, 3, 1);
    if (!v2) throw new Error("versions");
    const guard = { metric: "error_rate", op: "<=", value: 0.01, min_reports: 3 };
    const rollout = await mustStart(name, { version: 2, weight: 10, steps: [10, 50, 100], guards: [guard] });
    const canaries = await nodesWhere(name, true, 10, 3);

    const calls: Promise<Response>[] = [
      ...canaries.map((n) => report(name, n, v2, { error_rate: 0.5 }, serving)),
      move(rollout.id, "advance"),
      move(rollout.id, "advance"),
      move(rollout.id, "promote"),
      move(rollout.id, "abort"),
      api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 3 } }),
      api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 3 } }),
      mustStart(name, { version: 3 }).then(
        () => new Response(null, { status: 201 }),
        (e: Error) => new Response(e.message, { status: Number(/start: (\d+)/.exec(e.message)?.[1] ?? 599) }),
      ),
    ];
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);

    const model = await env.DB.prepare("select id from models where name = ?")
      .bind(name)
      .first<{ id: string }>();
    const audit = (
      await env.DB.prepare("select seq, action, target from audit_log where chain = ? order by seq")
        .bind(model?.id)
        .all<{ seq: number; action: string; target: string }>()
    ).results;
    const mine = audit.filter((a) => a.target.endsWith(rollout.id));
    const ends = mine.filter((a) => TERMINAL.includes(a.action));
    expect(ends).toHaveLength(1);
    const end = ends[0];
    // Nothing moves the rollout after its end.
    expect(mine.at(-1)).toEqual(end);

    const [first] = (await rollouts(name)).filter((r) => r.id === rollout.id);
    expect(`rollout.${first?.status}`).toBe(end?.action);
    expect(
      first?.history.filter((h) => ["completed", "aborted", "rolled_back"].includes(h.action)),
    ).toHaveLength(1);

    // The alias agrees with the sequence: v3 only by a move after the end (a PUT, or a new rollout
    // completed — not in this round), else v2 if the rollout completed, else v1.
    const started = mine.find((a) => a.action === "rollout.started")?.seq ?? 0;
    const aliasMoves = audit.filter((a) => a.action === "alias.set" && a.seq > started);
    for (const m of aliasMoves) expect(m.seq).toBeGreaterThan(end?.seq ?? 0);
    const alias = await json<{ version: number }>(
      await api("GET", `/api/v1/models/${name}/aliases/champion`),
    );
    const expected = aliasMoves.length > 0 ? 3 : end?.action === "rollout.completed" ? 2 : 1;
    expect(alias.version).toBe(expected);
    // At most one rollout is active on the alias, whatever won.
    const active = (await rollouts(name)).filter((r) => r.status === "active");
    expect(active.length).toBeLessThanOrEqual(1);

    expect(await json(await api("GET", `/api/v1/models/${name}/audit/verify`))).toMatchObject({ ok: true });
  });

  it("the database itself refuses a second active rollout on an alias (a stale writer's batch fails whole)", async () => {
    const name = uniqueName("race");
    await modelWithVersions(name, 2, 1);
    const rollout = await mustStart(name, { version: 2 });
    const insert = (id: string, status: string) =>
      env.DB.prepare(
        `insert into rollouts (id, model_id, alias, from_version, version, weight, steps, step_interval_s, guards,
           status, step_started_at, history, created_by, created_at, updated_at)
         select ?, model_id, alias, 1, 2, 10, '[10]', 60, '[]', ?, 0, '[]', 'mallory', 0, 0 from rollouts where id = ?`,
      )
        .bind(id, status, rollout.id)
        .run();
    await expect(insert("rol_forged", "active")).rejects.toThrow(/UNIQUE constraint failed/);
    // Ended rollouts are history: any number of them may sit beside the active one.
    await insert("rol_old", "aborted");
  });
});
