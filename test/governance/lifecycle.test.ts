import { describe, expect, it } from "vitest";
import { decideTransition, STAGE_NAMES, type Stage, type TransitionFacts } from "../../src/domain/lifecycle";

const base: TransitionFacts = {
  from: "None",
  to: "Staging",
  kind: "transition",
  role: "contributor",
  isCreator: true,
  approved: false,
  failedGates: [],
};
const gate = { gate: "metric:auc>=0.95", actual: 0.9, message: "too low" };

describe("stage machine: which edges exist", () => {
  const legal = new Set([
    "None>Staging",
    "Staging>Production",
    "None>Archived",
    "Staging>Archived",
    "Production>Archived",
  ]);
  const pairs = STAGE_NAMES.flatMap((from) => STAGE_NAMES.map((to) => [from, to] as [Stage, Stage]));

  it.each(pairs)("transition %s → %s", (from, to) => {
    const verdict = decideTransition({ ...base, from, to, role: "admin", approved: true });
    expect(verdict.ok).toBe(legal.has(`${from}>${to}`));
    if (!verdict.ok) expect(verdict.code).toBe("ILLEGAL_TRANSITION");
  });

  it.each(pairs)("rollback %s → %s only from Archived to Production", (from, to) => {
    const verdict = decideTransition({ ...base, from, to, kind: "rollback", role: "approver" });
    expect(verdict.ok).toBe(from === "Archived" && to === "Production");
  });

  it.each(pairs)("fast-track %s → %s only into Production from None or Staging", (from, to) => {
    const verdict = decideTransition({
      ...base,
      from,
      to,
      kind: "fast_track",
      role: "admin",
      reason: "outage",
    });
    expect(verdict.ok).toBe(to === "Production" && (from === "None" || from === "Staging"));
  });
});

describe("stage machine: rules on legal edges", () => {
  const cases: [string, Partial<TransitionFacts>, string | true][] = [
    ["contributor enters Staging through the gates", {}, true],
    ["a failed gate refuses Staging", { failedGates: [gate] }, "GATE_FAILED"],
    ["viewer cannot enter Staging", { role: "viewer" }, "PERMISSION_DENIED"],
    ["serving cannot enter Staging", { role: "serving" }, "PERMISSION_DENIED"],
    ["Production without approval", { from: "Staging", to: "Production" }, "APPROVAL_REQUIRED"],
    ["Production with an approved request", { from: "Staging", to: "Production", approved: true }, true],
    [
      "admin still needs approval on a plain transition",
      { from: "Staging", to: "Production", role: "admin" },
      "APPROVAL_REQUIRED",
    ],
    ["contributor archives own candidate", { from: "Staging", to: "Archived" }, true],
    [
      "contributor cannot archive someone else's",
      { from: "Staging", to: "Archived", isCreator: false },
      "PERMISSION_DENIED",
    ],
    [
      "approver archives someone else's",
      { from: "None", to: "Archived", isCreator: false, role: "approver" },
      true,
    ],
    ["contributor cannot archive Production", { from: "Production", to: "Archived" }, "PERMISSION_DENIED"],
    ["approver archives Production", { from: "Production", to: "Archived", role: "approver" }, true],
    ["gates do not apply to archiving", { from: "Staging", to: "Archived", failedGates: [gate] }, true],
    [
      "fast-track needs admin",
      { from: "Staging", to: "Production", kind: "fast_track", role: "approver", reason: "x" },
      "PERMISSION_DENIED",
    ],
    [
      "fast-track needs a reason",
      { from: "Staging", to: "Production", kind: "fast_track", role: "admin", reason: "  " },
      "INVALID_ARGUMENT",
    ],
    [
      "fast-track from None still checks gates",
      { from: "None", to: "Production", kind: "fast_track", role: "admin", reason: "x", failedGates: [gate] },
      "GATE_FAILED",
    ],
    [
      "fast-track from Staging skips approvals",
      { from: "Staging", to: "Production", kind: "fast_track", role: "admin", reason: "x" },
      true,
    ],
    [
      "rollback needs approver",
      { from: "Archived", to: "Production", kind: "rollback" },
      "PERMISSION_DENIED",
    ],
    ["same stage is illegal", { from: "Staging", to: "Staging" }, "ILLEGAL_TRANSITION"],
    [
      "internal callers (no role) pass role checks",
      { from: "Production", to: "Archived", role: undefined },
      true,
    ],
  ];

  it.each(cases)("%s", (_label, facts, expected) => {
    const verdict = decideTransition({ ...base, ...facts });
    if (expected === true) expect(verdict).toMatchObject({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, code: expected });
  });

  it("only a fast-track flags needs_review", () => {
    expect(decideTransition({ ...base, from: "Staging", to: "Production", approved: true })).toEqual({
      ok: true,
      needsReview: false,
    });
    expect(
      decideTransition({
        ...base,
        from: "Staging",
        to: "Production",
        kind: "fast_track",
        role: "admin",
        reason: "r",
      }),
    ).toEqual({ ok: true, needsReview: true });
  });

  it("GATE_FAILED carries every failed gate", () => {
    const second = { ...gate, gate: "require:signature" };
    const verdict = decideTransition({ ...base, failedGates: [gate, second] });
    expect(verdict).toMatchObject({ ok: false, code: "GATE_FAILED", failedGates: [gate, second] });
  });
});
