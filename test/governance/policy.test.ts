import { describe, expect, it } from "vitest";
import { evaluateGates, type GateSubject, isRequirable, type MetricGate } from "../../src/domain/policy";

const subject: GateSubject = {
  metrics: { auc: 0.95, precision: 0.9, latency_ms: 12 },
  slices: { "segment=high_value": { auc: 0.93 } },
  datasets: [{ uri: "s3://data/txn" }],
  signature: { inputs: [{ name: "amount", type: "double" }] },
  modelCard: { intended_use: "fraud", limitations: "" },
};

describe("metric gates", () => {
  const cases: [MetricGate, boolean][] = [
    [{ metric: "auc", op: ">=", value: 0.95 }, true],
    [{ metric: "auc", op: ">", value: 0.95 }, false],
    [{ metric: "auc", op: "==", value: 0.95 }, true],
    [{ metric: "auc", op: "==", value: 0.951 }, false],
    [{ metric: "auc", op: "<", value: 0.96 }, true],
    [{ metric: "latency_ms", op: "<=", value: 12 }, true],
    [{ metric: "latency_ms", op: "<", value: 12 }, false],
    [{ metric: "recall", op: ">=", value: 0 }, false], // missing metric fails
    [{ metric: "auc", op: ">=", value: 0.9, slice: "segment=high_value" }, true],
    [{ metric: "auc", op: ">=", value: 0.94, slice: "segment=high_value" }, false],
    [{ metric: "auc", op: ">=", value: 0, slice: "segment=unknown" }, false], // missing slice fails
    [{ metric: "auc", op: ">=", value: 0.95, slice: null }, true],
  ];
  it.each(cases)("%j passes: %s", (gate, passes) => {
    expect(evaluateGates({ gates: [gate], require: [] }, subject).length === 0).toBe(passes);
  });

  it("reports the actual value and a label with the slice", () => {
    const [failed] = evaluateGates(
      { gates: [{ metric: "auc", op: ">=", value: 0.94, slice: "segment=high_value" }], require: [] },
      subject,
    );
    expect(failed).toMatchObject({ gate: "metric:auc>=0.94@segment=high_value", actual: 0.93 });
    expect(failed?.message).toMatch(/segment=high_value/);
  });
});

describe("required metadata", () => {
  const bare: GateSubject = { metrics: {}, slices: {}, datasets: [], signature: null, modelCard: null };
  const cases: [string, GateSubject, boolean][] = [
    ["signature", subject, true],
    ["signature", bare, false],
    ["signature", { ...bare, signature: {} }, false],
    ["dataset", subject, true],
    ["dataset", bare, false],
    ["model_card", subject, true],
    ["model_card", bare, false],
    ["model_card.intended_use", subject, true],
    ["model_card.limitations", subject, false], // empty string is not a filled field
    ["model_card.ethics", subject, false],
    ["something_else", subject, false], // unknown requirements fail closed
  ];
  it.each(cases)("require %s on case %# passes: %s", (field, s, passes) => {
    expect(evaluateGates({ gates: [], require: [field] }, s).length === 0).toBe(passes);
  });
});

describe("evaluateGates", () => {
  it("returns every failed gate, metrics first, in policy order", () => {
    const failed = evaluateGates(
      {
        gates: [
          { metric: "auc", op: ">", value: 0.99 },
          { metric: "precision", op: ">=", value: 0.5 },
          { metric: "recall", op: ">=", value: 0.5 },
        ],
        require: ["dataset", "model_card.ethics", "signature"],
      },
      { ...subject, signature: null },
    );
    expect(failed.map((f) => f.gate)).toEqual([
      "metric:auc>0.99",
      "metric:recall>=0.5",
      "require:model_card.ethics",
      "require:signature",
    ]);
  });

  it.each([
    ["signature", true],
    ["dataset", true],
    ["model_card", true],
    ["model_card.intended_use", true],
    ["model_card.", false],
    ["params", false],
  ])("isRequirable(%s) = %s", (field, ok) => expect(isRequirable(field)).toBe(ok));
});
