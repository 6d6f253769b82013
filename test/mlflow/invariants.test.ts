/**
 * The invariants the MLflow-only changes touch: one writer per model across a rename (the ledger
 * instance is chosen by name), names stay unique under races, version numbers are never reused, and
 * bad input is refused without a partial write.
 */
import { describe, expect, it } from "vitest";
import { api, createToken, json, uniqueName } from "../support/api";
import { mlflow } from "./support";

describe("rename and delete through the ledger", () => {
  it("a rename racing a create of the same new name: exactly one wins, the other is RESOURCE_ALREADY_EXISTS", async () => {
    for (let round = 0; round < 3; round++) {
      const from = uniqueName("race");
      const to = `${from}-new`;
      await mlflow("POST", "registered-models/create", { name: from });
      const [renamed, created] = await Promise.all([
        mlflow("POST", "registered-models/rename", { name: from, new_name: to }),
        mlflow("POST", "registered-models/create", { name: to }),
      ]);
      const statuses = [renamed.status, created.status].sort();
      expect(statuses).toEqual([200, 400]);
      const loser = renamed.status === 400 ? renamed : created;
      expect(loser.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
      const search = await mlflow("GET", "registered-models/search", { filter: `name LIKE '${from}%'` });
      // Either the renamed model alone, or the old one plus the freshly created one: never two `to`.
      const names = search.body.registered_models.map((m: { name: string }) => m.name).sort();
      expect(names.filter((n: string) => n === to)).toHaveLength(1);
      expect(names).toEqual(renamed.status === 200 ? [to] : [from, to]);
    }
  });

  it("after a rename the old name is gone for writes too, and the new name's writes extend the same chain", async () => {
    const from = uniqueName("ren");
    const to = `${from}-x`;
    await mlflow("POST", "registered-models/create", { name: from });
    await mlflow("POST", "model-versions/create", { name: from, source: "s3://a" });
    await mlflow("POST", "registered-models/rename", { name: from, new_name: to });
    const stale = await mlflow("POST", "registered-models/set-tag", { name: from, key: "k", value: "v" });
    expect(stale.status).toBe(404);
    const next = await mlflow("POST", "model-versions/create", { name: to, source: "s3://b" });
    expect(next.body.model_version.version).toBe("2");
    expect(await json(await api("GET", `/api/v1/models/${to}/audit/verify`))).toMatchObject({ ok: true });
    expect((await api("GET", `/api/v1/models/${from}`)).status).toBe(404);
  });

  it("renaming onto an existing name or out of the token's scope changes nothing", async () => {
    const a = uniqueName("scope-a");
    const b = uniqueName("scope-a");
    await mlflow("POST", "registered-models/create", { name: a });
    await mlflow("POST", "registered-models/create", { name: b });
    const clash = await mlflow("POST", "registered-models/rename", { name: a, new_name: b });
    expect(clash.body).toEqual({
      error_code: "RESOURCE_ALREADY_EXISTS",
      message: `Registered Model (name=${b}) already exists.`,
    });
    const token = await createToken("contributor", ["scope-a-*"]);
    const out = await mlflow("POST", "registered-models/rename", { name: a, new_name: "elsewhere-1" }, token);
    expect(out.status).toBe(403);
    expect(out.body.error_code).toBe("PERMISSION_DENIED");
    expect((await mlflow("GET", "registered-models/get", { name: a })).status).toBe(200);
    expect((await mlflow("GET", "registered-models/get", { name: "elsewhere-1" })).status).toBe(404);
  });

  it("version numbers stay gap-free-allocated and unique under concurrent creates and deletes", async () => {
    const name = uniqueName("nums");
    await mlflow("POST", "registered-models/create", { name });
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        mlflow("POST", "model-versions/create", { name, source: `s3://${i}` }),
      ),
    );
    const numbers = created.map((r) => Number(r.body.model_version.version)).sort((x, y) => x - y);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await Promise.all(
      [8, 7, 3].map((version) =>
        mlflow("DELETE", "model-versions/delete", { name, version: String(version) }),
      ),
    );
    const after = await Promise.all(
      Array.from({ length: 3 }, () =>
        mlflow("POST", "model-versions/create", { name, source: "s3://again" }),
      ),
    );
    expect(after.map((r) => Number(r.body.model_version.version)).sort((x, y) => x - y)).toEqual([9, 10, 11]);
    for (const gone of ["3", "7", "8"]) {
      expect((await mlflow("GET", "model-versions/get", { name, version: gone })).status).toBe(404);
    }
    const all = await mlflow("GET", "model-versions/search", { filter: `name = '${name}'` });
    expect(all.body.model_versions.map((v: { version: string }) => v.version)).toEqual([
      "11",
      "10",
      "9",
      "6",
      "5",
      "4",
      "2",
      "1",
    ]);
  });

  it("deleting a version drops its tags and the aliases that pointed at it", async () => {
    const name = uniqueName("del");
    await mlflow("POST", "registered-models/create", { name });
    await mlflow("POST", "model-versions/create", {
      name,
      source: "s3://a",
      tags: [{ key: "k", value: "v" }],
    });
    await mlflow("POST", "model-versions/create", { name, source: "s3://b" });
    await mlflow("POST", "registered-models/alias", { name, alias: "champion", version: "1" });
    await mlflow("POST", "registered-models/alias", { name, alias: "shadow", version: "2" });
    await mlflow("DELETE", "model-versions/delete", { name, version: "1" });
    const rm = (await mlflow("GET", "registered-models/get", { name })).body.registered_model;
    expect(rm.aliases).toEqual([{ alias: "shadow", version: "2" }]);
    expect((await mlflow("GET", "registered-models/alias", { name, alias: "champion" })).status).toBe(400);
    const tagged = await mlflow("GET", "model-versions/search", {
      filter: `name = '${name}' and tags.k = 'v'`,
    });
    expect(tagged.body).toEqual({});
  });

  it("oversized and invalid bodies are refused before anything is written", async () => {
    const name = uniqueName("big");
    const huge = await mlflow("POST", "registered-models/create", {
      name,
      description: "x".repeat(5 * 1024 * 1024),
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const badTags = await mlflow("POST", "registered-models/create", {
      name,
      tags: Array.from({ length: 101 }, (_, i) => ({ key: `k${i}`, value: "v" })),
    });
    expect(badTags.status).toBe(400);
    const badName = await mlflow("POST", "registered-models/create", { name: "../etc/passwd" });
    expect(badName.status).toBe(400);
    expect((await mlflow("GET", "registered-models/get", { name })).status).toBe(404);
  });
});
