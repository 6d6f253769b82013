/**
 * The daily cron trigger, run through the vitest integration and the Worker's own `scheduled`
 * export, does what `POST /admin/retention/run` says it would; the 5-minute trigger does not run it.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { RetentionRunView } from "../../src/schemas/retention";
import { mine, registerVersion, runNow, setRetention, storeBlob, versionOf } from "../retention/support";
import { api, createModel, json, uniqueName } from "../support/api";

async function fire(cron: string, scheduledTime = Date.now()) {
  const controller = createScheduledController({ cron, scheduledTime });
  const ctx = createExecutionContext();
  // The runtime calls scheduled(controller, env, ctx); our handler just does not use ctx.
  await (worker.scheduled as ExportedHandlerScheduledHandler<Env>)(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

const runs = async () =>
  (await json<{ items: RetentionRunView[] }>(await api("GET", "/api/v1/admin/retention/runs?limit=100")))
    .items;

describe("scheduled retention", () => {
  it("the 5-minute trigger sweeps the outbox but does not run retention", async () => {
    const before = (await runs()).length;
    await fire("*/5 * * * *");
    expect((await runs()).length).toBe(before);
  });

  it("the daily trigger does exactly what the admin dry run announced", async () => {
    const name = uniqueName("cron");
    await createModel(name);
    for (let i = 0; i < 4; i++) await registerVersion(name, [await storeBlob(100)]);
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 2 } });
    await setRetention(name, { keep_last: 1, archive_after_days: 0, purge_after_days: 0, keep_tags: [] });

    const dry = await runNow(true);
    const planned = dry.actions.filter((a) => a.model === name).map((a) => ({ ...a, outcome: "done" }));
    expect(planned.map((a) => `${a.kind}:${a.version}`)).toEqual([
      "archive:1",
      "purge:1",
      "archive:3",
      "purge:3",
    ]);

    await fire("17 3 * * *");
    const [latest] = await runs();
    expect(latest).toMatchObject({ trigger: "cron", actor: "cron", dry_run: false, failures: 0 });
    expect(latest?.actions.filter((a) => a.model === name)).toEqual(planned);
    expect(latest?.bytes_before).toBe(dry.bytes_before);
    for (const n of [1, 3])
      expect(await versionOf(name, n)).toMatchObject({ stage: "Archived", status: "ARTIFACTS_PURGED" });
    for (const n of [2, 4])
      expect(await versionOf(name, n)).toMatchObject({ stage: "None", status: "READY" });

    // The audit trail names cron as the actor and the planner's reason.
    const audit = await env.DB.prepare(
      "select actor, reason from audit_log where model_name = ? and action = 'model_version.archived'",
    )
      .bind(name)
      .all<{ actor: string; reason: string }>();
    expect(audit.results.map((r) => r.actor)).toEqual(["cron", "cron"]);
    expect(audit.results[0]?.reason).toMatch(/policy archives/);

    // Running it again (cron, then admin) changes nothing.
    await fire("17 3 * * *");
    expect(mine((await runs())[0] as RetentionRunView, name)).toEqual([]);
    expect(mine(await runNow(false), name)).toEqual([]);
  });
});
