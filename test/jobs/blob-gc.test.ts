/**
 * Blob GC and stale uploads through the real job, D1 and R2, with the clock moved forward by
 * passing `now` (jobs take (env, now)): grace periods, shared blobs, byte accounting, idempotence.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/domain/retention";
import { runRetention } from "../../src/jobs/retention";
import { blobExists, registerVersion, setRetention, storeBlob, storedBytes } from "../retention/support";
import { api, createModel, json, uniqueName } from "../support/api";

const HOUR = 3_600_000;
const run = (now: number, dryRun = false) =>
  runRetention(env, {
    now,
    dryRun,
    trigger: "admin",
    actor: { id: "test", name: "test" },
    requestId: `test-${now}`,
  });

describe("blob GC", () => {
  it("deletes unreferenced blobs only after the grace period, never a referenced one, and the bytes add up", async () => {
    const t0 = Date.now();
    const keeper = uniqueName("keep");
    const purged = uniqueName("purge");
    await createModel(keeper);
    await createModel(purged);
    const shared = await storeBlob(1000);
    const onlyPurged = await storeBlob(2000);
    const orphan = await storeBlob(4000);
    const late = await storeBlob(8000);
    const current = await storeBlob(500);
    await registerVersion(keeper, [shared]);
    await registerVersion(purged, [shared, onlyPurged]);
    await registerVersion(purged, [current]);
    await setRetention(purged, { keep_last: 1, archive_after_days: 0, purge_after_days: 0, keep_tags: [] });

    // Run 1: purges purged/1; starts the clocks of onlyPurged (purge) and orphan/late (first seen).
    const first = await run(t0);
    expect(first.purged).toBeGreaterThanOrEqual(1);
    expect(first.blobs_deleted).toBe(0);
    expect(first.blobs_marked).toBeGreaterThanOrEqual(2);
    for (const b of [shared, onlyPurged, orphan, late, current]) expect(await blobExists(b.hex)).toBe(true);

    // Before the grace period ends nothing is deleted; a dry run agrees.
    expect((await run(t0 + 23 * HOUR, true)).blobs_deleted).toBe(0);

    // `late` gets a reference in the meantime: it must survive its old mark.
    await registerVersion(keeper, [late]);

    const dry = await run(t0 + 25 * HOUR, true);
    const real = await run(t0 + 25 * HOUR);
    const deleted = real.blobs.map((b) => b.digest).sort();
    expect(dry.blobs.map((b) => b.digest).sort()).toEqual(deleted);
    expect(deleted).toEqual([onlyPurged.digest, orphan.digest].sort());
    expect(real.bytes_freed).toBe(onlyPurged.size + orphan.size);
    expect(real.bytes_before - real.bytes_freed).toBe(real.bytes_after);
    expect(real.bytes_after).toBe(await storedBytes());
    expect(await blobExists(onlyPurged.hex)).toBe(false);
    expect(await blobExists(orphan.hex)).toBe(false);
    for (const b of [shared, late, current]) expect(await blobExists(b.hex)).toBe(true);

    // Every file of every remaining version still downloads.
    for (const [name, v] of [
      [keeper, 1],
      [keeper, 2],
      [purged, 2],
    ] as const) {
      const res = await api("GET", `/api/v1/models/${name}/versions/${v}/files/f0.bin`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }

    // Idempotent: a later run finds nothing more to free.
    const again = await run(t0 + 50 * HOUR);
    expect(again.blobs_deleted).toBe(0);
    expect(again.bytes_before).toBe(again.bytes_after);
  });
});

describe("stale multipart uploads", () => {
  it("aborts uploads idle for a day and leaves fresh ones", async () => {
    const create = async () => {
      const res = await api("POST", "/api/v1/uploads", {
        body: {
          digest: `sha256:${crypto.randomUUID().replaceAll("-", "").padEnd(64, "0")}`,
          size: 6 * 1024 * 1024,
        },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await json<{ id: string }>(res)).id;
    };
    const id = await create();
    const state = async (upload: string) =>
      (await json<{ state: string }>(await api("GET", `/api/v1/uploads/${upload}`))).state;

    const early = await run(Date.now() + 12 * HOUR);
    expect(early.uploads.map((u) => u.id)).not.toContain(id);
    expect(await state(id)).toBe("open");

    const dry = await run(Date.now() + DAY_MS + HOUR, true);
    expect(dry.uploads.map((u) => u.id)).toContain(id);
    expect(await state(id)).toBe("open");

    const real = await run(Date.now() + DAY_MS + HOUR);
    expect(real.uploads.map((u) => u.id)).toContain(id);
    expect(await state(id)).toBe("aborted");
    const part = await api("PUT", `/api/v1/uploads/${id}/parts/1`, { body: "x" });
    expect(part.status).toBeGreaterThanOrEqual(400);
    const staged = await env.DB.prepare("select count(*) as n from upload_parts where upload_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(staged?.n).toBe(0);

    const second = await run(Date.now() + DAY_MS + HOUR);
    expect(second.uploads.map((u) => u.id)).not.toContain(id);
  });
});
