/**
 * Chunked files (issue 16) through the real Worker, D1, R2 and the verify queue consumer: recipes,
 * whole-file verification, PENDING/FAILED_REGISTRATION, downloads identical to single blobs.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consumeVerify } from "../../src/jobs/verify-files";
import type { VerifyMessage } from "../../src/storage/chunked-files";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { bytesOf, rawCall, sha256 } from "../support/blobs";
import { putRecipe, registerFiles, uploadChunks } from "../support/chunked";
import { noise, safetensorsFile } from "../support/tensor-files";

async function runVerifyQueue(messages: VerifyMessage[]) {
  const batch = createMessageBatch<VerifyMessage>(
    "registry-verify",
    messages.map((body, i) => ({ id: `m${i}-${Date.now()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await consumeVerify(batch, env);
  return getQueueResult(batch, ctx);
}

const model = () => {
  const tensors = Array.from({ length: 6 }, (_, i) => ({
    name: `layer${i}`,
    bytes: noise(5000 + i * 900, i + 1),
  }));
  return safetensorsFile(tensors);
};

describe("chunked files", () => {
  it("stores a file as verified chunks and serves it exactly like a single blob", async () => {
    const bytes = model();
    const file = await uploadChunks("model.safetensors", bytes);
    expect(file.chunks.length).toBeGreaterThan(3);
    const put = await putRecipe(file, { layout: "safetensors" });
    expect(put.status, await put.clone().text()).toBe(201);
    expect(await json(put)).toMatchObject({
      digest: file.digest,
      status: "verified",
      chunk_count: file.chunks.length,
    });
    expect((await putRecipe(file)).status).toBe(200); // idempotent

    const name = uniqueName("chunked");
    await createModel(name);
    const created = await registerFiles(name, [{ path: "model.safetensors", file }]);
    expect(created.status).toBe(201);
    expect((await json(created)).status).toBe("READY");

    const path = `/api/v1/models/${name}/versions/1/files/model.safetensors`;
    const full = await api("GET", path);
    expect(full.status).toBe(200);
    expect(full.headers.get("etag")).toBe(`"${file.digest}"`);
    expect(full.headers.get("content-length")).toBe(String(bytes.length));
    expect(full.headers.get("repr-digest")).toMatch(/^sha-256=:/);
    expect(await sha256(new Uint8Array(await full.arrayBuffer()))).toBe(file.hex);

    // One range across a chunk boundary, mapped onto the chunks.
    const [first] = file.chunks;
    const a = (first?.size ?? 0) - 100;
    const ranged = await api("GET", path, { headers: { range: `bytes=${a}-${a + 999}` } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes ${a}-${a + 999}/${bytes.length}`);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(bytes.subarray(a, a + 1000));
    const suffix = await api("GET", path, { headers: { range: "bytes=-10" } });
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));

    const head = await api("HEAD", `/api/v1/blobs/${file.digest}`);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
    const notModified = await api("GET", path, { headers: { "if-none-match": `"${file.digest}"` } });
    expect(notModified.status).toBe(304);
    const byDigest = await api("GET", `/api/v1/blobs/${file.digest}`);
    expect(await sha256(new Uint8Array(await byDigest.arrayBuffer()))).toBe(file.hex);
    expect((await api("GET", path, { headers: { range: `bytes=${bytes.length}-` } })).status).toBe(416);

    const recipe = await json<{ chunks: { digest: string; offset: number }[] }>(
      await api("GET", `/api/v1/recipes/${file.digest}`),
    );
    expect(recipe.chunks.map((c) => c.digest)).toEqual(file.chunks.map((c) => c.digest));
    expect(recipe.chunks[1]?.offset).toBe(first?.size);
  });

  it("never stores a chunk whose bytes do not match its digest", async () => {
    const bytes = bytesOf(3000);
    const wrong = `sha256:${await sha256(bytesOf(3000))}`;
    const res = await rawCall("PUT", `/api/v1/blobs/${wrong}`, bytes);
    expect(res.status).toBe(422);
    expect((await json(res)).code).toBe("DIGEST_MISMATCH");
    expect(await env.BLOBS.head(`blobs/sha256/${wrong.slice(7)}`)).toBeNull();
  });

  it("refuses a recipe whose chunks do not hash to the file digest: nothing servable, no version", async () => {
    const file = await uploadChunks("w.bin", bytesOf(20_000));
    const lie = { ...file, digest: `sha256:${await sha256(bytesOf(20_000))}` };
    const res = await putRecipe(lie);
    expect(res.status).toBe(422);
    expect((await json(res)).code).toBe("DIGEST_MISMATCH");
    expect((await api("GET", `/api/v1/blobs/${lie.digest}`)).status).toBe(404);
    const name = uniqueName("lie");
    await createModel(name);
    const created = await registerFiles(name, [{ path: "w.bin", file: lie }]);
    expect(created.status).toBe(422);
    expect((await api("GET", `/api/v1/models/${name}/versions/1`)).status).toBe(404);
  });

  it("a deferred recipe that fails its hash leaves the version FAILED_REGISTRATION naming the file", async () => {
    const file = await uploadChunks("w.bin", bytesOf(20_000));
    const lie = { ...file, digest: `sha256:${await sha256(bytesOf(20_000))}` };
    const put = await putRecipe(lie, { defer_verification: true });
    expect(put.status).toBe(202);
    const name = uniqueName("deferred-bad");
    await createModel(name);
    const created = await registerFiles(name, [{ path: "weights/w.bin", file: lie }]);
    expect(created.status).toBe(201);
    expect((await json(created)).status).toBe("PENDING_REGISTRATION");
    // Unverified: not servable, and it cannot leave None.
    expect((await api("GET", `/api/v1/models/${name}/versions/1/files/weights/w.bin`)).status).toBe(404);
    const staging = await api("POST", `/api/v1/models/${name}/versions/1/transitions`, {
      body: { to: "Staging" },
    });
    expect(staging.status).toBe(409);
    expect((await json(staging)).code).toBe("VERSION_NOT_READY");

    const result = await runVerifyQueue([{ kind: "settle-version", model: name, version: 1 }]);
    expect(result.explicitAcks).toHaveLength(1);
    const version = await json(await api("GET", `/api/v1/models/${name}/versions/1`));
    expect(version.status).toBe("FAILED_REGISTRATION");
    expect((await api("GET", `/api/v1/models/${name}/versions/1/files/weights/w.bin`)).status).toBe(404);
    expect(
      (await api("POST", `/api/v1/models/${name}/versions/1/transitions`, { body: { to: "Staging" } }))
        .status,
    ).toBe(409);
    const audit = await json<{ items: { action: string; after: { failed_files?: { path: string }[] } }[] }>(
      await api("GET", `/api/v1/audit?model=${name}`),
    );
    const verified = audit.items.find((e) => e.action === "model_version.verified");
    expect(verified?.after.failed_files?.map((f) => f.path)).toEqual(["weights/w.bin"]);
    // Retiring it is still possible.
    const archived = await api("POST", `/api/v1/models/${name}/versions/1/transitions`, {
      body: { to: "Archived" },
    });
    expect(archived.status).toBe(200);
  });

  it("a deferred recipe that hashes right turns the version READY, which may then leave None", async () => {
    const bytes = bytesOf(30_000);
    const file = await uploadChunks("w.bin", bytes);
    expect((await putRecipe(file, { defer_verification: true })).status).toBe(202);
    const name = uniqueName("deferred-good");
    await createModel(name);
    const created = await registerFiles(name, [{ path: "w.bin", file }]);
    expect((await json(created)).status).toBe("PENDING_REGISTRATION");
    await runVerifyQueue([{ kind: "settle-version", model: name, version: 1 }]);
    expect((await json(await api("GET", `/api/v1/models/${name}/versions/1`))).status).toBe("READY");
    const staging = await api("POST", `/api/v1/models/${name}/versions/1/transitions`, {
      body: { to: "Staging" },
    });
    expect(staging.status).toBe(200);
    const got = await api("GET", `/api/v1/models/${name}/versions/1/files/w.bin`);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
  });

  it("refuses recipes with missing chunks or sizes that do not add up", async () => {
    const file = await uploadChunks("w.bin", bytesOf(10_000));
    const missing = await putRecipe({
      ...file,
      chunks: [...file.chunks, { digest: `sha256:${"0".repeat(64)}`, size: 10 }],
      size: file.size + 10,
    });
    expect(missing.status).toBe(409);
    expect((await json(missing)).code).toBe("BLOB_MISSING");
    const short = await putRecipe({ ...file, size: file.size + 1 });
    expect(short.status).toBe(400);
    const wrongSize = await putRecipe({
      ...file,
      chunks: file.chunks.map((c, i) => (i === 0 ? { ...c, size: c.size + 1 } : c)),
      size: file.size + 1,
    });
    expect(wrongSize.status).toBe(422);
    expect((await api("GET", `/api/v1/recipes/${file.digest}`)).status).toBe(404);
  });
});

describe("storage accounting", () => {
  it("counts logical bytes against distinct stored objects; shared chunks once; scoped and admin-only", async () => {
    const tensors = Array.from({ length: 6 }, (_, i) => ({
      name: `t${i}`,
      bytes: noise(5000, 500 + i + (Date.now() % 1000)),
    }));
    const baseBytes = safetensorsFile(tensors);
    const tunedBytes = safetensorsFile(
      tensors.map((t, i) => (i === 5 ? { ...t, bytes: noise(5000, 7) } : t)),
    );
    const base = await uploadChunks("m.safetensors", baseBytes);
    const tuned = await uploadChunks("m.safetensors", tunedBytes);
    await putRecipe(base);
    await putRecipe(tuned);
    const name = uniqueName("acct");
    await createModel(name);
    await registerFiles(name, [{ path: "m.safetensors", file: base }]);
    await registerFiles(name, [{ path: "m.safetensors", file: tuned }]);
    const report = await json<Record<string, number>>(await api("GET", `/api/v1/storage?model=${name}`));
    const distinct = new Map([...base.chunks, ...tuned.chunks].map((c) => [c.digest, c.size]));
    expect(report).toMatchObject({
      versions: 2,
      logical_bytes: base.size + tuned.size,
      files: 2,
      chunked_files: 2,
      chunks: distinct.size,
      objects: distinct.size,
      stored_bytes: [...distinct.values()].reduce((n, s) => n + s, 0),
    });
    expect(report.dedup_ratio).toBeGreaterThan(1.5);
    expect(report.estimated_monthly_usd).toBeGreaterThanOrEqual(0);

    const viewer = await createToken("viewer", ["other-*"]);
    expect((await api("GET", `/api/v1/storage?model=${name}`, { token: viewer })).status).toBe(404);
    expect((await api("GET", "/api/v1/storage", { token: viewer })).status).toBe(403);
    expect((await api("GET", "/api/v1/storage")).status).toBe(200);
  });
});
