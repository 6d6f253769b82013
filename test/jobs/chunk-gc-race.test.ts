/**
 * Issue 16: blob GC against a registration that takes a chunked file whose chunks GC is about to
 * delete. The interleaving is forced through collectBlobs' `beforeClaim` hook: the registration
 * commits after GC's last reference check of a chunk and before GC claims that chunk's mark. The
 * registration's batch clears the marks of the chunks its recipes use, so the claim fails.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { collectBlobs } from "../../src/jobs/blob-gc";
import { listStoredBlobs } from "../../src/storage/blob-gc-store";
import { blobExists } from "../retention/support";
import { api, createModel, uniqueName } from "../support/api";
import { sha256 } from "../support/blobs";
import { putRecipe, registerFiles, type StoredFile, uploadChunks } from "../support/chunked";
import { noise, safetensorsFile } from "../support/tensor-files";

const HOUR = 3_600_000;

async function gc(now: number, beforeClaim?: (hex: string) => Promise<void>) {
  return collectBlobs(env, createDb(env.DB), await listStoredBlobs(env), { now, dryRun: false, beforeClaim });
}

const markOf = (hex: string) =>
  env.DB.prepare("select since from unreferenced_blobs where hex = ?").bind(hex).first<{ since: number }>();

/** A verified chunked file that no version names yet: its chunks are unreferenced blobs. */
async function orphanFile(): Promise<{ file: StoredFile; bytes: Uint8Array }> {
  const seed = Math.floor(Math.random() * 1e6);
  const bytes = safetensorsFile(
    Array.from({ length: 4 }, (_, i) => ({ name: `t${i}`, bytes: noise(5000, seed + i) })),
  );
  const file = await uploadChunks("m.safetensors", bytes);
  expect((await putRecipe(file)).status).toBe(201);
  return { file, bytes };
}

const chunkHexes = (file: StoredFile) => new Set(file.chunks.map((c) => c.digest.slice(7)));

describe("chunk GC vs registration", () => {
  it("a registration landing between GC's reference check and its claim keeps every chunk", async () => {
    const t0 = Date.now();
    const { file, bytes } = await orphanFile();
    const mine = chunkHexes(file);
    await gc(t0); // first sighting: every chunk's GC clock starts
    for (const hex of mine) expect(await markOf(hex)).not.toBeNull();
    const name = uniqueName("chunk-race");
    await createModel(name);
    let taken = "";
    let registered = 0;
    // The registration lands as GC is about to claim the first of this file's chunks.
    const result = await gc(t0 + 25 * HOUR, async (hex) => {
      if (!mine.has(hex) || taken) return;
      taken = hex;
      registered = (await registerFiles(name, [{ path: "m.safetensors", file }])).status;
    });
    expect(registered).toBe(201);
    for (const hex of mine) {
      expect(result.deleted.map((d) => d.digest)).not.toContain(`sha256:${hex}`);
      expect(await blobExists(hex)).toBe(true);
      expect(await markOf(hex)).toBeNull(); // the registration's batch cleared the chunks' marks
    }
    const served = await api("GET", `/api/v1/models/${name}/versions/1/files/m.safetensors`);
    expect(served.status).toBe(200);
    expect(await sha256(new Uint8Array(await served.arrayBuffer()))).toBe(file.hex);
    expect(bytes.length).toBe(file.size);
  });

  it("without clearing the chunk's mark, the same interleaving deletes a chunk a version needs", async () => {
    // Breaks the rule on purpose: the chunk's mark is put back after the registration, as a
    // registration that cleared only whole-blob marks would leave it. GC then deletes the chunk.
    const t0 = Date.now();
    const { file } = await orphanFile();
    const mine = chunkHexes(file);
    await gc(t0);
    const name = uniqueName("chunk-race");
    await createModel(name);
    let taken = "";
    const result = await gc(t0 + 25 * HOUR, async (hex) => {
      if (!mine.has(hex) || taken) return;
      taken = hex;
      expect((await registerFiles(name, [{ path: "m.safetensors", file }])).status).toBe(201);
      await env.DB.prepare("insert or replace into unreferenced_blobs (hex, size, since) values (?, ?, ?)")
        .bind(hex, 1, t0)
        .run();
    });
    expect(result.deleted.map((d) => d.digest)).toContain(`sha256:${taken}`);
    expect(await blobExists(taken)).toBe(false);
  });
});
