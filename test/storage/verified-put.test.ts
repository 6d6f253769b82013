/**
 * Issue 16, third round: the verified put no longer HEADs before writing (its `onlyIf` covers an
 * existing blob), and whole-file verification opens the next chunk's read while it hashes the current
 * one. Through the real Worker, R2 and D1: a put of an existing blob goes through R2 and still never
 * rewrites it (same etag, same bytes, wrong bytes refused or ignored); verification over many chunks
 * keeps their order (swapped chunks fail), and a missing chunk fails the file naming that chunk.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { verifyRecipe } from "../../src/storage/chunked-files";
import { api, json } from "../support/api";
import { bytesOf, putBlob, rawCall, sha256 } from "../support/blobs";
import { putRecipe, type StoredFile, uploadChunks } from "../support/chunked";

const key = (digest: string) => `blobs/sha256/${digest.slice("sha256:".length)}`;

async function recipeStatus(file: StoredFile): Promise<{ status: string; detail: string | null }> {
  return json(await api("GET", `/api/v1/recipes/${file.digest}`));
}

describe("verified put without a HEAD first", () => {
  it("a second put of an existing blob, right or wrong bytes, leaves the stored object untouched", async () => {
    const bytes = bytesOf(3 * 1024 * 1024);
    const { digest, status } = await putBlob(bytes);
    expect(status).toBe(201);
    const before = await env.BLOBS.head(key(digest));
    expect(before).not.toBeNull();

    const again = await rawCall("PUT", `/api/v1/blobs/${digest}`, bytes);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual({ digest, size: bytes.length });

    const wrong = bytesOf(bytes.length);
    const lie = await rawCall("PUT", `/api/v1/blobs/${digest}`, wrong);
    expect([200, 422]).toContain(lie.status);
    await lie.arrayBuffer();

    const after = await env.BLOBS.head(key(digest));
    expect(after?.etag).toBe(before?.etag);
    expect(after?.uploaded.getTime()).toBe(before?.uploaded.getTime());
    const stored = await env.BLOBS.get(key(digest));
    expect(await sha256(new Uint8Array(await (stored as R2ObjectBody).arrayBuffer()))).toBe(
      digest.slice("sha256:".length),
    );
  });
});

describe("whole-file verification reading the next chunk ahead", () => {
  it("verifies a file of many chunks in order, and fails the same chunks in another order", async () => {
    const bytes = bytesOf(60_000);
    const file = await uploadChunks("w.bin", bytes);
    expect(file.chunks.length).toBeGreaterThan(10);
    expect((await putRecipe(file, { defer_verification: true })).status).toBe(202);
    expect(await verifyRecipe(env, file.hex, Date.now())).toBe("verified");

    // Same chunks, two neighbours swapped, declared under the true file's digest: must not verify.
    const other = bytesOf(61_000);
    const swappedFile = await uploadChunks("x.bin", other);
    const chunks = [...swappedFile.chunks];
    [chunks[3], chunks[4]] = [chunks[4] as (typeof chunks)[number], chunks[3] as (typeof chunks)[number]];
    const swapped = { ...swappedFile, chunks };
    expect((await putRecipe(swapped, { defer_verification: true })).status).toBe(202);
    expect(await verifyRecipe(env, swapped.hex, Date.now())).toBe("failed");
    expect((await recipeStatus(swapped)).detail).toMatch(/hash to sha256:[0-9a-f]{64}, not/);
  });

  it("a chunk missing in the middle fails the file and names that chunk", async () => {
    const file = await uploadChunks("m.bin", bytesOf(50_000));
    expect(file.chunks.length).toBeGreaterThan(8);
    expect((await putRecipe(file, { defer_verification: true })).status).toBe(202);
    const gone = file.chunks[6]?.digest as string;
    await env.BLOBS.delete(key(gone));
    expect(await verifyRecipe(env, file.hex, Date.now())).toBe("failed");
    expect((await recipeStatus(file)).detail).toBe(`chunk ${gone} is missing`);
    expect((await api("GET", `/api/v1/blobs/${file.digest}`)).status).toBe(404);
  });
});
