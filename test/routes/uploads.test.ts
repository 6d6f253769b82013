import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { blobKey, stagingKey } from "../../src/storage/blob-keys";
import { api, createToken, json } from "../support/api";
import { bytesOf, rawCall, sha256 } from "../support/blobs";

const MiB = 1024 * 1024;
const PART = 5 * MiB;
/** Three parts: 5 MiB, 5 MiB and a short last one. */
const SIZE = 2 * PART + 12345;

interface Upload {
  id: string;
  part_size: number;
  part_count: number;
  state: string;
  parts: number[];
}

async function start(digest: string, size = SIZE, token?: string): Promise<Upload> {
  const res = await api("POST", "/api/v1/uploads", { token, body: { digest, size, part_size: PART } });
  expect(res.status).toBe(201);
  return json<Upload>(res);
}

const slice = (bytes: Uint8Array, n: number) =>
  bytes.slice((n - 1) * PART, Math.min(n * PART, bytes.byteLength));
const putPart = (id: string, n: number, body: Uint8Array, token?: string) =>
  rawCall("PUT", `/api/v1/uploads/${id}/parts/${n}`, body, { token });
const complete = (id: string, token?: string) => api("POST", `/api/v1/uploads/${id}/complete`, { token });

async function stagedObjects(id: string) {
  return (await env.BLOBS.list({ prefix: stagingKey(id) })).objects;
}

