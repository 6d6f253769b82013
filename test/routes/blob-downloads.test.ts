import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { blobCacheKey, blobKey } from "../../src/storage/blob-keys";
import { api, createToken, json } from "../support/api";
import { bytesOf, putBlob, sha256 } from "../support/blobs";

const SIZE = 1000;

/** Waits until the background cache fill of a blob has landed. */
async function cached(hex: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const hit = await caches.default.match(blobCacheKey(hex));
    if (hit) {
      await hit.arrayBuffer();
      return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

const base64 = (hex: string) =>
  btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16))));

describe("blob downloads", () => {
  it("sends the bytes with ETag, Repr-Digest, Content-Length, Accept-Ranges and immutable caching", async () => {
    const bytes = bytesOf(SIZE);
    const { digest } = await putBlob(bytes);
    const hex = digest.slice(7);
    const res = await api("GET", `/api/v1/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${digest}"`);
    expect(res.headers.get("repr-digest")).toBe(`sha-256=:${base64(hex)}:`);
    expect(res.headers.get("content-length")).toBe(String(SIZE));
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);

    const head = await api("HEAD", `/api/v1/blobs/${digest}`);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(SIZE));
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const notModified = await api("GET", `/api/v1/blobs/${digest}`, {
      headers: { "if-none-match": `"${digest}"` },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(`"${digest}"`);
    const other = await api("GET", `/api/v1/blobs/${digest}`, {
      headers: { "if-none-match": '"sha256:00"' },
    });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it("answers 404 BLOB_NOT_FOUND for an unknown digest", async () => {
    const res = await api("GET", `/api/v1/blobs/sha256:${await sha256(bytesOf(3))}`);
    expect(res.status).toBe(404);
    expect((await json(res)).code).toBe("BLOB_NOT_FOUND");
  });

  it("serves repeat fetches from the edge cache without touching R2", async () => {
    const bytes = bytesOf(4096);
    const { digest } = await putBlob(bytes);
    const hex = digest.slice(7);
    await (await api("GET", `/api/v1/blobs/${digest}`)).arrayBuffer();
    expect(await cached(hex)).toBe(true);
    // Behind the cache's back: the R2 object is gone, yet full and ranged reads still succeed.
    await env.BLOBS.delete(blobKey(hex));
    const again = await api("GET", `/api/v1/blobs/${digest}`);
    expect(again.status).toBe(200);
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes);
    const ranged = await api("GET", `/api/v1/blobs/${digest}`, { headers: { range: "bytes=100-199" } });
    expect(ranged.status).toBe(206);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(bytes.slice(100, 200));
    // Control: a blob that was never fetched is not in the cache, so deleting it from R2 makes it 404.
    const { digest: cold } = await putBlob(bytesOf(4096));
    await env.BLOBS.delete(blobKey(cold.slice(7)));
    expect((await api("GET", `/api/v1/blobs/${cold}`)).status).toBe(404);
  });
});

describe.each(["from R2", "from the cache"])("byte ranges %s", (source) => {
  const bytes = bytesOf(SIZE);
  let digest = "";
  beforeAll(async () => {
    digest = (await putBlob(bytes)).digest;
    if (source === "from the cache") {
      await (await api("GET", `/api/v1/blobs/${digest}`)).arrayBuffer();
      expect(await cached(digest.slice(7))).toBe(true);
    }
  });
  const get = (range: string) => api("GET", `/api/v1/blobs/${digest}`, { headers: { range } });

  it.each([
    ["first byte", "bytes=0-0", 0, 0],
    ["last byte", `bytes=${SIZE - 1}-${SIZE - 1}`, SIZE - 1, SIZE - 1],
    ["open end", "bytes=990-", 990, SIZE - 1],
    ["end past the size (clamped)", "bytes=900-5000", 900, SIZE - 1],
    ["suffix", "bytes=-10", SIZE - 10, SIZE - 1],
    ["suffix longer than the blob", "bytes=-5000", 0, SIZE - 1],
  ])("%s → 206", async (_, range, start, end) => {
    const res = await get(range);
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(res.headers.get("content-length")).toBe(String(end - start + 1));
    expect(res.headers.get("etag")).toBe(`"${digest}"`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes.slice(start, end + 1));
  });

  it.each([
    ["start at the size", `bytes=${SIZE}-`],
    ["end before start", "bytes=10-5"],
    ["zero-length suffix", "bytes=-0"],
    ["multiple ranges (refused: one range per request)", "bytes=0-1,5-6"],
    ["not a number", "bytes=abc"],
    ["unknown unit", "items=0-1"],
    ["empty", "bytes=-"],
  ])("%s → 416", async (_, range) => {
    const res = await get(range);
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe(`bytes */${SIZE}`);
    expect((await json(res)).code).toBe("RANGE_NOT_SATISFIABLE");
  });

  it("ignores Range when If-Range names another tag", async () => {
    const res = await api("GET", `/api/v1/blobs/${digest}`, {
      headers: { range: "bytes=0-0", "if-range": '"sha256:other"' },
    });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(SIZE);
  });

  it("a serving token can fetch ranges", async () => {
    const serving = await createToken("serving");
    const res = await api("GET", `/api/v1/blobs/${digest}`, {
      token: serving,
      headers: { range: "bytes=-1" },
    });
    expect(res.status).toBe(206);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes.slice(SIZE - 1));
  });
});
