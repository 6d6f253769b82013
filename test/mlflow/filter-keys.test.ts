/**
 * Every filter key MLflow 2.12.2 accepts on its two searches (mlflow/utils/search_utils.py:
 * SearchModelVersionUtils.VALID_SEARCH_ATTRIBUTE_KEYS = name, version_number, run_id, source_path;
 * SearchModelUtils = name; both plus tags.<key> / tag.<key> and the `attribute.` spelling), with the
 * comparators its SQL store allows for each, answered with the versions MLflow would return.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../support/api";
import { mlflow } from "./support";

const prefix = uniqueName("fk");
const A = `${prefix}-alpha`;
const B = `${prefix}-beta`;

beforeAll(async () => {
  for (const [name, team] of [
    [A, "risk"],
    [B, "ops"],
  ] as const) {
    const created = await mlflow("POST", "registered-models/create", {
      name,
      tags: [{ key: "team", value: team }],
    });
    expect(created.status).toBe(200);
    for (let v = 1; v <= 3; v++) {
      const res = await mlflow("POST", "model-versions/create", {
        name,
        source: `s3://bucket/${name}/v${v}`,
        run_id: `run-${name.endsWith("alpha") ? "a" : "b"}${v}`,
        tags: [{ key: "parity", value: v % 2 ? "odd" : "even" }],
      });
      expect(res.status).toBe(200);
    }
  }
});

/** `name/version` of every version the filter finds among this file's two models. */
async function versions(filter: string): Promise<string[]> {
  const res = await mlflow("GET", "model-versions/search", {
    filter: `name LIKE '${prefix}%' AND ${filter}`,
    max_results: "1000",
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ((res.body.model_versions ?? []) as { name: string; version: string }[])
    .map((v) => `${v.name.slice(prefix.length + 1)}/${v.version}`)
    .sort();
}

async function models(filter: string): Promise<string[]> {
  const res = await mlflow("GET", "registered-models/search", {
    filter: `name LIKE '${prefix}%' AND ${filter}`,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ((res.body.registered_models ?? []) as { name: string }[])
    .map((m) => m.name.slice(prefix.length + 1))
    .sort();
}

describe("model-versions/search: every key MLflow accepts", () => {
  it.each([
    [`name = '${A}'`, ["alpha/1", "alpha/2", "alpha/3"]],
    [`name != '${A}'`, ["beta/1", "beta/2", "beta/3"]],
    [`name LIKE '%-beta'`, ["beta/1", "beta/2", "beta/3"]],
    [`name ILIKE '%-BETA'`, ["beta/1", "beta/2", "beta/3"]],
    [`attribute.name = '${B}'`, ["beta/1", "beta/2", "beta/3"]],
    ["version_number = 2", ["alpha/2", "beta/2"]],
    ["version_number != 2", ["alpha/1", "alpha/3", "beta/1", "beta/3"]],
    ["version_number > 2", ["alpha/3", "beta/3"]],
    ["version_number >= 2", ["alpha/2", "alpha/3", "beta/2", "beta/3"]],
    ["version_number < 2", ["alpha/1", "beta/1"]],
    ["version_number <= 2", ["alpha/1", "alpha/2", "beta/1", "beta/2"]],
    ["run_id = 'run-a2'", ["alpha/2"]],
    ["run_id != 'run-a2'", ["alpha/1", "alpha/3", "beta/1", "beta/2", "beta/3"]],
    ["run_id LIKE 'run-b%'", ["beta/1", "beta/2", "beta/3"]],
    ["run_id ILIKE 'RUN-B%'", ["beta/1", "beta/2", "beta/3"]],
    ["run_id IN ('run-a1', 'run-b3')", ["alpha/1", "beta/3"]],
    [`source_path = 's3://bucket/${A}/v3'`, ["alpha/3"]],
    [`source_path != 's3://bucket/${A}/v3'`, ["alpha/1", "alpha/2", "beta/1", "beta/2", "beta/3"]],
    [`source_path LIKE 's3://bucket/${B}/%'`, ["beta/1", "beta/2", "beta/3"]],
    [`source_path ILIKE 'S3://BUCKET/%/V1'`, ["alpha/1", "beta/1"]],
    [`attribute.source_path = 's3://bucket/${B}/v2'`, ["beta/2"]],
    ["tags.parity = 'even'", ["alpha/2", "beta/2"]],
    ["tag.parity != 'even'", ["alpha/1", "alpha/3", "beta/1", "beta/3"]],
    ["tags.parity LIKE 'od%'", ["alpha/1", "alpha/3", "beta/1", "beta/3"]],
    ["tags.`parity` ILIKE 'EVEN'", ["alpha/2", "beta/2"]],
  ])("%s", async (filter, expected) => {
    expect(await versions(filter)).toEqual(expected);
  });

  it("an unknown key is MLflow's INVALID_PARAMETER_VALUE naming the valid keys, source_path among them", async () => {
    const res = await mlflow("GET", "model-versions/search", { filter: "source_paths = 'x'" });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    expect(res.body.message).toContain("'source_path'");
  });
});

describe("registered-models/search: every key MLflow accepts", () => {
  it.each([
    [`name = '${A}'`, ["alpha"]],
    [`name != '${A}'`, ["beta"]],
    [`name LIKE '%-al%'`, ["alpha"]],
    [`name ILIKE '%-BETA'`, ["beta"]],
    [`attribute.name = '${B}'`, ["beta"]],
    ["tags.team = 'risk'", ["alpha"]],
    ["tag.team != 'risk'", ["beta"]],
    ["tags.team LIKE 'o%'", ["beta"]],
    ["tags.`team` ILIKE 'RISK'", ["alpha"]],
  ])("%s", async (filter, expected) => {
    expect(await models(filter)).toEqual(expected);
  });
});
