/**
 * Chooses which comparison should drive a search. SQLite has no statistics on a fresh D1 database,
 * so without a hint it materialises every `id IN (subquery)` list, however large (a tag on 70% of
 * 100,000 versions costs ~150 ms). The compiler therefore writes only the *driving* term as
 * `IN (subquery)` — an index range SQLite can start from — and every other metric/tag/param/dataset
 * term as a correlated `EXISTS` that probes a primary key per candidate row. The rank is a guess at
 * selectivity from the shape of the comparison alone: equality on identifiers first, ranges last.
 */
import type { Comparison, Filter } from "./ast";

const INDEX_TABLE_TERMS = new Set(["tag", "param", "metric", "dataset"]);

export const usesIndexTable = (c: Comparison) => INDEX_TABLE_TERMS.has(c.term.kind);

/** Lower is more selective; 9 never drives. */
export function selectivityRank(c: Comparison): number {
  const { term, op, value } = c;
  const equality = op === "=" || op === "IN";
  if (term.kind === "attribute") {
    if ((term.name === "name" || term.name === "run_id") && equality) return 0;
    if (term.name === "name" && op === "LIKE" && value.kind === "string" && /^[^%_]{3}/.test(value.value))
      return 2;
    if (term.name === "stage" && equality) {
      const values = value.kind === "list" ? value.values : value.kind === "string" ? [value.value] : [];
      return values.every((s) => s === "Production" || s === "Staging") ? 2 : 9;
    }
    if (term.name === "alias" && equality) return 3;
    if ((term.name === "created_at" || term.name === "updated_at") && op !== "!=") return 4;
    return 9;
  }
  if (term.kind === "dataset" && equality && (term.field === "digest" || term.field === "uri")) return 1;
  if ((term.kind === "tag" || term.kind === "param" || term.kind === "dataset") && equality) return 3;
  if (term.kind === "metric" && op !== "!=") return 4;
  return 9;
}

/** Index of the comparison that drives, or -1 when none should (a scan is then unavoidable). */
export function drivingComparison(filter: Filter): number {
  let best = -1;
  let bestRank = 9;
  filter.comparisons.forEach((c, i) => {
    const rank = selectivityRank(c);
    if (rank < bestRank) {
      best = i;
      bestRank = rank;
    }
  });
  return best;
}
