import { describe, expect, it } from "vitest";
import { BUCKETS, nodeBucket, onCanary } from "../../src/domain/rollouts/bucket";
import { judgeGuards } from "../../src/domain/rollouts/guards";
import { nextStep, planSteps, stepDue } from "../../src/domain/rollouts/rollout";

const nodes = Array.from({ length: 1000 }, (_, i) => `fra-gpu-${String(i).padStart(4, "0")}`);
const bucketsOf = (model: string, alias: string) =>
  Promise.all(nodes.map((n) => nodeBucket(model, alias, n)));

describe("canary bucketing", () => {
  it("puts within ±3 points of the weight on the canary over 1,000 node ids, at 10, 50 and 100", async () => {
    for (const [model, alias] of [
      ["fraud-detector", "champion"],
      ["ranker", "prod"],
    ] as const) {
      const buckets = await bucketsOf(model, alias);
      expect(buckets.every((b) => Number.isInteger(b) && b >= 0 && b < BUCKETS)).toBe(true);
      for (const weight of [10, 50, 100]) {
        const share = (buckets.filter((b) => onCanary(b, weight)).length / nodes.length) * 100;
        expect(Math.abs(share - weight)).toBeLessThanOrEqual(3);
      }
      expect(buckets.filter((b) => onCanary(b, 0)).length).toBe(0);
    }
  });

  it("raising the weight never moves a node from canary back to stable", async () => {
    const buckets = await bucketsOf("fraud-detector", "champion");
    for (let w = 1; w < 100; w++) {
      const moved = buckets.filter((b) => onCanary(b, w) && !onCanary(b, w + 1));
      expect(moved).toEqual([]);
    }
  });

  it("is a pure function of (model, alias, node): the same node always gets the same bucket", async () => {
    const a = await nodeBucket("m", "champion", "node-1");
    expect(await nodeBucket("m", "champion", "node-1")).toBe(a);
    // Other alias or model: another, independent assignment (these differ for this input).
    const others = await Promise.all([
      nodeBucket("m", "challenger", "node-1"),
      nodeBucket("m2", "champion", "node-1"),
    ]);
    expect(others).not.toEqual([a, a]);
  });
});

describe("guards", () => {
  const guard = { metric: "error_rate", op: "<=" as const, value: 0.01, min_reports: 3 };
  const report = (nodeId: string, error_rate: number) => ({ nodeId, metrics: { error_rate } });

  it("decide nothing with fewer than min_reports distinct nodes", () => {
    expect(judgeGuards([guard], [report("a", 0.9), report("b", 0.9)])).toEqual({
      verdict: "undecided",
      waiting: [{ guard, reports: 2 }],
    });
    // Reports without the metric do not count.
    expect(
      judgeGuards([guard], [report("a", 0.9), report("b", 0.9), { nodeId: "c", metrics: {} }]).verdict,
    ).toBe("undecided");
  });

  it("breach on the mean over the canary nodes, naming the guard, value and nodes", () => {
    const verdict = judgeGuards([guard], [report("c", 0.2), report("a", 0.2), report("b", 0.2)]);
    expect(verdict).toEqual({
      verdict: "breach",
      breach: { guard, value: 0.2, nodes: ["a", "b", "c"], values: { a: 0.2, b: 0.2, c: 0.2 } },
    });
  });

  it("hold when every guard is decided and met", () => {
    const latency = { metric: "latency_p99_ms", op: "<" as const, value: 100, min_reports: 1 };
    const reports = [1, 2, 3].map((i) => ({
      nodeId: `n${i}`,
      metrics: { error_rate: 0.001, latency_p99_ms: 40 },
    }));
    expect(judgeGuards([guard, latency], reports)).toEqual({ verdict: "hold" });
    expect(judgeGuards([], [])).toEqual({ verdict: "hold" });
  });
});

describe("steps", () => {
  it("plans weights and the next step; past the last one the rollout completes", () => {
    expect(planSteps({ weight: 10, steps: [10, 50, 100] })).toEqual({
      ok: true,
      weight: 10,
      steps: [10, 50, 100],
    });
    expect(planSteps({})).toEqual({ ok: true, weight: 10, steps: [10, 50, 100] });
    expect(planSteps({ weight: 5 })).toEqual({ ok: true, weight: 5, steps: [5, 100] });
    expect(planSteps({ steps: [50, 10] }).ok).toBe(false);
    expect(planSteps({ steps: [10, 10] }).ok).toBe(false);
    expect(nextStep(10, [10, 50, 100])).toBe(50);
    expect(nextStep(20, [10, 50, 100])).toBe(50);
    expect(nextStep(50, [10, 50])).toBe("complete");
    expect(nextStep(100, [10, 100])).toBe("complete");
    expect(stepDue(1000, 60, 61_000)).toBe(true);
    expect(stepDue(1000, 60, 60_999)).toBe(false);
  });
});
