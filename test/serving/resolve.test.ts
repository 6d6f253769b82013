import { describe, expect, it } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { modelWithVersions, moveAlias } from "./support";

interface Resolution {
  name: string;
  version: number;
  alias: string | null;
  stage: string;
  manifest_digest: string;
  files: { path: string; digest: string; size: number; media_type: string; url: string }[];
}

const resolve = (name: string, query: string, headers: Record<string, string> = {}, token?: string) =>
  api("GET", `/api/v1/models/${name}/resolve?${query}`, { headers, token });

describe("GET /models/{name}/resolve", () => {
  it("answers version, manifest and digest in one call, with a strong ETag and no-cache", async () => {
    const name = uniqueName("res");
    const [v1] = await modelWithVersions(name, 2, 1);
    const res = await resolve(name, "alias=champion");
    expect(res.status).toBe(200);
    const body = await json<Resolution>(res);
    expect(body).toMatchObject({ name, version: 1, alias: "champion", stage: "None" });
    expect(body.manifest_digest).toBe(v1?.manifest_digest);
    expect(body.files.map((f) => f.path)).toEqual(["config.json", "model.bin"]);
    expect(body.files[1]?.url).toBe(`/api/v1/blobs/${body.files[1]?.digest}`);
    const etag = res.headers.get("etag") ?? "";
    expect(etag).toBe(`"${body.manifest_digest.slice(7)}.1"`);
    expect(etag.startsWith("W/")).toBe(false);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
  });

  it("answers 304 with no body while the pointer stays, and the new version on the next poll after a move", async () => {
    const name = uniqueName("res");
    const [, v2] = await modelWithVersions(name, 2, 1);
    const first = await resolve(name, "alias=champion");
    const etag = first.headers.get("etag") ?? "";
    const unchanged = await resolve(name, "alias=champion", { "if-none-match": etag });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe("");
    expect(unchanged.headers.get("etag")).toBe(etag);

    await moveAlias(name, "champion", 2);
    const moved = await resolve(name, "alias=champion", { "if-none-match": etag });
    expect(moved.status).toBe(200);
    const body = await json<Resolution>(moved);
    expect(body.version).toBe(2);
    expect(body.manifest_digest).toBe(v2?.manifest_digest);
    expect(moved.headers.get("etag")).not.toBe(etag);
  });

  it("resolves latest, the Production stage and the virtual production alias", async () => {
    const name = uniqueName("res");
    await modelWithVersions(name, 3, 1);
    expect((await json<Resolution>(await resolve(name, "alias=latest"))).version).toBe(3);
    const noProd = await resolve(name, "stage=Production");
    expect(noProd.status).toBe(404);
    expect((await json(noProd)).code).toBe("VERSION_NOT_FOUND");

    const to = (stage: string, extra: object = {}) =>
      api("POST", `/api/v1/models/${name}/versions/2/transitions`, { body: { to: stage, ...extra } });
    expect((await to("Staging")).status).toBe(200);
    expect((await to("Production", { fast_track: true, comment: "incident 42" })).status).toBe(200);
    const byStage = await json<Resolution>(await resolve(name, "stage=Production"));
    expect(byStage).toMatchObject({ version: 2, stage: "Production", alias: null });
    expect((await json<Resolution>(await resolve(name, "alias=production"))).version).toBe(2);
  });

  it("passes a D1 session bookmark back and accepts one (read-your-writes with replicas)", async () => {
    const name = uniqueName("res");
    await modelWithVersions(name, 1, 1);
    const res = await resolve(name, "alias=champion");
    const bookmark = res.headers.get("x-d1-bookmark");
    expect(bookmark).toBeTruthy();
    const again = await resolve(name, "alias=champion", { "x-d1-bookmark": bookmark ?? "" });
    expect(again.status).toBe(200);
    const primary = await resolve(name, "alias=champion", { "x-d1-bookmark": "first-primary" });
    expect(primary.status).toBe(200);
    const bad = await resolve(name, "alias=champion", { "x-d1-bookmark": "'; drop table models; --" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });

  it("refuses bad selectors with problem+json, hides out-of-scope models, admits the serving role", async () => {
    const name = uniqueName("res");
    await modelWithVersions(name, 1, 1);
    for (const q of ["", "alias=champion&stage=Production", "stage=Archived", "alias=bad%20alias"]) {
      const res = await resolve(name, q);
      expect(res.status, q).toBe(400);
      expect((await json(res)).code).toBe("INVALID_ARGUMENT");
    }
    const missing = await resolve(name, "alias=nope");
    expect(missing.status).toBe(404);
    expect((await json(missing)).code).toBe("ALIAS_NOT_FOUND");
    expect((await resolve(uniqueName("absent"), "alias=champion")).status).toBe(404);

    const serving = await createToken("serving");
    expect((await resolve(name, "alias=champion", {}, serving)).status).toBe(200);
    const scoped = await createToken("serving", ["other-*"]);
    const hidden = await resolve(name, "alias=champion", {}, scoped);
    expect(hidden.status).toBe(404);
    expect((await json(hidden)).code).toBe("MODEL_NOT_FOUND");
  });

  it("a model with no versions has nothing to resolve", async () => {
    const name = uniqueName("res");
    await createModel(name);
    expect((await resolve(name, "alias=latest")).status).toBe(404);
  });
});
