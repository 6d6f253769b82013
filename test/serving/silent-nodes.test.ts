/**
 * Silent nodes (issue #19): the cron raises `deployment.drift` with reason `stale` once per episode
 * for a node silent past the listing's stale threshold, the node's next report resolves it, and a
 * fresh silence is a new episode. Time moves through the cron's own clock (`scheduledTime`), the
 * way the retention cron test moves it; reports are stamped by the server's clock.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_STALE_AFTER_SECONDS } from "../../src/domain/drift";
import worker from "../../src/index";
import { api, json, uniqueName } from "../support/api";
import { modelWithVersions } from "./support";

const FREQUENT = "*/5 * * * *";
const SILENT = (DEFAULT_STALE_AFTER_SECONDS + 60) * 1000;

async function tick(scheduledTime: number) {
  const controller = createScheduledController({ cron: FREQUENT, scheduledTime });
  const ctx = createExecutionContext();
  await (worker.scheduled as ExportedHandlerScheduledHandler<Env>)(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

async function report(name: string, nodeId: string, version: number, digest: string | undefined) {
  const res = await api("POST", `/api/v1/models/${name}/deployments`, {
    body: {
      node_id: nodeId,
      environment: "production",
      alias: "champion",
      version,
      manifest_digest: digest,
      loaded_at: new Date().toISOString(),
      status: "loaded",
    },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** [state, reason, node] of the model's drift events in the outbox, oldest first. */
async function driftEvents(name: string) {
  const { results } = await env.DB.prepare(
    "select envelope from outbox_events where model_name = ? and type = 'deployment.drift' order by sequence",
  )
    .bind(name)
    .all<{ envelope: string }>();
  return results.map((r) => {
    const d = JSON.parse(r.envelope).data as { state: string; reason: string; node_id: string };
    return [d.state, d.reason, d.node_id];
  });
}

async function staleAudit(name: string) {
  const { results } = await env.DB.prepare(
    "select action, actor from audit_log where model_name = ? and action like 'deployment.stale%' order by id",
  )
    .bind(name)
    .all<{ action: string; actor: string }>();
  return results.map((r) => `${r.action} by ${r.actor}`);
}

describe("silent nodes", () => {
  it("raises stale once per episode, resolves it on the next report, and a new silence is a new episode", async () => {
    const name = uniqueName("silent");
    const [v1] = await modelWithVersions(name, 2, 1);
    await report(name, "n1", 1, v1?.manifest_digest);

    // Within the threshold: not silent yet, nothing raised.
    await tick(Date.now() + (DEFAULT_STALE_AFTER_SECONDS - 60) * 1000);
    expect(await driftEvents(name)).toEqual([]);

    // Past it, on two ticks in a row: exactly one event, one audit entry.
    const later = Date.now() + SILENT;
    await tick(later);
    await tick(later + 5 * 60_000);
    expect(await driftEvents(name)).toEqual([["started", "stale", "n1"]]);
    expect(await staleAudit(name)).toEqual(["deployment.stale_started by cron"]);
    const envelope = await env.DB.prepare(
      "select envelope from outbox_events where model_name = ? and type = 'deployment.drift'",
    )
      .bind(name)
      .first<{ envelope: string }>();
    expect(JSON.parse(envelope?.envelope ?? "{}")).toMatchObject({
      model: name,
      version: 1,
      actor: "cron",
      data: { state: "started", reason: "stale", node_id: "n1", reported: { version: 1 } },
    });

    // It reports again: resolved, and the listing no longer calls it stale.
    await report(name, "n1", 1, v1?.manifest_digest);
    expect(await driftEvents(name)).toEqual([
      ["started", "stale", "n1"],
      ["resolved", "stale", "n1"],
    ]);
    const list = await json<{ items: { node_id: string; stale: boolean; drift: string | null }[] }>(
      await api("GET", `/api/v1/models/${name}/deployments`),
    );
    expect(list.items).toMatchObject([{ node_id: "n1", stale: false, drift: null }]);
    // A further report is a plain heartbeat again: no event.
    await report(name, "n1", 1, v1?.manifest_digest);
    expect((await driftEvents(name)).length).toBe(2);

    // Silent again: a new episode, raised once.
    const again = Date.now() + SILENT;
    await tick(again);
    await tick(again + 5 * 60_000);
    expect(await driftEvents(name)).toEqual([
      ["started", "stale", "n1"],
      ["resolved", "stale", "n1"],
      ["started", "stale", "n1"],
    ]);
    expect(await staleAudit(name)).toEqual([
      "deployment.stale_started by cron",
      "deployment.stale_resolved by admin",
      "deployment.stale_started by cron",
    ]);
  });

  it("keeps the stale episode apart from a version drift the node is in", async () => {
    const name = uniqueName("silent-drift");
    const [, v2] = await modelWithVersions(name, 2, 1);
    // It runs v2 while champion says v1: a version_mismatch episode opens.
    await report(name, "n1", 2, v2?.manifest_digest);
    await tick(Date.now() + SILENT);
    // Back, still on v2: the stale episode closes, the drift episode stays open (no new event).
    await report(name, "n1", 2, v2?.manifest_digest);
    expect(await driftEvents(name)).toEqual([
      ["started", "version_mismatch", "n1"],
      ["started", "stale", "n1"],
      ["resolved", "stale", "n1"],
    ]);
    const row = await env.DB.prepare(
      "select drift, stale_since from deployments where node_id = 'n1' and model_id = (select id from models where name = ?)",
    )
      .bind(name)
      .first<{ drift: string | null; stale_since: number | null }>();
    expect(row).toEqual({ drift: "version_mismatch", stale_since: null });
  });
});
