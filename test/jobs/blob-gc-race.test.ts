/**
 * Issue #19: blob GC against a registration that takes the blob in the middle of GC's delete step.
 * The interleaving is forced through collectBlobs' `beforeClaim` hook: the registration commits after
 * GC's last reference check and before GC claims the blob's mark.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { collectBlobs } from "../../src/jobs/blob-gc";
import { listStoredBlobs } from "../../src/storage/blob-gc-store";
import { blobExists, registerVersion, storeBlob } from "../retention/support";
import { api, createModel, uniqueName } from "../support/api";

const HOUR = 3_600_000;

async function gc(now: number, beforeClaim?: (hex: string) => Promise<void>) {
  const db = createDb(env.DB);
  return collectBlobs(env, db, await listStoredBlobs(env), { now, dryRun: false, beforeClaim });
}

const markOf = (hex: string) =>
  env.DB.prepare("select since from unreferenced_blobs where hex = ?").bind(hex).first<{ since: number }>();

describe("blob GC vs registration", () => {
  it("a registration that lands between GC's reference check and its delete keeps the blob", async () => {
    const t0 = Date.now();
    const blob = await storeBlob(3000);
    await gc(t0); // first sighting: the GC clock starts
    expect(await markOf(blob.hex)).not.toBeNull();
    const name = uniqueName("race");
    await createModel(name);
    let registered = 0;
    const result = await gc(t0 + 25 * HOUR, async (hex) => {
      if (hex !== blob.hex) return;
      registered = await registerVersion(name, [blob]);
    });
    expect(registered).toBe(1);
    expect(result.deleted.map((d) => d.digest)).not.toContain(blob.digest);
    expect(await blobExists(blob.hex)).toBe(true);
    expect(await markOf(blob.hex)).toBeNull(); // the registration's batch cleared it
    const file = await api("GET", `/api/v1/models/${name}/versions/1/files/f0.bin`);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(blob.size);
  });

  it("without the registration clearing the mark, the same interleaving deletes a referenced blob", async () => {
    // Breaks the invariant on purpose: the mark is put back after the registration, as a registration
    // that did not clear marks would leave it. GC then deletes the blob the new version names.
    const t0 = Date.now();
    const blob = await storeBlob(4000);
    await gc(t0);
    const since = (await markOf(blob.hex))?.since;
    const name = uniqueName("race");
    await createModel(name);
    const result = await gc(t0 + 25 * HOUR, async (hex) => {
      if (hex !== blob.hex) return;
      await registerVersion(name, [blob]);
      await env.DB.prepare("insert into unreferenced_blobs (hex, size, since) values (?, ?, ?)")
        .bind(blob.hex, blob.size, since)
        .run();
    });
    expect(result.deleted.map((d) => d.digest)).toContain(blob.digest);
    expect(await blobExists(blob.hex)).toBe(false);
  });

  it("an unreferenced blob past its grace is still deleted (the claim does not block GC)", async () => {
    const t0 = Date.now();
    const blob = await storeBlob(5000);
    await gc(t0);
    const result = await gc(t0 + 25 * HOUR);
    expect(result.deleted.map((d) => d.digest)).toContain(blob.digest);
    expect(await blobExists(blob.hex)).toBe(false);
  });
});
