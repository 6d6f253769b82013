/**
 * The guards' side of progressive rollouts (issue 18): judging a rollout's canary on fresh state,
 * the rollback a breached guard makes, and the cron's step that advances only held steps.
 */
import type { Db } from "../db/client";
import type { ModelRow } from "../db/repos/models-repo";
import { canaryCandidates, type RolloutRow, toRolloutView } from "../db/repos/rollouts-repo";
import { DEFAULT_STALE_AFTER_SECONDS } from "../domain/drift";
import { nodeBucket, onCanary } from "../domain/rollouts/bucket";
import { type GuardVerdict, guardLabel, judgeGuards } from "../domain/rollouts/guards";
import { stepDue } from "../domain/rollouts/rollout";
import type { RolloutView } from "../schemas/rollouts";
import { type Change, type ChangeContext, fail, type LedgerResult, nothingToWrite } from "./ledger-types";
import { advance, type Decision, notActive, rollBack } from "./rollout-ops";

/** Who rolls a rollout back when a guard breaks: the registry itself, not the reporting node. */
export const GUARD_ACTOR = { id: "rollout-guard", name: "rollout-guard" } as const;

/**
 * The guards judged now over the canary's latest reports: nodes following the alias, running the
 * canary version, whose bucket is on the canary, reported since the rollout began and not stale.
 */
export async function judgeRollout(
  db: Db,
  model: ModelRow,
  row: RolloutRow,
  now: number,
): Promise<GuardVerdict> {
  const since = Math.max(row.createdAt, now - DEFAULT_STALE_AFTER_SECONDS * 1000);
  const candidates = await canaryCandidates(db, row, since);
  const onIt = await Promise.all(
    candidates.map(async (r) => onCanary(await nodeBucket(model.name, row.alias, r.nodeId), row.weight)),
  );
  return judgeGuards(
    row.guards,
    candidates.filter((_, i) => onIt[i]),
  );
}

/** Nothing to write: answers the rollout as it stands. */
function unchanged(model: ModelRow, row: RolloutRow): LedgerResult<Change<RolloutView>> {
  return {
    ok: true,
    value: nothingToWrite(model.id, model.name, async () => toRolloutView(row, model.name)),
  };
}

/**
 * After a canary node's report: rolls back if a guard is breached on fresh state, else nothing.
 * `actor` is the registry's own guard, not the reporting node: no person decided this.
 */
export async function decideGuardCheck(db: Db, model: ModelRow, row: RolloutRow, now: number): Decision {
  if (row.status !== "active") return unchanged(model, row);
  const verdict = await judgeRollout(db, model, row, now);
  if (verdict.verdict !== "breach") return unchanged(model, row);
  return { ok: true, value: rollBack(db, model, row, verdict.breach, GUARD_ACTOR.name, now) };
}

/**
 * The cron's step: when the current step has lasted its interval and every guard held (each
 * decided by enough reports, none breached), advance; a breach found here rolls back; otherwise
 * wait (ROLLOUT_NOT_DUE, ROLLOUT_GUARDS_UNDECIDED).
 */
export async function decideScheduledStep(
  db: Db,
  model: ModelRow,
  row: RolloutRow,
  ctx: ChangeContext,
  now: number,
): Decision {
  if (row.status !== "active") return notActive(row);
  if (!stepDue(row.stepStartedAt, row.stepIntervalS, now)) {
    return fail("ROLLOUT_NOT_DUE", `rollout ${row.id}'s step has not lasted ${row.stepIntervalS}s yet`);
  }
  const verdict = await judgeRollout(db, model, row, now);
  if (verdict.verdict === "breach") {
    return { ok: true, value: rollBack(db, model, row, verdict.breach, GUARD_ACTOR.name, now) };
  }
  if (verdict.verdict === "undecided") {
    const waiting = verdict.waiting.map(
      (w) => `${guardLabel(w.guard)} (${w.reports}/${w.guard.min_reports})`,
    );
    return fail("ROLLOUT_GUARDS_UNDECIDED", `too few canary reports for ${waiting.join(", ")}`);
  }
  return { ok: true, value: advance(db, model, row, ctx, now, "guards held") };
}
