/**
 * Judging a rollout's guards over its canary nodes' reports. Pure: no I/O.
 *
 * Each guard is judged over the canary nodes that reported its metric (one report per node: the
 * latest). Fewer than `min_reports` distinct nodes decide nothing, neither way: a guard is
 * `undecided` until enough of the fleet has spoken. With enough, the guard's value is the mean over
 * those nodes; a mean that fails `op value` is a breach. One breach is enough to roll back.
 */
import { holds } from "../policy";
import type { Guard, GuardBreach } from "./rollout";

/** A canary node's latest report: its id and the metrics it carried. */
export interface CanaryReport {
  nodeId: string;
  metrics: Record<string, number>;
}

export type GuardVerdict =
  | { verdict: "breach"; breach: GuardBreach }
  | { verdict: "undecided"; waiting: { guard: Guard; reports: number }[] }
  | { verdict: "hold" };

export function judgeGuards(guards: Guard[], reports: CanaryReport[]): GuardVerdict {
  const waiting: { guard: Guard; reports: number }[] = [];
  for (const guard of guards) {
    const values: Record<string, number> = {};
    for (const r of reports) {
      const v = r.metrics[guard.metric];
      if (typeof v === "number" && Number.isFinite(v)) values[r.nodeId] = v;
    }
    const nodes = Object.keys(values).sort();
    if (nodes.length < guard.min_reports) {
      waiting.push({ guard, reports: nodes.length });
      continue;
    }
    // 12 significant digits: three reports of 0.2 average to 0.2, not 0.20000000000000004.
    const mean = Number((nodes.reduce((sum, n) => sum + (values[n] ?? 0), 0) / nodes.length).toPrecision(12));
    if (!holds(guard.op, mean, guard.value)) {
      return { verdict: "breach", breach: { guard, value: mean, nodes, values } };
    }
  }
  return waiting.length > 0 ? { verdict: "undecided", waiting } : { verdict: "hold" };
}

/** `error_rate<=0.01 (min 3 reports)`: how a guard reads in audit reasons and history. */
export function guardLabel(guard: Guard): string {
  return `${guard.metric}${guard.op}${guard.value}`;
}
