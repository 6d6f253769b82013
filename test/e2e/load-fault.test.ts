import { describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs shared with `npm run load`
import { runLoad } from "../../scripts/load/harness.mjs";

interface Verdict {
  ok: boolean;
  problems: string[];
  figures: { acknowledged_versions: number; versions_in_registry: number; connection_errors: number };
}

describe("load and fault harness against the real server", () => {
  it("a restart mid-load loses nothing that was acknowledged", async () => {
    const verdict: Verdict = await runLoad({
      clients: 6,
      seconds: 8,
      models: 3,
      fault: true,
      showProgress: false,
    });
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.figures.acknowledged_versions).toBeGreaterThan(10);
    expect(verdict.figures.versions_in_registry).toBeGreaterThanOrEqual(
      verdict.figures.acknowledged_versions,
    );
  });
});
