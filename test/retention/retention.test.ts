/**
 * Retention through the real Worker, ledger, D1 and R2: policies, dry run vs run, what is never
 * touched, audit and events, 410 for purged files, run summaries and the byte accounting.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { blobExists, mine, registerVersion, runNow, setRetention, storeBlob, versionOf } from "./support";

describe("retention policy routes", () => {
  it("answers the documented default for a model without a policy", async () => {
    const name = uniqueName("ret");
    await createModel(name);
    const res = await api("GET", `/api/v1/models/${name}/retention`, { token: await createToken("viewer") });
    expect(await json(res)).toEqual({
      name,
      keep_last: 10,
      archive_after_days: null,
      purge_after_days: null,
      keep_tags: ["keep"],
      is_default: true,
    });
  });

  it("lets an admin set it, audits it, and refuses others and bad input", async () => {
    const name = uniqueName("ret");
    await createModel(name);
    const policy = { keep_last: 3, archive_after_days: 30, purge_after_days: 7, keep_tags: ["keep"] };
    const denied = await api("PUT", `/api/v1/models/${name}/retention`, {
      body: policy,
      token: await createToken("approver"),
    });
    expect(denied.status).toBe(403);
    for (const bad of [
      { keep_last: -1 },
      { keep_last: 1.5 },
      { archive_after_days: "30" },
      { purge_after_days: 100000 },
      { keep_tags: [""] },
      { surprise: true },
    ]) {
      const res = await api("PUT", `/api/v1/models/${name}/retention`, { body: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((await json(res)).code).toBe("INVALID_ARGUMENT");
    }
    expect((await json(await api("GET", `/api/v1/models/${name}/retention`))).is_default).toBe(true);
    expect(await setRetention(name, policy)).toEqual({ name, ...policy, is_default: false });
    expect(await json(await api("GET", `/api/v1/models/${name}/retention`))).toEqual({
      name,
      ...policy,
      is_default: false,
    });
    const audit = await env.DB.prepare(
      "select action from audit_log where model_name = ? and action = 'retention_policy.set'",
    )
      .bind(name)
      .all();
    expect(audit.results).toHaveLength(1);
    const missing = await api("PUT", `/api/v1/models/${uniqueName("nope")}/retention`, { body: policy });
    expect(missing.status).toBe(404);
  });

  it("keeps the run endpoints admin-only", async () => {
    const token = await createToken("approver");
    expect((await api("POST", "/api/v1/admin/retention/run?dry_run=true", { token })).status).toBe(403);
    expect((await api("GET", "/api/v1/admin/retention/runs", { token })).status).toBe(403);
    expect((await api("POST", "/api/v1/admin/retention/run?dry_run=maybe")).status).toBe(400);
  });
});

describe("a retention run", () => {
  it("dry-runs exactly what the real run then does, and never touches protected versions", async () => {
    const name = uniqueName("ret");
    const base = uniqueName("base");
    await createModel(name);
    await createModel(base);
    const blob = () => storeBlob(128);
    const v = [] as number[];
    for (let i = 0; i < 9; i++) v.push(await registerVersion(name, [await blob()]));
    // 1 Production then 2 Production: 1 becomes the rollback target.
    for (const n of [1, 2]) {
      const res = await api("POST", `/api/v1/models/${name}/versions/${n}/transitions`, {
        body: { to: "Production", fast_track: true, comment: "test" },
      });
      expect(res.status, await res.text()).toBe(200);
    }
    await api("POST", `/api/v1/models/${name}/versions/3/transitions`, { body: { to: "Staging" } });
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 4 } });
    await registerVersion(base, [await blob()], { parent: { model: name, version: 5 } });
    await api("PUT", `/api/v1/models/${name}/versions/6/tags/keep`, { body: { value: "yes" } });
    // 7 and 8 are unprotected; 9 is the newest (keep_last 1, and `latest`).
    await setRetention(name, {
      keep_last: 1,
      archive_after_days: 0,
      purge_after_days: 0,
      keep_tags: ["keep"],
    });

    const dry = await runNow(true);
    expect(dry.dry_run).toBe(true);
    expect(mine(dry, name)).toEqual([
      "archive:7:planned",
      "purge:7:planned",
      "archive:8:planned",
      "purge:8:planned",
    ]);
    for (const a of dry.actions.filter((x) => x.model === name)) expect(a.reason).toMatch(/policy/);
    expect((await versionOf(name, 7)).stage).toBe("None");

    const run = await runNow(false);
    expect(mine(run, name)).toEqual(["archive:7:done", "purge:7:done", "archive:8:done", "purge:8:done"]);
    for (const n of [7, 8]) {
      const after = await versionOf(name, n);
      expect(after).toMatchObject({ stage: "Archived", status: "ARTIFACTS_PURGED" });
      expect(after.files).toHaveLength(1);
      const file = await api("GET", `/api/v1/models/${name}/versions/${n}/files/f0.bin`);
      expect(file.status).toBe(410);
      expect((await json(file)).code).toBe("ARTIFACTS_PURGED");
    }
    const untouched = [
      [1, "Archived"],
      [2, "Production"],
      [3, "Staging"],
      [4, "None"],
      [5, "None"],
      [6, "None"],
      [9, "None"],
    ] as const;
    for (const [n, stage] of untouched)
      expect(await versionOf(name, n)).toMatchObject({ stage, status: "READY" });
    const file = await api("GET", `/api/v1/models/${name}/versions/4/files/f0.bin`);
    expect(file.status).toBe(200);
    await file.arrayBuffer();

    // Audited and announced through the outbox, one entry per action.
    const rows = await env.DB.prepare(
      "select type, envelope from outbox_events where model_name = ? and type in ('model_version.archived','model_version.artifacts_purged') order by sequence",
    )
      .bind(name)
      .all<{ type: string; envelope: string }>();
    // A run sends a model's archives first, then the purges of what it archived (issue #19).
    expect(rows.results.map((r) => `${r.type}:${JSON.parse(r.envelope).version}`)).toEqual([
      "model_version.archived:7",
      "model_version.archived:8",
      "model_version.artifacts_purged:7",
      "model_version.artifacts_purged:8",
    ]);
    const verify = await api("GET", `/api/v1/models/${name}/audit/verify`);
    expect(await json(verify)).toMatchObject({ ok: true });

    // The second run has nothing left to do for this model.
    expect(mine(await runNow(false), name)).toEqual([]);
    const runs = await json<{ items: { id: string }[] }>(await api("GET", "/api/v1/admin/retention/runs"));
    expect(runs.items.slice(0, 3).map((r) => r.id)).toContain(run.id);
  });

  it("skips a version that became protected after the plan (the ledger re-checks on fresh state)", async () => {
    const name = uniqueName("ret");
    await createModel(name);
    await registerVersion(name, [await storeBlob()]);
    await registerVersion(name, [await storeBlob()]);
    await setRetention(name, { keep_last: 1, archive_after_days: 0, purge_after_days: null, keep_tags: [] });
    const { ledgerFor } = await import("../../src/ledger/ledger-client");
    const ctx = { actor: { id: "cron", name: "cron" }, requestId: "t" };
    await api("PUT", `/api/v1/models/${name}/aliases/shadow`, { body: { version: 1 } });
    const refused = await ledgerFor(env, name).archiveForRetention(name, 1, Date.now(), ctx);
    expect(refused).toMatchObject({ ok: false, code: "RETENTION_NOT_ELIGIBLE" });
    expect((await versionOf(name, 1)).stage).toBe("None");
    await api("DELETE", `/api/v1/models/${name}/aliases/shadow`);
    expect(await ledgerFor(env, name).archiveForRetention(name, 1, Date.now(), ctx)).toMatchObject({
      ok: true,
    });
  });

  it("refuses to roll back to a version whose artifacts were purged", async () => {
    const name = uniqueName("ret");
    await createModel(name);
    for (let i = 0; i < 3; i++) await registerVersion(name, [await storeBlob()]);
    const archived = await api("POST", `/api/v1/models/${name}/versions/1/transitions`, {
      body: { to: "Archived" },
    });
    expect(archived.status).toBe(200);
    for (const n of [2, 3]) {
      const res = await api("POST", `/api/v1/models/${name}/versions/${n}/transitions`, {
        body: { to: "Production", fast_track: true, comment: "test" },
      });
      expect(res.status).toBe(200);
    }
    // 3 is Production, 2 the rollback target (protected), 1 a retired Archived candidate.
    await setRetention(name, { keep_last: 0, archive_after_days: null, purge_after_days: 0, keep_tags: [] });
    expect(mine(await runNow(false), name)).toEqual(["purge:1:done"]);
    const res = await api("POST", `/api/v1/models/${name}/rollback`, {
      body: { reason: "test", to_version: 1 },
    });
    expect(res.status).toBe(410);
    expect((await json(res)).code).toBe("ARTIFACTS_PURGED");
    expect(await versionOf(name, 3)).toMatchObject({ stage: "Production" });
  });

  it("keeps a blob that a purged version shares with a remaining one", async () => {
    const name = uniqueName("ret");
    await createModel(name);
    const shared = await storeBlob(256);
    const own = await storeBlob(256);
    await registerVersion(name, [shared, own]);
    await registerVersion(name, [shared]);
    await setRetention(name, { keep_last: 1, archive_after_days: 0, purge_after_days: 0, keep_tags: [] });
    expect(mine(await runNow(false), name)).toEqual(["archive:1:done", "purge:1:done"]);
    expect(await blobExists(shared.hex)).toBe(true);
    expect(await blobExists(own.hex)).toBe(true); // grace: GC deletes only a day later
  });
});
