/**
 * Retention at scale, the pure parts (issue #19): the per-version plan the ledger re-checks with
 * is the whole-model plan restricted to that version (so the O(1) re-check agrees with the run),
 * and a run's budget takes at most N actions, candidates first, a version's purge after its archive.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { budgetRun, DAY_MS, newestVersions, planModel, planVersion } from "../../src/domain/retention";
import { historyArb, policyArb, START } from "./arbitraries";

const NOW = START + 400 * DAY_MS;

describe("retention at scale: planning one version", () => {
  it("plans each version exactly as the whole-model plan does", () => {
    fc.assert(
      fc.property(historyArb, policyArb, (model, policy) => {
        const whole = planModel(model, policy, NOW);
        const newest = newestVersions(model, policy.keep_last);
        for (const v of model.versions) {
          // What readVersionFacts answers: is this version among the keep_last highest?
          const mine = newest.includes(v.version) ? [v.version] : [];
          expect(planVersion(v, model, policy, mine, NOW)).toEqual(
            whole.filter((a) => a.version === v.version),
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("retention at scale: a run's budget", () => {
  const action = (version: number, kind: "archive" | "purge", candidate: boolean) => ({
    kind,
    model: "m",
    version,
    reason: "r",
    candidate,
  });

  it("takes at most N, candidates first, keeping plan order and archive before purge", () => {
    const planned = [
      action(1, "archive", false),
      action(1, "purge", false),
      action(2, "archive", true),
      action(2, "purge", true),
      action(3, "archive", false),
      action(4, "archive", true),
    ];
    const budget = budgetRun(planned, 3);
    expect(budget.now.map((a) => `${a.kind}:${a.version}`)).toEqual(["archive:2", "purge:2", "archive:4"]);
    expect(budget).toMatchObject({ deferred: 3, runsNeeded: 2 });
    expect(budgetRun(planned, 100)).toMatchObject({ deferred: 0, runsNeeded: 1 });
    expect(budgetRun([], 100)).toMatchObject({ now: [], deferred: 0, runsNeeded: 0 });
  });

  it("never exceeds the cap and drains any backlog in ceil(planned / N) runs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (flags, cap) => {
          let left = flags.map((candidate, i) => action(i, "archive", candidate));
          const expectedRuns = budgetRun(left, cap).runsNeeded;
          let runs = 0;
          while (left.length > 0) {
            const { now } = budgetRun(left, cap);
            expect(now.length).toBeLessThanOrEqual(cap);
            // No non-candidate is taken while a candidate waits.
            const waitingCandidate =
              left.filter((a) => a.candidate).length > now.filter((a) => a.candidate).length;
            if (waitingCandidate) expect(now.every((a) => a.candidate)).toBe(true);
            left = left.filter((a) => !now.includes(a));
            runs++;
          }
          expect(runs).toBe(expectedRuns);
        },
      ),
    );
  });
});
