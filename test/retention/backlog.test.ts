/**
 * Retention at scale (issue #19): a 10,000-version backlog drains across runs, each run acting on
 * at most N versions (candidates first), the frequent cron tick continuing a run that left work,
 * with every protected version intact at the end. The versions are seeded straight into D1 in one
 * statement (registering 10,000 through the API would take minutes); everything the test then
 * asserts on goes through the Worker: policies, protections, runs, the ledger, the cron.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { RetentionRunView } from "../../src/schemas/retention";
import { api, createModel, json, uniqueName } from "../support/api";
import { registerVersion, setRetention, storeBlob } from "./support";

const COUNT = 10_000;
const CAP = 2_500;
const DAY = 24 * 60 * 60 * 1000;

/** Versions 1..COUNT of `name`, two days old, every tenth (…3) tagged `candidate`; one under review. */
async function seed(name: string, underReview: number) {
  const model = await env.DB.prepare("select id from models where name = ?")
    .bind(name)
    .first<{ id: string }>();
  const id = model?.id ?? "";
  const at = Date.now() - 2 * DAY;
  await env.DB.batch([
    env.DB.prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?3)
       insert into model_versions (id, model_id, version, created_by, created_at, updated_at, needs_review,
         params, metrics, slices, datasets, provenance, files, manifest_digest)
       select ?1 || '-v' || i, ?1, i, 'seed', ?2, ?2, i = ?4, '{}', '{}', '{}', '[]', '{}', '[]',
         'sha256:' || lower(hex(randomblob(32)))
       from n`,
    ).bind(id, at, COUNT, underReview),
    env.DB.prepare(
      `insert into version_tags (version_id, key, value)
       select id, 'validation_status', case when version % 10 = 3 then 'candidate' else 'validated' end
       from model_versions where model_id = ?1`,
    ).bind(id),
    env.DB.prepare("update models set last_version = ?2 where id = ?1").bind(id, COUNT),
  ]);
}

async function ok(method: string, path: string, body?: unknown) {
  const res = await api(method, path, { body });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBe(200);
  return res;
}

async function adminRun(query: string): Promise<RetentionRunView> {
  const res = await api("POST", `/api/v1/admin/retention/run?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<RetentionRunView>(res);
}

async function tick(scheduledTime: number) {
  const controller = createScheduledController({ cron: "*/5 * * * *", scheduledTime });
  const ctx = createExecutionContext();
  await (worker.scheduled as ExportedHandlerScheduledHandler<Env>)(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Archived versions of `name`, split into candidates and others. */
async function archivedCounts(name: string) {
  const row = await env.DB.prepare(
    `select sum(t.value = 'candidate') as candidates, sum(t.value <> 'candidate') as others
     from model_versions v join models m on m.id = v.model_id
     join version_tags t on t.version_id = v.id and t.key = 'validation_status'
     where m.name = ? and v.stage = 'Archived'`,
  )
    .bind(name)
    .first<{ candidates: number | null; others: number | null }>();
  return { candidates: row?.candidates ?? 0, others: row?.others ?? 0 };
}

async function realRuns() {
  const res = await api("GET", "/api/v1/admin/retention/runs?limit=100");
  return (await json<{ items: RetentionRunView[] }>(res)).items.filter((r) => !r.dry_run).reverse();
}

describe("retention at scale", () => {
  it("drains a 10,000-version backlog across capped runs, candidates first, protected versions intact", {
    timeout: 2_400_000,
  }, async () => {
    const name = uniqueName("backlog");
    const child = uniqueName("child");
    await createModel(name);
    await createModel(child);
    await seed(name, 600);

    // Protections: Production 200 (100 its rollback target), Staging 303 (a candidate), alias on 400,
    // parent of a version of another model 500, keep-tagged 703 (a candidate), each set through the
    // API; under review 600 (seeded `needs_review`); keep_last 5 (the newest five, the last also `latest`).
    const path = `/api/v1/models/${name}/versions`;
    for (const v of [100, 200])
      await ok("POST", `${path}/${v}/transitions`, { to: "Production", fast_track: true, comment: "t" });
    await ok("POST", `${path}/303/transitions`, { to: "Staging" });
    await ok("PUT", `/api/v1/models/${name}/aliases/champion`, { version: 400 });
    await registerVersion(child, [await storeBlob(64)], { parent: { model: name, version: 500 } });
    await ok("PUT", `${path}/703/tags/keep`, { value: "yes" });
    await setRetention(name, {
      keep_last: 5,
      archive_after_days: 1,
      purge_after_days: null,
      keep_tags: ["keep"],
    });

    const newest = [4, 3, 2, 1, 0].map((k) => COUNT - k);
    const protectedVersions = [200, 303, 400, 500, 600, 703, ...newest];
    const expected = COUNT - protectedVersions.length - 1; // 100 is Archived by the promotion of 200
    const candidates = COUNT / 10 - 2; // 303 and 703 are protected candidates

    // The dry run says how many runs it takes at this cap, and that candidates go first.
    const dry = await adminRun(`dry_run=true&max_actions=${CAP}`);
    expect(dry.backlog).toEqual({
      planned: expected,
      max_actions: CAP,
      deferred: expected - CAP,
      runs_needed: Math.ceil(expected / CAP),
      candidates,
    });
    expect(dry.archived).toBe(CAP);
    const firstPlanned = dry.actions.slice(0, candidates).map((a) => a.version % 10);
    expect(new Set(firstPlanned)).toEqual(new Set([3]));
    expect(await archivedCounts(name)).toEqual({ candidates: 0, others: 1 }); // 100, by the promotion

    // One admin run at the cap: exactly CAP actions, every candidate among them.
    const first = await adminRun(`max_actions=${CAP}`);
    expect(first).toMatchObject({ archived: CAP, failures: 0 });
    expect(first.backlog.deferred).toBe(expected - CAP);
    expect(await archivedCounts(name)).toEqual({ candidates, others: CAP - candidates + 1 });

    // The frequent cron tick continues it at the default cap, tick after tick, until it is drained.
    const realRunCount = async () =>
      (
        await env.DB.prepare("select count(*) as n from retention_runs where dry_run = 0").first<{
          n: number;
        }>()
      )?.n ?? 0;
    let clock = Date.now();
    for (let ticks = 0; ticks < 40; ticks++) {
      const before = await realRunCount();
      clock += 5 * 60_000;
      await tick(clock);
      if ((await realRunCount()) === before) break; // no backlog left: the tick ran no retention
    }
    const runs = await realRuns();
    const continued = runs.slice(1);
    expect(continued.length).toBe(Math.ceil((expected - CAP) / 500));
    for (const run of continued) {
      expect(run).toMatchObject({ trigger: "cron", failures: 0 });
      expect(run.archived + run.purged).toBeLessThanOrEqual(run.backlog.max_actions);
      expect(run.backlog.max_actions).toBe(500);
    }
    expect(runs.reduce((sum, r) => sum + r.archived, 0)).toBe(expected);
    expect(runs.at(-1)?.backlog).toMatchObject({ deferred: 0, runs_needed: 1 });

    // Drained: everything unprotected is Archived, every protected version exactly as it was.
    expect(await archivedCounts(name)).toEqual({ candidates, others: expected - candidates + 1 });
    const stages = await env.DB.prepare(
      `select version, stage, status from model_versions
       where model_id = (select id from models where name = ?) and version in (${[100, ...protectedVersions].join(",")})
       order by version`,
    )
      .bind(name)
      .all<{ version: number; stage: string; status: string }>();
    expect(stages.results.map((r) => `${r.version}:${r.stage}:${r.status}`)).toEqual([
      "100:Archived:READY",
      "200:Production:READY",
      "303:Staging:READY",
      ...[400, 500, 600, 703, ...newest].map((v) => `${v}:None:READY`),
    ]);
    // Nothing left: a dry run plans nothing.
    expect((await adminRun("dry_run=true")).backlog).toMatchObject({ planned: 0, runs_needed: 0 });
  });
});
