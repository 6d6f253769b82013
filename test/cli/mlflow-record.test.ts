/** MLflow model version + run → our import record: what maps where, and what is left out and said. */
import { describe, expect, it } from "vitest";
import { globToRegExp } from "../../src/cli/mlflow/import";
import { aliasMap, stageOf, versionRecord } from "../../src/cli/mlflow/record";

const VERSION = {
  name: "fraud",
  version: "3",
  description: "v3",
  tags: [{ key: "fold", value: "2" }],
  current_stage: "production",
  status: "READY",
  source: "mlflow-artifacts:/1/abc/artifacts/model",
  run_id: "abc",
  run_link: "",
  user_id: "asha",
  creation_timestamp: 1_700_000_000_000,
  last_updated_timestamp: 1_700_000_500_000,
};

const RUN = {
  info: { run_id: "abc", experiment_id: "1", user_id: "trainer" },
  data: {
    metrics: [
      { key: "auc", value: 0.97 },
      { key: "broken", value: Number.NaN },
    ],
    params: [
      { key: "C", value: "1.0" },
      { key: "huge", value: "x".repeat(6001) },
    ],
  },
  inputs: {
    dataset_inputs: [
      {
        tags: [{ key: "mlflow.data.context", value: "training" }],
        dataset: {
          name: "txn",
          digest: "5f1e2d3c",
          source_type: "s3",
          source: '{"uri": "s3://data/txn.parquet"}',
        },
      },
      { dataset: { name: "holdout", source: "not json" } },
    ],
  },
};

describe("versionRecord", () => {
  it("maps the version and its run into the import body", () => {
    const { body, dropped } = versionRecord("http://mlflow:5000", VERSION, RUN);
    expect(body).toMatchObject({
      description: "v3",
      tags: { fold: "2" },
      params: { C: "1.0" },
      metrics: { auc: 0.97 },
      datasets: [
        { uri: "s3://data/txn.parquet", version: "5f1e2d3c", role: "training" },
        { uri: "not json" },
      ],
      source: {
        uri: "mlflow-artifacts:/1/abc/artifacts/model",
        run_id: "abc",
        experiment_id: "1",
        trained_by: "trainer",
      },
      imported: {
        from: "http://mlflow:5000",
        stage: "Production",
        status: "READY",
        created_by: "asha",
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_500_000,
      },
    });
    expect(body.source).not.toHaveProperty("run_link");
    expect(dropped).toEqual([
      "metric broken = NaN (not a finite number)",
      "param huge (longer than 6000 characters)",
    ]);
  });

  it("imports a version without a run or timestamps, and an unknown status as READY (said so)", () => {
    const { body, dropped } = versionRecord("u", { name: "m", version: "1", status: "WEIRD" }, null);
    expect(body.imported).toMatchObject({ stage: "None", status: "READY", created_at: 0, updated_at: 0 });
    expect(body.metrics).toEqual({});
    expect(dropped).toEqual(["status WEIRD (imported as READY)"]);
  });
});

describe("helpers", () => {
  it("reads stages case-insensitively and aliases as numbers", () => {
    expect(stageOf({ name: "m", version: "1", current_stage: "ARCHIVED" })).toBe("Archived");
    expect(aliasMap({ name: "m", aliases: [{ alias: "champion", version: "3" }] })).toEqual({ champion: 3 });
  });

  it("matches model globs with * and ? only, everything else literally", () => {
    const re = globToRegExp("fraud-*.v?");
    expect(re.test("fraud-eu.v2")).toBe(true);
    expect(re.test("fraud-eu-v2")).toBe(false);
    expect(globToRegExp("a.b").test("axb")).toBe(false);
  });
});