describe("multipart uploads", () => {
  it("plans equal parts, takes them in any order, verifies and publishes; completing twice is safe", async () => {
    const bytes = bytesOf(SIZE);
    const hex = await sha256(bytes);
    const upload = await start(`sha256:${hex}`);
    expect(upload).toMatchObject({ part_size: PART, part_count: 3, state: "open", parts: [] });
    for (const n of [3, 1, 2]) expect((await putPart(upload.id, n, slice(bytes, n))).status).toBe(200);
    const listed = await json<Upload>(await api("GET", `/api/v1/uploads/${upload.id}`));
    expect(listed.parts).toEqual([1, 2, 3]);
    expect(await env.BLOBS.head(blobKey(hex))).toBeNull(); // nothing visible before completion

    const done = await complete(upload.id);
    expect(done.status).toBe(201);
    expect(await json(done)).toEqual({ digest: `sha256:${hex}`, size: SIZE });
    const got = await api("GET", `/api/v1/blobs/sha256:${hex}`);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
    expect(await stagedObjects(upload.id)).toEqual([]);

    const twice = await complete(upload.id);
    expect(twice.status).toBe(200);
    expect(await json(twice)).toEqual({ digest: `sha256:${hex}`, size: SIZE });
    expect((await json<Upload>(await api("GET", `/api/v1/uploads/${upload.id}`))).state).toBe("completed");
  });

  it("a corrupt part never publishes: 422, staged bytes deleted, the upload is closed", async () => {
    const bytes = bytesOf(SIZE);
    const hex = await sha256(bytes);
    const upload = await start(`sha256:${hex}`);
    const corrupt = slice(bytes, 2);
    corrupt[1000] = (corrupt[1000] ?? 0) ^ 0xff;
    await putPart(upload.id, 1, slice(bytes, 1));
    await putPart(upload.id, 2, corrupt);
    await putPart(upload.id, 3, slice(bytes, 3));
    const res = await complete(upload.id);
    expect(res.status).toBe(422);
    expect((await json(res)).code).toBe("DIGEST_MISMATCH");
    expect(await env.BLOBS.head(blobKey(hex))).toBeNull();
    expect(await stagedObjects(upload.id)).toEqual([]);
    const again = await complete(upload.id);
    expect(again.status).toBe(409);
    expect((await json(again)).code).toBe("UPLOAD_CLOSED");
  });

  it("reordered parts never publish", async () => {
    const bytes = bytesOf(SIZE);
    const hex = await sha256(bytes);
    const upload = await start(`sha256:${hex}`);
    await putPart(upload.id, 1, slice(bytes, 2));
    await putPart(upload.id, 2, slice(bytes, 1));
    await putPart(upload.id, 3, slice(bytes, 3));
    expect((await complete(upload.id)).status).toBe(422);
    expect(await env.BLOBS.head(blobKey(hex))).toBeNull();
  });

  it("a truncated part is refused, and completion with parts missing publishes nothing", async () => {
    const bytes = bytesOf(SIZE);
    const hex = await sha256(bytes);
    const upload = await start(`sha256:${hex}`);
    const short = await putPart(upload.id, 1, slice(bytes, 1).slice(0, PART - 1));
    expect(short.status).toBe(422);
    expect((await json(short)).code).toBe("PART_SIZE_MISMATCH");
    const long = await putPart(upload.id, 3, bytes.slice(2 * PART - 1));
    expect(long.status).toBe(422);
    expect((await putPart(upload.id, 4, slice(bytes, 3))).status).toBe(400);
    await putPart(upload.id, 1, slice(bytes, 1));
    await putPart(upload.id, 3, slice(bytes, 3));
    const res = await complete(upload.id);
    expect(res.status).toBe(409);
    const problem = await json<{ code: string; detail: string }>(res);
    expect(problem.code).toBe("UPLOAD_INCOMPLETE");
    expect(problem.detail).toContain("2");
    expect(await env.BLOBS.head(blobKey(hex))).toBeNull();
    // Resuming works: send the missing part and complete.
    await putPart(upload.id, 2, slice(bytes, 2));
    expect((await complete(upload.id)).status).toBe(201);
  });

  it("abort leaves no parts behind and is idempotent; the upload then refuses parts", async () => {
    const bytes = bytesOf(SIZE);
    const hex = await sha256(bytes);
    const upload = await start(`sha256:${hex}`);
    await putPart(upload.id, 1, slice(bytes, 1));
    await putPart(upload.id, 2, slice(bytes, 2));
    const row = await env.DB.prepare("select r2_upload_id from uploads where id = ?")
      .bind(upload.id)
      .first<{ r2_upload_id: string }>();
    expect((await api("DELETE", `/api/v1/uploads/${upload.id}`)).status).toBe(204);
    expect((await api("DELETE", `/api/v1/uploads/${upload.id}`)).status).toBe(204);
    const after = await json<Upload>(await api("GET", `/api/v1/uploads/${upload.id}`));
    expect(after).toMatchObject({ state: "aborted", parts: [] });
    // R2 itself no longer has the multipart upload: its parts cannot be assembled any more.
    const mpu = env.BLOBS.resumeMultipartUpload(stagingKey(upload.id), row?.r2_upload_id ?? "");
    await expect(mpu.uploadPart(3, slice(bytes, 3))).rejects.toThrow();
    expect(await stagedObjects(upload.id)).toEqual([]);
    const late = await putPart(upload.id, 3, slice(bytes, 3));
    expect(late.status).toBe(409);
    expect((await json(late)).code).toBe("UPLOAD_CLOSED");
    expect((await complete(upload.id)).status).toBe(409);
    expect(await env.BLOBS.head(blobKey(hex))).toBeNull();
  });

  it("an upload of bytes someone else already published completes as a no-op (200)", async () => {
    const bytes = bytesOf(PART + 10);
    const hex = await sha256(bytes);
    const a = await start(`sha256:${hex}`, bytes.byteLength);
    const b = await start(`sha256:${hex}`, bytes.byteLength);
    for (const u of [a, b]) {
      await putPart(u.id, 1, bytes.slice(0, PART));
      await putPart(u.id, 2, bytes.slice(PART));
    }
    const [ra, rb] = await Promise.all([complete(a.id), complete(b.id)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 201]);
    expect((await env.BLOBS.head(blobKey(hex)))?.size).toBe(bytes.byteLength);
  });

  it("uploads belong to their creator; a single part may be shorter than 5 MiB", async () => {
    const mine = await createToken("contributor");
    const theirs = await createToken("contributor");
    const bytes = bytesOf(1234);
    const hex = await sha256(bytes);
    const upload = await start(`sha256:${hex}`, bytes.byteLength, mine);
    expect(upload.part_count).toBe(1);
    expect((await api("GET", `/api/v1/uploads/${upload.id}`, { token: theirs })).status).toBe(404);
    expect((await putPart(upload.id, 1, bytes, theirs)).status).toBe(404);
    expect((await api("DELETE", `/api/v1/uploads/${upload.id}`, { token: theirs })).status).toBe(404);
    expect((await putPart(upload.id, 1, bytes, mine)).status).toBe(200);
    expect((await complete(upload.id, mine)).status).toBe(201);
    const viewer = await createToken("viewer");
    expect(
      (await api("POST", "/api/v1/uploads", { token: viewer, body: { digest: `sha256:${hex}`, size: 1 } }))
        .status,
    ).toBe(403);
  });

  it("refuses bad create requests", async () => {
    const digest = `sha256:${"a".repeat(64)}`;
    for (const body of [
      { digest, size: 0 },
      { digest, size: -1 },
      { digest, size: 6 * 1024 * MiB },
      { digest: "sha256:xyz", size: 10 },
      { digest, size: 10, part_size: MiB },
      { digest, size: 10, extra: 1 },
    ]) {
      const res = await api("POST", "/api/v1/uploads", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api("GET", "/api/v1/uploads/upl_nope")).status).toBe(404);
  });
});
