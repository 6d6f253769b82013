/**
 * Replays the calls recorded from the real MLflow 2.12.2 client (../shared/mlflow-rest-trace.md)
 * and checks each answer field by field: names, string versions, ms timestamps, omitted empties,
 * and the error JSON with its status.
 */
import { describe, expect, it } from "vitest";
import { uniqueName } from "../support/api";
import { recordedCalls, recordedSamples, shape } from "./recorded-trace";
import { callLog, mlflow } from "./support";

const MV_KEYS = [
  "name",
  "version",
  "creation_timestamp",
  "last_updated_timestamp",
  "current_stage",
  "description",
  "source",
  "run_id",
  "status",
  "tags",
  "run_link",
];
const SOURCE = "mlflow-artifacts:/2/7fb32e6471f044aa88bf2ab66da344fd/artifacts/model";
const RUN = "7fb32e6471f044aa88bf2ab66da344fd";

describe("MLflow registry API replays the recorded client session", () => {
  const name = uniqueName("fraud-detector");
  const other = uniqueName("other-model");
  const t0 = Date.now();

  it("registered-models/create answers the model with ms timestamps and tag lists", async () => {
    const res = await mlflow("POST", "registered-models/create", {
      name,
      tags: [
        { key: "team", value: "risk" },
        { key: "tier", value: "gold" },
      ],
      description: "Fraud detector (smoke test)",
    });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    const rm = res.body.registered_model;
    expect(Object.keys(rm)).toEqual([
      "name",
      "creation_timestamp",
      "last_updated_timestamp",
      "description",
      "tags",
    ]);
    expect(rm.name).toBe(name);
    expect(rm.creation_timestamp).toBeGreaterThanOrEqual(t0);
    expect(Number.isInteger(rm.creation_timestamp)).toBe(true);
    expect(rm.last_updated_timestamp).toBe(rm.creation_timestamp);
    expect(rm.tags).toEqual([
      { key: "team", value: "risk" },
      { key: "tier", value: "gold" },
    ]);
  });

  it("a second create is 400 RESOURCE_ALREADY_EXISTS (register_model goes on from there)", async () => {
    const res = await mlflow("POST", "registered-models/create", { name });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(["error_code", "message"]);
    expect(res.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    expect(res.body.message).toMatch(new RegExp(`^Registered Model \\(name=${name}\\) already exists`));
  });

  it("an unknown model is 404 RESOURCE_DOES_NOT_EXIST with MLflow's message", async () => {
    const res = await mlflow("GET", "registered-models/get", { name: "nope-20261126040708-9413" });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: "Registered Model with name=nope-20261126040708-9413 not found",
    });
  });

  it("update (PATCH with JSON body), set-tag, delete-tag (DELETE with JSON body), get", async () => {
    const upd = await mlflow("PATCH", "registered-models/update", {
      name,
      description: "Fraud detector v2 description",
    });
    expect(upd.status).toBe(200);
    expect(upd.body.registered_model.description).toBe("Fraud detector v2 description");
    expect(
      (await mlflow("POST", "registered-models/set-tag", { name, key: "owner", value: "alice" })).body,
    ).toEqual({});
    const del = await mlflow("DELETE", "registered-models/delete-tag", { name, key: "tier" });
    expect(del).toMatchObject({ status: 200, body: {} });
    const got = await mlflow("GET", "registered-models/get", { name });
    // Insertion order, as MLflow lists them.
    expect(got.body.registered_model.tags).toEqual([
      { key: "team", value: "risk" },
      { key: "owner", value: "alice" },
    ]);
    expect(got.body.registered_model.last_updated_timestamp).toBeGreaterThanOrEqual(
      got.body.registered_model.creation_timestamp,
    );
  });

  it("model-versions/create maps source and run_id; version is the string '1'", async () => {
    const res = await mlflow("POST", "model-versions/create", {
      name,
      source: SOURCE,
      run_id: RUN,
      tags: [{ key: "stage_hint", value: "candidate" }],
    });
    expect(res.status).toBe(200);
    const mv = res.body.model_version;
    expect(Object.keys(mv)).toEqual(MV_KEYS);
    expect(mv).toMatchObject({
      name,
      version: "1",
      current_stage: "None",
      description: "",
      source: SOURCE,
      run_id: RUN,
      status: "READY",
      tags: [{ key: "stage_hint", value: "candidate" }],
      run_link: "",
    });
    expect(mv.last_updated_timestamp).toBe(mv.creation_timestamp);
    const second = await mlflow("POST", "model-versions/create", {
      name,
      source: SOURCE,
      run_id: RUN,
      description: "second version",
      tags: [{ key: "k", value: "v" }],
    });
    expect(second.body.model_version.version).toBe("2");
  });

  it("model-versions/get answers a version; version 999 is 404 with MLflow's message", async () => {
    const got = await mlflow("GET", "model-versions/get", { name, version: "2" });
    expect(got.status).toBe(200);
    expect(got.body.model_version).toMatchObject({ version: "2", description: "second version" });
    const missing = await mlflow("GET", "model-versions/get", { name, version: "999" });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: `Model Version (name=${name}, version=999) not found`,
    });
  });

  it("model-versions/update sets the description and bumps last_updated_timestamp", async () => {
    const before = (await mlflow("GET", "model-versions/get", { name, version: "1" })).body.model_version;
    const res = await mlflow("PATCH", "model-versions/update", {
      name,
      version: "1",
      description: "first version",
    });
    expect(res.status).toBe(200);
    expect(res.body.model_version.description).toBe("first version");
    expect(res.body.model_version.last_updated_timestamp).toBeGreaterThanOrEqual(
      before.last_updated_timestamp,
    );
  });

  it("aliases: set two, resolve one with its aliases list, delete one, then the missing alias is 400", async () => {
    expect(
      (await mlflow("POST", "registered-models/alias", { name, alias: "champion", version: "1" })).body,
    ).toEqual({});
    expect(
      (await mlflow("POST", "registered-models/alias", { name, alias: "challenger", version: "2" })).status,
    ).toBe(200);
    const rm = (await mlflow("GET", "registered-models/get", { name })).body.registered_model;
    expect(rm.aliases).toEqual([
      { alias: "challenger", version: "2" },
      { alias: "champion", version: "1" },
    ]);
    const resolved = await mlflow("GET", "registered-models/alias", { name, alias: "champion" });
    expect(resolved.status).toBe(200);
    expect(Object.keys(resolved.body.model_version)).toEqual([...MV_KEYS, "aliases"]);
    expect(resolved.body.model_version).toMatchObject({ version: "1", aliases: ["champion"] });
    expect((await mlflow("DELETE", "registered-models/alias", { name, alias: "challenger" })).body).toEqual(
      {},
    );
    const gone = await mlflow("GET", "registered-models/alias", { name, alias: "challenger" });
    expect(gone.status).toBe(400);
    expect(gone.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message: "Registered model alias challenger not found.",
    });
  });

  it("set-alias to a version that does not exist is 404 RESOURCE_DOES_NOT_EXIST", async () => {
    const res = await mlflow("POST", "registered-models/alias", { name, alias: "champion", version: "9999" });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: `Model Version (name=${name}, version=9999) not found`,
    });
  });

  it("version tags: set, set, delete (DELETE with JSON body), then get lists what is left", async () => {
    await mlflow("POST", "model-versions/set-tag", { name, version: "1", key: "validated", value: "true" });
    await mlflow("POST", "model-versions/set-tag", { name, version: "1", key: "tmp", value: "x" });
    expect(
      (await mlflow("DELETE", "model-versions/delete-tag", { name, version: "1", key: "tmp" })).body,
    ).toEqual({});
    const mv = (await mlflow("GET", "model-versions/get", { name, version: "1" })).body.model_version;
    expect(mv.tags).toEqual([
      { key: "stage_hint", value: "candidate" },
      { key: "validated", value: "true" },
    ]);
  });

  it("registered-models/search with LIKE and with = plus order_by; latest_versions without aliases", async () => {
    await mlflow("POST", "registered-models/create", { name: other });
    const like = await mlflow("GET", "registered-models/search", {
      filter: "name LIKE 'fraud%'",
      max_results: "100",
    });
    expect(like.status).toBe(200);
    const names = like.body.registered_models.map((m: { name: string }) => m.name);
    expect(names).toContain(name);
    expect(names).not.toContain(other);
    expect(like.body.next_page_token).toBeUndefined();
    const exact = await mlflow("GET", "registered-models/search", {
      filter: `name = '${name}'`,
      max_results: "10",
      order_by: "name ASC",
    });
    expect(exact.body.registered_models).toHaveLength(1);
    const rm = exact.body.registered_models[0];
    expect(Object.keys(rm)).toEqual([
      "name",
      "creation_timestamp",
      "last_updated_timestamp",
      "description",
      "latest_versions",
      "tags",
      "aliases",
    ]);
    expect(rm.latest_versions.map((v: { version: string }) => v.version)).toEqual(["2"]);
    expect(rm.latest_versions[0].aliases).toBeUndefined();
    // LIKE is case-sensitive in MLflow; ILIKE is not.
    expect((await mlflow("GET", "registered-models/search", { filter: "name LIKE 'FRAUD%'" })).body).toEqual(
      {},
    );
    const ilike = await mlflow("GET", "registered-models/search", { filter: "name ILIKE 'FRAUD%'" });
    expect(ilike.body.registered_models.length).toBeGreaterThan(0);
    const byTag = await mlflow("GET", "registered-models/search", { filter: "tags.owner = 'alice'" });
    expect(byTag.body.registered_models.map((m: { name: string }) => m.name)).toEqual([name]);
  });

  it("an empty search answers {} (proto3 JSON omits empty lists)", async () => {
    const res = await mlflow("GET", "registered-models/search", {
      filter: "name = 'no-such-model-anywhere'",
    });
    expect(res).toMatchObject({ status: 200, body: {} });
    const versions = await mlflow("GET", "model-versions/search", {
      filter: "name = 'no-such-model-anywhere'",
    });
    expect(versions).toMatchObject({ status: 200, body: {} });
  });

  it("model-versions/search with name= and with a tag clause (lower-case and)", async () => {
    const all = await mlflow("GET", "model-versions/search", {
      filter: `name='${name}'`,
      max_results: "10000",
    });
    expect(all.status).toBe(200);
    // MLflow's default order: name ASC, version DESC; search lists carry no aliases.
    expect(all.body.model_versions.map((v: { version: string }) => v.version)).toEqual(["2", "1"]);
    expect(all.body.model_versions.every((v: object) => !("aliases" in v))).toBe(true);
    const tagged = await mlflow("GET", "model-versions/search", {
      filter: `name='${name}' and tag.validated='true'`,
      max_results: "10000",
    });
    expect(tagged.body.model_versions.map((v: { version: string }) => v.version)).toEqual(["1"]);
  });

  it("transition-stage to Staging answers the version with its aliases; get-latest-versions lists it", async () => {
    const res = await mlflow("POST", "model-versions/transition-stage", {
      name,
      version: "1",
      stage: "Staging",
      archive_existing_versions: false,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.model_version)).toEqual([...MV_KEYS, "aliases"]);
    expect(res.body.model_version).toMatchObject({
      version: "1",
      current_stage: "Staging",
      aliases: ["champion"],
    });
    expect(res.body.model_version.last_updated_timestamp).toBeGreaterThan(
      res.body.model_version.creation_timestamp,
    );
    const latest = await mlflow("POST", "registered-models/get-latest-versions", {
      name,
      stages: ["Staging"],
    });
    expect(latest.status).toBe(200);
    expect(latest.body.model_versions).toHaveLength(1);
    expect(Object.keys(latest.body.model_versions[0])).toEqual(MV_KEYS);
    expect(latest.body.model_versions[0]).toMatchObject({ version: "1", current_stage: "Staging" });
  });

  it("pages with MLflow's offset tokens", async () => {
    const first = await mlflow("GET", "model-versions/search", {
      filter: `name='${name}'`,
      max_results: "1",
    });
    expect(first.body.model_versions).toHaveLength(1);
    expect(first.body.next_page_token).toBe("eyJvZmZzZXQiOiAxfQ==");
    const second = await mlflow("GET", "model-versions/search", {
      filter: `name='${name}'`,
      max_results: "1",
      page_token: first.body.next_page_token,
    });
    expect(second.body.model_versions[0].version).toBe("1");
    expect(second.body.next_page_token).toBeUndefined();
  });

  it("get-download-uri answers the source for versions whose files live elsewhere", async () => {
    const res = await mlflow("GET", "model-versions/get-download-uri", { name, version: "1" });
    expect(res).toMatchObject({ status: 200, body: { artifact_uri: SOURCE } });
  });

  it("rename, get the new name, delete it, then it is 404", async () => {
    const renamed = `${other}-renamed`;
    const res = await mlflow("POST", "registered-models/rename", { name: other, new_name: renamed });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.registered_model)).toEqual([
      "name",
      "creation_timestamp",
      "last_updated_timestamp",
    ]);
    expect(res.body.registered_model.name).toBe(renamed);
    expect((await mlflow("GET", "registered-models/get", { name: other })).status).toBe(404);
    expect((await mlflow("GET", "registered-models/get", { name: renamed })).status).toBe(200);
    expect((await mlflow("DELETE", "registered-models/delete", { name: renamed })).body).toEqual({});
    const gone = await mlflow("GET", "registered-models/get", { name: renamed });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`Registered Model with name=${renamed} not found`);
  });

  it("a deleted version is 404 afterwards and its number is never handed out again", async () => {
    expect((await mlflow("DELETE", "model-versions/delete", { name, version: "2" })).body).toEqual({});
    const gone = await mlflow("GET", "model-versions/get", { name, version: "2" });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`Model Version (name=${name}, version=2) not found`);
    const next = await mlflow("POST", "model-versions/create", { name, source: SOURCE });
    expect(next.body.model_version.version).toBe("3");
  });
});

