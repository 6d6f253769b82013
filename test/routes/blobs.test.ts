import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { blobKey } from "../../src/storage/blob-keys";
import { api, createToken, json } from "../support/api";
import { bytesOf, putBlob, rawCall, sha256 } from "../support/blobs";

describe("single-PUT blobs", () => {
  it("stores verified bytes under their digest (201), and a second upload is a no-op (200)", async () => {
    const bytes = bytesOf(1000);
    const hex = await sha256(bytes);
    const first = await rawCall("PUT", `/api/v1/blobs/sha256:${hex}`, bytes);
    expect(first.status).toBe(201);
    expect(await json(first)).toEqual({ digest: `sha256:${hex}`, size: 1000 });
    const stored = await env.BLOBS.head(blobKey(hex));
    expect(stored?.size).toBe(1000);
    const again = await rawCall("PUT", `/api/v1/blobs/sha256:${hex}`, bytes);
    expect(again.status).toBe(200);
    expect((await env.BLOBS.head(blobKey(hex)))?.uploaded.getTime()).toBe(stored?.uploaded.getTime());
  });

  it("refuses bytes that do not match the digest (422) and stores nothing", async () => {
    const bytes = bytesOf(5000);
    const wrong = await sha256(bytesOf(5000));
    const res = await rawCall("PUT", `/api/v1/blobs/sha256:${wrong}`, bytes);
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await json(res)).code).toBe("DIGEST_MISMATCH");
    expect(await env.BLOBS.head(blobKey(wrong))).toBeNull();
    expect(await env.BLOBS.head(blobKey(await sha256(bytes)))).toBeNull();
  });

  it("does not let wrong bytes replace an existing blob", async () => {
    const bytes = bytesOf(300);
    const { digest } = await putBlob(bytes);
    const res = await rawCall("PUT", `/api/v1/blobs/${digest}`, bytesOf(300));
    expect([200, 422]).toContain(res.status);
    const got = await api("GET", `/api/v1/blobs/${digest}`);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
  });

  it("ten concurrent uploads of the same bytes all succeed and leave one blob", async () => {
    const bytes = bytesOf(200_000);
    const hex = await sha256(bytes);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => rawCall("PUT", `/api/v1/blobs/sha256:${hex}`, bytes.slice())),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    const listed = await env.BLOBS.list({ prefix: blobKey(hex) });
    expect(listed.objects.map((o) => o.size)).toEqual([200_000]);
  });

  it("needs a Content-Length, a size under the single-PUT limit, and a well-formed digest", async () => {
    const hex = await sha256(bytesOf(10));
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(bytesOf(10));
        c.close();
      },
    });
    const chunked = await rawCall("PUT", `/api/v1/blobs/sha256:${hex}`, stream);
    expect(chunked.status).toBe(411);
    expect((await json(chunked)).code).toBe("LENGTH_REQUIRED");
    const big = await rawCall("PUT", `/api/v1/blobs/sha256:${hex}`, new Uint8Array(1), {
      headers: { "content-length": String(200 * 1024 * 1024) },
    }).catch(() => null);
    if (big) expect(big.status).toBe(413);
    const bad = await rawCall("PUT", "/api/v1/blobs/sha256:XYZ", bytesOf(10));
    expect(bad.status).toBe(400);
  });

  it("raw-body routes skip the JSON guard, JSON routes keep it", async () => {
    const check = await api("POST", "/api/v1/blobs/check", {
      body: "not json",
      headers: { "content-type": "text/plain" },
    });
    expect(check.status).toBe(415);
  });

  it("check answers which digests are missing", async () => {
    const { digest: present } = await putBlob(bytesOf(64));
    const absent = `sha256:${await sha256(bytesOf(64))}`;
    const res = await api("POST", "/api/v1/blobs/check", { body: { digests: [present, absent, absent] } });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ missing: [absent] });
    const bad = await api("POST", "/api/v1/blobs/check", { body: { digests: ["md5:abc"] } });
    expect(bad.status).toBe(400);
  });

  it("uploading needs contributor; serving and viewer tokens may download", async () => {
    const viewer = await createToken("viewer");
    const serving = await createToken("serving");
    const bytes = bytesOf(50);
    const hex = await sha256(bytes);
    expect((await rawCall("PUT", `/api/v1/blobs/sha256:${hex}`, bytes, { token: viewer })).status).toBe(403);
    expect((await rawCall("PUT", `/api/v1/blobs/sha256:${hex}`, bytes, { token: serving })).status).toBe(403);
    expect(
      (await api("POST", "/api/v1/blobs/check", { token: serving, body: { digests: [`sha256:${hex}`] } }))
        .status,
    ).toBe(403);
    const contributor = await createToken("contributor");
    expect((await rawCall("PUT", `/api/v1/blobs/sha256:${hex}`, bytes, { token: contributor })).status).toBe(
      201,
    );
    for (const token of [viewer, serving]) {
      const got = await api("GET", `/api/v1/blobs/sha256:${hex}`, { token });
      expect(got.status).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
    }
    expect((await api("GET", `/api/v1/blobs/sha256:${hex}`, { token: null })).status).toBe(401);
  });
});
