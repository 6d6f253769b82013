/**
 * Issue 15's findings 2–10, each reproduced as the attacker sent it: every one of these failed on
 * the code before the fix (500s, a half-done transition, an accepted write that should not be).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/domain/limits";
import { mlflow } from "../mlflow/support";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { bytesOf, putBlob } from "../support/blobs";

type Problem = { code: string; errors?: { path: string; message: string }[] };

const expectProblem = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = await json<Problem>(res);
  expect(body.code).toBe(code);
  return body;
};

const namedToken = async (name: string, role: string) =>
  (await json<{ token: string }>(await api("POST", "/api/v1/tokens", { body: { name, role } }))).token;

const auditCount = async () =>
  Number((await env.DB.prepare("select count(*) as n from audit_log").first<{ n: number }>())?.n);

const nested = (depth: number): unknown => {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = { k: value };
  return value;
};

describe("2. LIKE patterns D1 finds too complex are a 400, never a 500", () => {
  const pattern = `'${"%a".repeat(30)}'`;
  it("on /models and /model-versions", async () => {
    for (const path of ["/api/v1/models", "/api/v1/model-versions"]) {
      for (const op of ["LIKE", "ILIKE"]) {
        const res = await api("GET", `${path}?${new URLSearchParams({ filter: `name ${op} ${pattern}` })}`);
        const body = await expectProblem(res, 400, "INVALID_FILTER");
        expect(JSON.stringify(body)).toMatch(/at most 50 bytes/);
      }
    }
    // A pattern just under the limit still runs.
    const fine = await api(
      "GET",
      `/api/v1/models?${new URLSearchParams({ filter: `name LIKE '${"%a".repeat(25)}'` })}`,
    );
    expect(fine.status).toBe(200);
  });

  it("on both MLflow searches, in MLflow's error shape", async () => {
    for (const endpoint of ["registered-models/search", "model-versions/search"]) {
      const res = await mlflow("GET", endpoint, { filter: `name LIKE ${pattern}` });
      expect(res.status, endpoint).toBe(400);
      expect(res.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    }
  });

  it("scopes longer than the GLOB limit are refused when the token is made", async () => {
    const res = await api("POST", "/api/v1/tokens", {
      body: { name: "long", role: "viewer", scopes: [`${"a".repeat(60)}*`] },
    });
    await expectProblem(res, 400, "INVALID_ARGUMENT");
  });
});

describe("3. deep JSON is refused at a documented depth", () => {
  it("a model card or signature nested deeper than the limit → 400 at its path, nothing written", async () => {
    const name = uniqueName("deep");
    await createModel(name);
    const before = await auditCount();
    for (const field of ["model_card", "signature"]) {
      for (const depth of [LIMITS.jsonFieldDepth + 1, 2_600]) {
        const res = await api("POST", `/api/v1/models/${name}/versions`, {
          body: { [field]: nested(depth) },
        });
        const body = await expectProblem(
          res,
          400,
          depth > LIMITS.jsonBodyDepth ? "INVALID_ARGUMENT" : "INVALID_ARGUMENT",
        );
        if (depth <= LIMITS.jsonBodyDepth) expect(body.errors?.[0]?.path).toBe(field);
      }
    }
    expect(await auditCount()).toBe(before);
    const card = await api("POST", `/api/v1/models/${name}/versions`, {
      body: { model_card: nested(LIMITS.jsonFieldDepth - 1) as Record<string, unknown> },
    });
    expect(card.status).toBe(201);
  });

  it("any JSON body nested beyond the body limit is refused before a route sees it", async () => {
    const res = await api("PUT", `/api/v1/models/${uniqueName()}/tags/k`, { body: { value: nested(5_000) } });
    await expectProblem(res, 400, "INVALID_ARGUMENT");
  });
});

describe("4. manifests that could not be pulled are refused", () => {
  it("a file that is also a directory, and case-insensitive collisions → 400 naming the path", async () => {
    const name = uniqueName("pull");
    await createModel(name);
    const { digest } = await putBlob(bytesOf(8));
    const file = (path: string) => ({ path, digest, size: 8 });
    for (const paths of [
      ["a", "a/b"],
      ["a/b/c", "a/b"],
      ["A", "a"],
      ["dir/Model.onnx", "dir/model.ONNX"],
      ["Dir/x", "dir"],
      ["caf\u00e9", "cafe\u0301"],
    ]) {
      const res = await api("POST", `/api/v1/models/${name}/versions`, { body: { files: paths.map(file) } });
      const body = await expectProblem(res, 400, "INVALID_ARGUMENT");
      expect(body.errors?.[0]?.path, paths.join(" ")).toBe("files.1.path");
    }
    const ok = await api("POST", `/api/v1/models/${name}/versions`, {
      body: { files: ["a/b", "a/c", "ab", "a.b/x"].map(file) },
    });
    expect(ok.status).toBe(201);
    expect((await json<{ version: number }>(ok)).version).toBe(1);
  });
});

describe("5. out-of-scope parents behave exactly as absent", () => {
  it("same answer as a missing parent, and no lineage link written", async () => {
    const mine = uniqueName("own");
    const theirs = uniqueName("oth");
    await createModel(mine);
    await createModel(theirs);
    await api("POST", `/api/v1/models/${theirs}/versions`, { body: {} });
    const scoped = await createToken("contributor", [mine]);
    const out = await api("POST", `/api/v1/models/${mine}/versions`, {
      token: scoped,
      body: { parent: { model: theirs, version: 1 } },
    });
    const absent = await api("POST", `/api/v1/models/${mine}/versions`, {
      token: scoped,
      body: { parent: { model: theirs, version: 99 } },
    });
    expect(out.status).toBe(absent.status);
    const [a, b] = [
      await json<Problem & { detail: string }>(out),
      await json<Problem & { detail: string }>(absent),
    ];
    expect(a.detail.replace("/1 ", "/N ")).toBe(b.detail.replace("/99 ", "/N "));
    expect(a.errors).toEqual(b.errors);
    const links = await env.DB.prepare("select count(*) as n from model_versions where parent_model = ?")
      .bind(theirs)
      .first<{ n: number }>();
    expect(links?.n).toBe(0);
    // Within scope the same parent is fine.
    const admin = await api("POST", `/api/v1/models/${mine}/versions`, {
      body: { parent: { model: theirs, version: 1 } },
    });
    expect(admin.status).toBe(201);
  });
});

describe("6. only canonical decimal version numbers in paths", () => {
  it("0x10, 1e1, 0b10, 0o10, 1.0, 01, +1, ' 1' are 400, for reads and writes", async () => {
    const name = uniqueName("num");
    await createModel(name);
    for (let i = 0; i < 2; i++) await api("POST", `/api/v1/models/${name}/versions`, { body: {} });
    const before = await auditCount();
    for (const v of ["0x1", "1e0", "0b1", "0o1", "1.0", "01", "+1", "%201", "2.", "0"]) {
      await expectProblem(await api("GET", `/api/v1/models/${name}/versions/${v}`), 400, "INVALID_ARGUMENT");
      await expectProblem(
        await api("PATCH", `/api/v1/models/${name}/versions/${v}`, { body: { description: "x" } }),
        400,
        "INVALID_ARGUMENT",
      );
      await expectProblem(
        await api("PUT", `/api/v1/models/${name}/versions/${v}/tags/k`, { body: { value: "x" } }),
        400,
        "INVALID_ARGUMENT",
      );
    }
    expect(await auditCount()).toBe(before);
    expect((await api("GET", `/api/v1/models/${name}/versions/2`)).status).toBe(200);
  });
});

describe("8. over-long URLs are answered as problem+json", () => {
  it("a 20 KB URL → 414 problem+json; on /api/2.0 MLflow's JSON", async () => {
    await expectProblem(await api("GET", `/api/v1/models?filter=${"a".repeat(20_000)}`), 414, "URI_TOO_LONG");
    const ml = await api("GET", `/api/2.0/mlflow/registered-models/get?name=${"a".repeat(20_000)}`);
    expect(ml.status).toBe(400);
    expect(await json(ml)).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
    await expectProblem(
      await api("GET", `/nowhere/${"a".repeat(20_000)}`, { token: null }),
      414,
      "URI_TOO_LONG",
    );
  });
});

describe("9. MLflow transition-stage with archive_existing_versions is all or nothing", () => {
  it("a contributor who may not archive another's Staging version changes nothing", async () => {
    const name = uniqueName("arch");
    const alice = await namedToken("alice", "contributor");
    const bob = await namedToken("bob", "contributor");
    await mlflow("POST", "registered-models/create", { name }, alice);
    await mlflow("POST", "model-versions/create", { name, source: "s3://a" }, alice);
    await mlflow("POST", "model-versions/create", { name, source: "s3://b" }, bob);
    expect(
      (
        await mlflow(
          "POST",
          "model-versions/transition-stage",
          { name, version: "1", stage: "Staging" },
          alice,
        )
      ).status,
    ).toBe(200);
    const approver = await createToken("approver");
    const before = await auditCount();
    const res = await mlflow(
      "POST",
      "model-versions/transition-stage",
      { name, version: "2", stage: "Staging", archive_existing_versions: true },
      bob,
    );
    expect(res.status).toBe(403);
    expect(await auditCount()).toBe(before);
    const stages = await Promise.all(
      ["1", "2"].map(
        async (version) =>
          (await mlflow("GET", "model-versions/get", { name, version })).body.model_version.current_stage,
      ),
    );
    expect(stages).toEqual(["Staging", "None"]);
    // An approver may archive anyone's: one change, one audit entry, both moves.
    const ok = await mlflow(
      "POST",
      "model-versions/transition-stage",
      { name, version: "2", stage: "Staging", archive_existing_versions: true },
      approver,
    );
    expect(ok.status).toBe(200);
    expect(await auditCount()).toBe(before + 1);
    const after = await Promise.all(
      ["1", "2"].map(
        async (version) =>
          (await mlflow("GET", "model-versions/get", { name, version })).body.model_version.current_stage,
      ),
    );
    expect(after).toEqual(["Archived", "Staging"]);
  });
});

describe("10. renames of serving models need an approver and keep lineage", () => {
  it("a contributor cannot rename a model with a Production version or a set protected alias", async () => {
    const contributor = await createToken("contributor");
    const prod = uniqueName("prod");
    await createModel(prod);
    await api("POST", `/api/v1/models/${prod}/versions`, { body: {} });
    await api("POST", `/api/v1/models/${prod}/versions/1/transitions`, {
      body: { to: "Production", fast_track: true, comment: "hotfix" },
    });
    const guarded = uniqueName("alias");
    await createModel(guarded);
    await api("POST", `/api/v1/models/${guarded}/versions`, { body: {} });
    await api("PUT", `/api/v1/models/${guarded}/policy`, { body: { protected_aliases: ["champion"] } });
    await api("PUT", `/api/v1/models/${guarded}/aliases/champion`, { body: { version: 1 } });
    for (const name of [prod, guarded]) {
      const res = await mlflow(
        "POST",
        "registered-models/rename",
        { name, new_name: `${name}-x` },
        contributor,
      );
      expect(res.status, name).toBe(403);
      expect(res.body.error_code).toBe("PERMISSION_DENIED");
      expect((await api("GET", `/api/v1/models/${name}`)).status).toBe(200);
      const approver = await createToken("approver");
      expect(
        (await mlflow("POST", "registered-models/rename", { name, new_name: `${name}-x` }, approver)).status,
      ).toBe(200);
    }
    // A plain model is still the contributor's to rename.
    const plain = uniqueName("plain");
    await createModel(plain);
    expect(
      (await mlflow("POST", "registered-models/rename", { name: plain, new_name: `${plain}-x` }, contributor))
        .status,
    ).toBe(200);
  });

  it("children recorded under the old name follow the rename", async () => {
    const parent = uniqueName("base");
    const child = uniqueName("kid");
    await createModel(parent);
    await createModel(child);
    await api("POST", `/api/v1/models/${parent}/versions`, { body: {} });
    await api("POST", `/api/v1/models/${child}/versions`, {
      body: { parent: { model: parent, version: 1 } },
    });
    await api("POST", `/api/v1/models/${parent}/versions`, {
      body: { parent: { model: parent, version: 1 } },
    });
    expect(
      (await mlflow("POST", "registered-models/rename", { name: parent, new_name: `${parent}-r` })).status,
    ).toBe(200);
    const kid = await json<{ parent: unknown }>(await api("GET", `/api/v1/models/${child}/versions/1`));
    expect(kid.parent).toEqual({ model: `${parent}-r`, version: 1 });
    const down = await json<{ nodes: { id: string }[] }>(
      await api("GET", `/api/v1/models/${parent}-r/versions/1/lineage?direction=downstream`),
    );
    expect(JSON.stringify(down)).toContain(child);
    const self = await json<{ parent: unknown }>(await api("GET", `/api/v1/models/${parent}-r/versions/2`));
    expect(self.parent).toEqual({ model: `${parent}-r`, version: 1 });
  });
});