describe("MLflow API: bad input gets MLflow's errors, never a 500", () => {
  it("missing required parameter", async () => {
    const res = await mlflow("POST", "registered-models/create", {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message:
        "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    });
  });

  it("deleting a tag or alias that is not set succeeds as in MLflow; on a missing model it is 404; alias names are checked", async () => {
    const name = uniqueName("tags");
    await mlflow("POST", "registered-models/create", { name });
    await mlflow("POST", "model-versions/create", { name, source: "s3://x" });
    expect(await mlflow("DELETE", "registered-models/delete-tag", { name, key: "never-set" })).toMatchObject({
      status: 200,
      body: {},
    });
    expect(
      await mlflow("DELETE", "model-versions/delete-tag", { name, version: "1", key: "never-set" }),
    ).toMatchObject({ status: 200, body: {} });
    expect(await mlflow("DELETE", "registered-models/alias", { name, alias: "never_set" })).toMatchObject({
      status: 200,
      body: {},
    });
    const badAlias = await mlflow("POST", "registered-models/alias", { name, alias: "a/b", version: "1" });
    expect(badAlias.status).toBe(400);
    expect(badAlias.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const reserved = await mlflow("POST", "registered-models/alias", { name, alias: "latest", version: "1" });
    expect(reserved.status).toBe(400);
    const missing = await mlflow("DELETE", "registered-models/delete-tag", {
      name: "no-such-model-x",
      key: "k",
    });
    expect(missing.status).toBe(404);
    const noVersion = await mlflow("DELETE", "model-versions/delete-tag", { name, version: "7", key: "k" });
    expect(noVersion.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: `Model Version (name=${name}, version=7) not found`,
    });
  });

  it("create a version of a model that does not exist", async () => {
    const res = await mlflow("POST", "model-versions/create", { name: "does-not-exist", source: "s3://x/y" });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: "Registered Model with name=does-not-exist not found",
    });
  });

  it("unknown filter key, unparsable filter, bad order_by, bad page token, bad max_results", async () => {
    const bogus = await mlflow("GET", "model-versions/search", { filter: "bogus=1" });
    expect(bogus.status).toBe(400);
    expect(bogus.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message:
        "Invalid attribute key 'bogus' specified. Valid keys are '{'version_number', 'run_id', 'name', 'source_path'}'",
    });
    for (const query of [
      { filter: "name = 'x' OR name = 'y'" },
      { filter: "name = " },
      { filter: "name = 'x'; drop table models" },
      { order_by: "bogus DESC" },
      { page_token: "not-a-token" },
      { max_results: "0" },
      { max_results: "5000" },
    ]) {
      const res = await mlflow("GET", "registered-models/search", query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    }
  });

  it("malformed JSON, a non-numeric version, an unknown endpoint", async () => {
    const { api } = await import("../support/api");
    const broken = await api("POST", "/api/2.0/mlflow/registered-models/create", { body: "{nope" });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error_code: string }).error_code).toBe("MALFORMED_REQUEST");
    const v = await mlflow("GET", "model-versions/get", { name: "x", version: "abc" });
    expect(v.status).toBe(400);
    expect(v.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const unknown = await mlflow("POST", "runs/create", { experiment_id: "2" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe("ENDPOINT_NOT_FOUND");
  });
});

describe("the answers have the shapes the recorded MLflow server gave", () => {
  // Runs after the replay above (same file, in order), comparing against everything it received.
  it("every registry call of the recording was replayed, with the recorded status", () => {
    const replayed = new Set(callLog.map((c) => `${c.method} ${c.endpoint} ${c.status}`));
    const recorded = recordedCalls();
    expect(recorded.length).toBeGreaterThan(30);
    for (const call of recorded) {
      expect(replayed, `${call.method} ${call.endpoint} -> ${call.status}`).toContain(
        `${call.method} ${call.endpoint} ${call.status}`,
      );
    }
  });

  it("for every recorded sample answer, one of ours has exactly its shape (fields, order, JSON types)", () => {
    const samples = recordedSamples();
    expect(samples.length).toBeGreaterThanOrEqual(25);
    for (const sample of samples) {
      const ours = callLog
        .filter(
          (c) => c.method === sample.method && c.endpoint === sample.endpoint && c.status === sample.status,
        )
        .map((c) => JSON.stringify(shape(c.body)));
      expect(ours, `${sample.method} ${sample.endpoint} -> ${sample.status}`).toContain(
        JSON.stringify(shape(sample.response)),
      );
    }
  });
});
