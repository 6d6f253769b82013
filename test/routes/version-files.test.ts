import { describe, expect, it } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { bytesOf, putBlob, sha256 } from "../support/blobs";

type Problem = { code: string; errors?: { path: string; message: string }[] };

async function register(name: string, files: unknown[]) {
  return api("POST", `/api/v1/models/${name}/versions`, { body: { files } });
}

describe("versions and their blobs", () => {
  it("refuses a manifest naming blobs that were never uploaded (409 BLOB_MISSING) and writes nothing", async () => {
    const name = uniqueName();
    await createModel(name);
    const { digest: present } = await putBlob(bytesOf(10));
    const absent = `sha256:${await sha256(bytesOf(11))}`;
    const res = await register(name, [
      { path: "a.bin", digest: present, size: 10 },
      { path: "b.bin", digest: absent, size: 11 },
    ]);
    expect(res.status).toBe(409);
    const problem = await json<Problem>(res);
    expect(problem.code).toBe("BLOB_MISSING");
    expect(problem.errors).toEqual([{ path: "files.1.digest", message: `no blob ${absent}` }]);
    const list = await json<{ items: unknown[] }>(await api("GET", `/api/v1/models/${name}/versions`));
    expect(list.items).toEqual([]);
  });

  it("refuses a declared size that differs from the stored blob (422 naming the path)", async () => {
    const name = uniqueName();
    await createModel(name);
    const { digest } = await putBlob(bytesOf(100));
    const res = await register(name, [{ path: "w/model.bin", digest, size: 99 }]);
    expect(res.status).toBe(422);
    const problem = await json<Problem>(res);
    expect(problem.code).toBe("BLOB_SIZE_MISMATCH");
    expect(problem.errors?.[0]?.path).toBe("files.0.size");
    expect(problem.errors?.[0]?.message).toContain("w/model.bin");
  });

  it.each([
    ["parent traversal", "../x"],
    ["inner traversal", "a/../../x"],
    ["absolute", "/etc/x"],
    ["empty segment", "a//b"],
    ["NUL", "a\u0000b"],
    ["backslash", "a\\..\\x"],
    ["10 KB name", "n".repeat(10_240)],
    ["trailing slash", "dir/"],
  ])("refuses manifest path: %s", async (_, path) => {
    const name = uniqueName();
    await createModel(name);
    const { digest } = await putBlob(bytesOf(20));
    const res = await register(name, [{ path, digest, size: 20 }]);
    expect(res.status).toBe(400);
    const problem = await json<Problem>(res);
    expect(problem.code).toBe("INVALID_ARGUMENT");
    expect(problem.errors?.[0]?.path).toBe("files.0.path");
  });

  it("serves a version's files by path and an alias's files with a short max-age", async () => {
    const name = uniqueName();
    await createModel(name);
    const weights = bytesOf(3000);
    const config = new TextEncoder().encode('{"layers": 3}');
    const w = await putBlob(weights);
    const cfg = await putBlob(config);
    const res = await register(name, [
      { path: "weights/model.onnx", digest: w.digest, size: weights.byteLength },
      { path: "config.json", digest: cfg.digest, size: config.byteLength, media_type: "application/json" },
    ]);
    expect(res.status).toBe(201);

    const file = await api("GET", `/api/v1/models/${name}/versions/1/files/weights/model.onnx`);
    expect(file.status).toBe(200);
    expect(file.headers.get("etag")).toBe(`"${w.digest}"`);
    expect(file.headers.get("content-type")).toBe("application/octet-stream");
    expect(file.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(weights);

    const json1 = await api("GET", `/api/v1/models/${name}/versions/1/files/config.json`);
    expect(json1.headers.get("content-type")).toBe("application/json");
    expect(await json1.text()).toBe('{"layers": 3}');

    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } });
    const serving = await createToken("serving");
    const viaAlias = await api("GET", `/api/v1/models/${name}/aliases/champion/files/weights/model.onnx`, {
      token: serving,
      headers: { range: "bytes=0-9" },
    });
    expect(viaAlias.status).toBe(206);
    expect(viaAlias.headers.get("cache-control")).toBe("private, max-age=60");
    expect(viaAlias.headers.get("x-model-version")).toBe("1");
    expect(new Uint8Array(await viaAlias.arrayBuffer())).toEqual(weights.slice(0, 10));
    const poll = await api("GET", `/api/v1/models/${name}/aliases/latest/files/weights/model.onnx`, {
      headers: { "if-none-match": `"${w.digest}"` },
    });
    expect(poll.status).toBe(304);
  });

  it("answers clear 404s for unknown files, versions, aliases and out-of-scope models", async () => {
    const name = uniqueName();
    await createModel(name);
    const { digest } = await putBlob(bytesOf(5));
    await register(name, [{ path: "a.bin", digest, size: 5 }]);
    const code = async (path: string, token?: string) =>
      (await json<Problem>(await api("GET", path, { token }))).code;
    expect(await code(`/api/v1/models/${name}/versions/1/files/b.bin`)).toBe("FILE_NOT_FOUND");
    expect(await code(`/api/v1/models/${name}/versions/1/files/a.bin/x`)).toBe("FILE_NOT_FOUND");
    expect(await code(`/api/v1/models/${name}/versions/9/files/a.bin`)).toBe("VERSION_NOT_FOUND");
    expect(await code(`/api/v1/models/${name}/aliases/nope/files/a.bin`)).toBe("ALIAS_NOT_FOUND");
    const scoped = await createToken("viewer", ["other-*"]);
    expect(await code(`/api/v1/models/${name}/versions/1/files/a.bin`, scoped)).toBe("MODEL_NOT_FOUND");
  });
});
