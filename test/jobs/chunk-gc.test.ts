/**
 * Issue 16: GC and retention count references per chunk. A chunk shared by two versions' files
 * survives purging one of them; the chunks only the purged file used are freed after the grace period.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runRetention } from "../../src/jobs/retention";
import { blobExists, setRetention } from "../retention/support";
import { api, createModel, uniqueName } from "../support/api";
import { sha256 } from "../support/blobs";
import { putRecipe, registerFiles, uploadChunks } from "../support/chunked";
import { noise, safetensorsFile } from "../support/tensor-files";

const HOUR = 3_600_000;
const run = (now: number) =>
  runRetention(env, {
    now,
    dryRun: false,
    trigger: "admin",
    actor: { id: "test", name: "test" },
    requestId: `test-${now}`,
  });

describe("chunk GC", () => {
  it("keeps a chunk shared by two versions when one is purged, frees the chunks only it used", async () => {
    const seed = Math.floor(Math.random() * 1e6);
    const tensors = Array.from({ length: 5 }, (_, i) => ({ name: `t${i}`, bytes: noise(6000, seed + i) }));
    const baseBytes = safetensorsFile(tensors);
    const tunedBytes = safetensorsFile(
      tensors.map((t, i) => (i === 4 ? { ...t, bytes: noise(6000, seed + 99) } : t)),
    );
    const base = await uploadChunks("m.safetensors", baseBytes);
    const tuned = await uploadChunks("m.safetensors", tunedBytes);
    expect((await putRecipe(base)).status).toBe(201);
    expect((await putRecipe(tuned)).status).toBe(201);
    const shared = base.chunks.filter((c) => tuned.chunks.some((t) => t.digest === c.digest));
    const onlyTuned = tuned.chunks.filter((c) => !base.chunks.some((b) => b.digest === c.digest));
    expect(shared.length).toBeGreaterThan(0);
    expect(onlyTuned.length).toBeGreaterThan(0);

    const keeper = uniqueName("keeper");
    const purged = uniqueName("purged");
    await createModel(keeper);
    await createModel(purged);
    expect((await registerFiles(keeper, [{ path: "m.safetensors", file: base }])).status).toBe(201);
    expect((await registerFiles(purged, [{ path: "m.safetensors", file: tuned }])).status).toBe(201);
    expect((await registerFiles(purged, [{ path: "m.safetensors", file: base }])).status).toBe(201);
    await setRetention(purged, { keep_last: 1, archive_after_days: 0, purge_after_days: 0, keep_tags: [] });

    const t0 = Date.now();
    expect((await run(t0)).purged).toBeGreaterThanOrEqual(1);
    await run(t0 + 25 * HOUR);

    for (const c of shared) expect(await blobExists(c.digest.slice(7))).toBe(true);
    for (const c of onlyTuned) expect(await blobExists(c.digest.slice(7))).toBe(false);
    // The purged file's recipe went with its chunks; the kept one still serves byte for byte.
    expect((await api("GET", `/api/v1/recipes/${tuned.digest}`)).status).toBe(404);
    const got = await api("GET", `/api/v1/models/${keeper}/versions/1/files/m.safetensors`);
    expect(got.status).toBe(200);
    expect(await sha256(new Uint8Array(await got.arrayBuffer()))).toBe(base.hex);
  });
});
