/**
 * Progressive rollouts: the record's shapes and step planning. Pure: no I/O.
 *
 * A rollout moves an alias from `from_version` to `version` in steps of weight (percent of nodes on
 * the canary). The alias itself keeps naming the stable version until the rollout completes, so
 * every reader that does not know a node (alias GET, MLflow, drift without a node) sees the stable
 * version throughout.
 */
import type { GateOp } from "../policy";

export const ROLLOUT_STATUSES = ["active", "completed", "rolled_back", "aborted"] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

export const ROLLOUT_ACTIONS = ["started", "advanced", "completed", "rolled_back", "aborted"] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** A health condition on the canary: `metric op value`, judged once `min_reports` nodes reported it. */
export interface Guard {
  metric: string;
  op: GateOp;
  value: number;
  min_reports: number;
}

/** Why a rollout was rolled back: which guard, the value judged, and the nodes it was judged over. */
export interface GuardBreach {
  guard: Guard;
  value: number;
  nodes: string[];
  values: Record<string, number>;
}

export interface RolloutHistoryEntry {
  at: number;
  action: RolloutAction;
  weight: number;
  actor: string;
  detail?: string | undefined;
}

/** Default steps when none are given: 10%, half, everyone. */
export const DEFAULT_STEPS = [10, 50, 100];

/**
 * The initial weight and the steps of a new rollout, or a message saying what is wrong with them.
 * Steps are strictly increasing percentages in 1..100; the initial weight is the given one, else the
 * first step. Advancing moves to the first step above the current weight (see `nextStep`).
 */
export function planSteps(input: {
  weight?: number | undefined;
  steps?: number[] | undefined;
}): { ok: true; weight: number; steps: number[] } | { ok: false; path: string; message: string } {
  const steps = input.steps ?? (input.weight === undefined ? DEFAULT_STEPS : [input.weight, 100]);
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i] ?? 0) <= (steps[i - 1] ?? 0)) {
      return { ok: false, path: "steps", message: "steps must be strictly increasing" };
    }
  }
  const weight = input.weight ?? steps[0];
  if (weight === undefined) return { ok: false, path: "steps", message: "give weight or steps" };
  return { ok: true, weight, steps: [...new Set(steps)] };
}

/** The weight after `weight`, or `complete` when no step is above it (the next move promotes). */
export function nextStep(weight: number, steps: number[]): number | "complete" {
  if (weight >= 100) return "complete";
  return steps.find((s) => s > weight) ?? "complete";
}

/** Whether the current step has lasted its interval (the cron's condition, besides the guards). */
export function stepDue(stepStartedAt: number, stepIntervalS: number, now: number): boolean {
  return now - stepStartedAt >= stepIntervalS * 1000;
}
