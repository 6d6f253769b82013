/**
 * Health from the fleet: canary nodes' reports judge a rollout's guards; a breach rolls back within
 * the report that proves it; the cron advances only steps whose guards held.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { stepRollouts } from "../../src/jobs/rollout-steps";
import { hookUrl, received, subscribe, until } from "../events/support";
import { api, createToken, json, uniqueName } from "../support/api";
import { modelWithVersions, move, mustStart, nodesWhere, report, resolvedVersion, rollouts } from "./support";

let serving: string;
beforeAll(async () => {
  serving = await createToken("serving");
});

const guard = { metric: "error_rate", op: "<=", value: 0.01, min_reports: 3 };
const bad = { error_rate: 0.2 };
const good = { error_rate: 0.001 };

async function canaryModel(weight = 10, extra: Record<string, unknown> = {}) {
  const name = uniqueName("guard");
  const [v1, v2] = await modelWithVersions(name, 2, 1);
  if (!v1 || !v2) throw new Error("versions");
  const rollout = await mustStart(name, { version: 2, weight, guards: [guard], ...extra });
  return { name, v1, v2, rollout };
}

const statusOf = async (name: string) => (await rollouts(name))[0]?.status;

describe("guards judged over the canary's reports", () => {
  it("three canary nodes reporting error_rate 0.2 roll back within the third report, recording guard, value and nodes", async () => {
    const { name, v2, rollout } = await canaryModel();
    const canaries = await nodesWhere(name, true, 10, 3);
    for (const node of canaries.slice(0, 2)) {
      expect((await report(name, node, v2, bad, serving)).status).toBe(200);
      expect(await statusOf(name)).toBe("active");
    }
    const third = await report(name, canaries[2] ?? "", v2, bad, serving);
    expect(third.status).toBe(200);
    // No cron tick in between: the report itself rolled it back.
    const [after] = await rollouts(name);
    expect(after).toMatchObject({ id: rollout.id, status: "rolled_back" });
    expect(after?.breach).toMatchObject({ guard: { metric: "error_rate" }, value: 0.2 });
    expect(after?.breach?.nodes).toEqual([...canaries].sort());
    expect(after?.history.at(-1)).toMatchObject({ action: "rolled_back", actor: "rollout-guard" });
    for (const node of canaries) expect(await resolvedVersion(name, node)).toBe(1);

    const types = (
      await env.DB.prepare("select type, envelope from outbox_events where model_name = ? order by sequence")
        .bind(name)
        .all<{ type: string; envelope: string }>()
    ).results;
    const event = types.find((t) => t.type === "rollout.rolled_back");
    expect(JSON.parse(event?.envelope ?? "{}")).toMatchObject({
      actor: "rollout-guard",
      data: { rollout_id: rollout.id, breach: { value: 0.2, nodes: [...canaries].sort() } },
    });
    expect(await json(await api("GET", `/api/v1/models/${name}/audit/verify`))).toMatchObject({ ok: true });
  });

  it("a webhook subscribed to rollout.rolled_back receives the breach", async () => {
    const { name, v2, rollout } = await canaryModel();
    const key = `rollback-${name}`;
    await subscribe({ url: hookUrl(key), events: ["rollout.rolled_back"], model_pattern: name });
    for (const node of await nodesWhere(name, true, 10, 3)) await report(name, node, v2, bad, serving);
    const [hit] = await until(
      () => received(key),
      (r) => r.length > 0,
    );
    expect(JSON.parse(hit?.body ?? "{}")).toMatchObject({
      type: "rollout.rolled_back",
      model: name,
      actor: "rollout-guard",
      data: { rollout_id: rollout.id, status: "rolled_back", breach: { guard: { metric: "error_rate" } } },
    });
  });

  it("stable nodes' reports never trip a canary guard, nor canary nodes still running the stable version", async () => {
    const { name, v1, v2 } = await canaryModel();
    for (const node of await nodesWhere(name, false, 10, 5)) {
      // Even claiming the canary version: a node outside the canary's buckets does not speak for it.
      expect((await report(name, node, v2, bad, serving)).status).toBe(200);
      expect((await report(name, `${node}-b`, v1, bad, serving)).status).toBe(200);
    }
    for (const node of await nodesWhere(name, true, 10, 3)) {
      expect((await report(name, node, v1, bad, serving)).status).toBe(200);
    }
    expect(await statusOf(name)).toBe("active");
  });

  it("a guard with too few reports decides nothing, neither rollback nor advance", async () => {
    const { name, v2 } = await canaryModel(10, { step_interval_s: 60 });
    for (const node of await nodesWhere(name, true, 10, 2)) {
      expect((await report(name, node, v2, bad, serving)).status).toBe(200);
    }
    expect(await statusOf(name)).toBe("active");
    const outcomes = (await stepRollouts(env, Date.now() + 120_000)).filter((o) => o.model === name);
    expect(outcomes).toMatchObject([{ outcome: "waiting" }]);
    expect(outcomes[0]?.detail).toMatch(/ROLLOUT_GUARDS_UNDECIDED/);
    expect((await rollouts(name))[0]).toMatchObject({ status: "active", weight: 10 });
  });

  it("the fleet view shows which nodes are on the canary and judges them against the canary version", async () => {
    const { name, v1, v2, rollout } = await canaryModel(50);
    const [canary] = await nodesWhere(name, true, 50, 1);
    const [stable] = await nodesWhere(name, false, 50, 1);
    await report(name, canary ?? "", v2, good, serving);
    await report(name, stable ?? "", v1, good, serving);
    const { items } = await json<{ items: Record<string, unknown>[] }>(
      await api("GET", `/api/v1/models/${name}/deployments`),
    );
    const byNode = Object.fromEntries(items.map((i) => [i.node_id, i]));
    expect(byNode[canary ?? ""]).toMatchObject({
      rollout: { id: rollout.id, canary: true, version: 2 },
      expected: { version: 2 },
      in_sync: true,
      drift: null,
      metrics: good,
    });
    expect(byNode[stable ?? ""]).toMatchObject({
      rollout: { id: rollout.id, canary: false, version: 2 },
      expected: { version: 1 },
      in_sync: true,
    });
    // No drift episode opened for the canary node running the canary version.
    const drift = await env.DB.prepare(
      "select count(*) as n from outbox_events where model_name = ? and type = ?",
    )
      .bind(name, "deployment.drift")
      .first<{ n: number }>();
    expect(drift?.n).toBe(0);
    expect((await move(rollout.id, "abort")).status).toBe(200);
    const after = await json<{ items: Record<string, unknown>[] }>(
      await api("GET", `/api/v1/models/${name}/deployments`),
    );
    expect(after.items.find((i) => i.node_id === canary)).toMatchObject({ rollout: null, in_sync: false });
  });

  it("refuses malformed metrics with problem+json and writes nothing", async () => {
    const { name, v2 } = await canaryModel();
    const tooMany = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, 1]));
    for (const metrics of [{ "bad name": 1 }, { error_rate: "0.2" }, tooMany, [1]]) {
      const res = await api("POST", `/api/v1/models/${name}/deployments`, {
        token: serving,
        body: {
          node_id: "n-1",
          environment: "production",
          alias: "champion",
          version: 2,
          manifest_digest: v2.manifest_digest,
          loaded_at: new Date().toISOString(),
          status: "loaded",
          metrics,
        },
      });
      expect(res.status).toBe(400);
      expect((await json(res)).code).toBe("INVALID_ARGUMENT");
    }
    expect(
      (await json<{ items: unknown[] }>(await api("GET", `/api/v1/models/${name}/deployments`))).items,
    ).toEqual([]);
  });
});

describe("cron steps", () => {
  it("advances a step once its guards held for step_interval_s, through the Worker's scheduled handler", async () => {
    const { name, v2 } = await canaryModel(10, { step_interval_s: 60, steps: [10, 50] });
    for (const node of await nodesWhere(name, true, 10, 3)) {
      expect((await report(name, node, v2, good, serving)).status).toBe(200);
    }
    const early = (await stepRollouts(env, Date.now())).filter((o) => o.model === name);
    expect(early).toEqual([]);
    const controller = createScheduledController({ cron: "*/5 * * * *", scheduledTime: Date.now() + 61_000 });
    const ctx = createExecutionContext();
    await (worker.scheduled as ExportedHandlerScheduledHandler<Env>)(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    const [advanced] = await rollouts(name);
    expect(advanced).toMatchObject({ status: "active", weight: 50 });
    expect(advanced?.history.at(-1)).toMatchObject({ action: "advanced", actor: "cron", weight: 50 });

    // The last step held too: the next due tick completes it, and the alias names the canary.
    for (const node of await nodesWhere(name, true, 50, 3)) {
      expect((await report(name, node, v2, good, serving)).status).toBe(200);
    }
    const done = (await stepRollouts(env, Date.now() + 240_000)).filter((o) => o.model === name);
    expect(done).toMatchObject([{ outcome: "completed" }]);
    expect(await resolvedVersion(name)).toBe(2);
  });
});
