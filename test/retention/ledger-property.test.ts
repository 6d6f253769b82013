/**
 * The retention property through the real ledger, D1 and R2 (fewer runs than the pure test: each
 * builds a model over HTTP). Random histories of registrations (sharing blobs across versions and
 * models), aliases, stage moves, children, keep tags, approval requests and a random policy; then
 * two retention runs at the same instant and GC runs after the grace period. Checks: no protected
 * version changed, no blob of a remaining version was deleted, the second run did nothing.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/domain/retention";
import { runRetention } from "../../src/jobs/retention";
import { api, createModel, uniqueName } from "../support/api";
import { type Blob, blobExists, mine, registerVersion, setRetention, storeBlob } from "./support";

type Step =
  | { op: "register"; blobs: number[] }
  | { op: "alias"; v: number }
  | { op: "stage"; to: "Staging" | "Archived" | "Production"; v: number }
  | { op: "request"; v: number }
  | { op: "child"; v: number }
  | { op: "keep"; v: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("register" as const),
      blobs: fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 2 }),
    }),
  },
  fc.record({ op: fc.constant("alias" as const), v: fc.nat(20) }),
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("stage" as const),
      to: fc.constantFrom("Staging" as const, "Archived" as const, "Production" as const),
      v: fc.nat(20),
    }),
  },
  fc.record({ op: fc.constant("request" as const), v: fc.nat(20) }),
  fc.record({ op: fc.constant("child" as const), v: fc.nat(20) }),
  fc.record({ op: fc.constant("keep" as const), v: fc.nat(20) }),
);

const policyArb = fc.record({
  keep_last: fc.nat(3),
  archive_after_days: fc.option(fc.constantFrom(0, 10, 100), { freq: 4 }),
  purge_after_days: fc.option(fc.constantFrom(0, 10), { freq: 4 }),
  keep_tags: fc.constantFrom(["keep"], [] as string[]),
});

interface Row {
  version: number;
  stage: string;
  status: string;
  needs_review: number;
  aliases: number;
  keep: number;
  pending: number;
  children: number;
  prev: number | null;
}

async function snapshot(name: string): Promise<Row[]> {
  const { results } = await env.DB.prepare(`
    select v.version, v.stage, v.status, v.needs_review, m.previous_production_version as prev,
      (select count(*) from aliases a where a.model_id = v.model_id and a.version = v.version) as aliases,
      (select count(*) from version_tags t where t.version_id = v.id and t.key = 'keep') as keep,
      (select count(*) from approval_requests r where r.model_id = v.model_id and r.version = v.version and r.status = 'pending') as pending,
      (select count(*) from model_versions c where c.parent_model = m.name and c.parent_version = v.version) as children
    from model_versions v join models m on m.id = v.model_id where m.name = ? order by v.version`)
    .bind(name)
    .all<Row>();
  return results;
}

function isProtected(rows: Row[], r: Row, policy: { keep_last: number; keep_tags: string[] }) {
  const newest = rows
    .map((x) => x.version)
    .sort((a, b) => b - a)
    .slice(0, Math.max(1, policy.keep_last));
  return (
    r.stage === "Production" ||
    r.stage === "Staging" ||
    r.version === r.prev ||
    r.aliases > 0 ||
    r.children > 0 ||
    r.needs_review > 0 ||
    r.pending > 0 ||
    (policy.keep_tags.includes("keep") && r.keep > 0) ||
    newest.includes(r.version) // keep_last, and the highest version is `latest`
  );
}

async function remainingBlobsExist(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "select distinct json_extract(f.value, '$.digest') as d from model_versions v, json_each(v.files) f where v.status <> 'ARTIFACTS_PURGED'",
  ).all<{ d: string }>();
  const missing: string[] = [];
  for (const r of results) if (!(await blobExists(r.d.slice(7)))) missing.push(r.d);
  return missing;
}

let clock = Date.now();

describe("retention through the ledger (property)", () => {
  it("never touches protected versions or referenced blobs, and a second run does nothing", async () => {
    // The same bytes every iteration: GC may have deleted a pool blob nothing referenced any more.
    const pool: Blob[] = [];
    const refill = async () => {
      pool.length = 0;
      for (let i = 0; i < 6; i++) pool.push(await storeBlob(100 + i, 7_000 + i));
    };
    let acted = 0;
    const children = uniqueName("child");
    await createModel(children);
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 2, maxLength: 14 }),
        policyArb,
        async (steps, policy) => {
          const name = uniqueName("prop");
          await createModel(name);
          await refill();
          let count = 0;
          const pick = (v: number) => (count === 0 ? 0 : (v % count) + 1);
          for (const s of steps) {
            if (s.op === "register") {
              await registerVersion(
                name,
                s.blobs.map((i) => pool[i] as Blob),
              );
              count++;
              continue;
            }
            const v = pick(s.v);
            if (v === 0) continue;
            const base = `/api/v1/models/${name}/versions/${v}`;
            if (s.op === "alias")
              await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: v } });
            else if (s.op === "stage")
              await api("POST", `${base}/transitions`, {
                body: { to: s.to, comment: "prop", fast_track: s.to === "Production" },
              });
            else if (s.op === "request")
              await api("POST", `${base}/approval-requests`, { body: { to: "Production" } });
            else if (s.op === "child")
              await registerVersion(children, [pool[0] as Blob], { parent: { model: name, version: v } });
            else await api("PUT", `${base}/tags/keep`, { body: { value: "1" } });
          }
          await setRetention(name, policy);
          const before = await snapshot(name);
          clock += 40 * DAY_MS;
          const opts = {
            dryRun: false,
            trigger: "admin" as const,
            actor: { id: "p", name: "p" },
            requestId: "p",
          };
          const first = await runRetention(env, { ...opts, now: clock });
          expect(first.failures).toBe(0);
          acted += first.archived + first.purged;
          const after = await snapshot(name);
          for (const r of before.filter((x) => isProtected(before, x, policy))) {
            const now = after.find((x) => x.version === r.version);
            expect({ v: r.version, stage: now?.stage, status: now?.status }).toEqual({
              v: r.version,
              stage: r.stage,
              status: r.status,
            });
          }
          const second = await runRetention(env, { ...opts, now: clock });
          expect(mine(second, name)).toEqual([]);
          expect(await snapshot(name)).toEqual(after);
          // Let every GC clock run out twice over; no blob of a remaining version may go.
          clock += 2 * DAY_MS;
          await runRetention(env, { ...opts, now: clock });
          clock += 2 * DAY_MS;
          const gc = await runRetention(env, { ...opts, now: clock });
          expect(gc.bytes_before - gc.bytes_freed).toBe(gc.bytes_after);
          expect(await remainingBlobsExist()).toEqual([]);
        },
      ),
      {
        numRuns: 6,
        // One history that certainly archives and purges, so the run is never vacuous.
        examples: [
          [
            [
              { op: "register", blobs: [1] },
              { op: "register", blobs: [1, 2] },
              { op: "alias", v: 1 },
              { op: "register", blobs: [3] },
              { op: "register", blobs: [4] },
            ],
            { keep_last: 1, archive_after_days: 0, purge_after_days: 0, keep_tags: ["keep"] },
          ],
        ],
      },
    );
    expect(acted).toBeGreaterThan(0);
  });
});
