/**
 * Which keys a filter may use, per endpoint, and which operators and value types each accepts.
 * Checked at parse time so a bad filter is a 400 with a position, never a SQL error.
 */
import type { AttributeName, Comparison, DatasetField, Op, Scope, Term, Value } from "./ast";
import { FilterError } from "./errors";

const ATTRIBUTE_ALIASES: Record<string, AttributeName> = {
  name: "name",
  run_id: "run_id",
  source_path: "source_path",
  version_number: "version_number",
  version: "version_number",
  stage: "stage",
  current_stage: "stage",
  status: "status",
  alias: "alias",
  created_at: "created_at",
  creation_timestamp: "created_at",
  updated_at: "updated_at",
  last_updated_timestamp: "updated_at",
  created_by: "created_by",
  user_id: "created_by",
};

const MODEL_ATTRIBUTES = new Set<AttributeName>(["name", "created_at", "updated_at"]);
const PREFIXES: Record<string, Term["kind"]> = {
  tags: "tag",
  tag: "tag",
  metrics: "metric",
  metric: "metric",
  slices: "metric",
  slice: "metric",
  params: "param",
  param: "param",
  datasets: "dataset",
  dataset: "dataset",
};
const DATASET_FIELDS = new Set<DatasetField>(["digest", "uri", "version", "role"]);
const STRING_OPS: Op[] = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];
const ORDER_OPS: Op[] = ["=", "!=", "<", "<=", ">", ">="];
export const STAGE_VALUES = ["None", "Staging", "Production", "Archived"] as const;

export function validKeys(scope: Scope): string {
  return scope === "models"
    ? "name, created_at, updated_at, tags.<key>"
    : "name, version_number, run_id, source_path, stage, status, alias, created_by, created_at, updated_at, tags.<key>, metrics.<name>, slices.`<slice>`.<name>, params.<key>, dataset.digest|uri|version|role";
}

/** Resolves `prefix.key` or a bare attribute to a term, or says which keys exist. */
export function resolveKey(scope: Scope, parts: string[], position: number): Term {
  const [head, rest] = [parts[0] ?? "", parts.slice(1)];
  if (rest.length === 0) {
    const name = ATTRIBUTE_ALIASES[head.toLowerCase()];
    if (name && (scope === "versions" || MODEL_ATTRIBUTES.has(name))) return { kind: "attribute", name };
    throw new FilterError(position, `one of ${validKeys(scope)}`, `'${head}'`);
  }
  const kind = PREFIXES[head.toLowerCase()];
  const key = rest.join(".");
  if (kind === "tag") return { kind, key };
  if (scope === "versions" && kind === "metric" && head.toLowerCase().startsWith("slice")) {
    // slices.`segment=high_value`.auc: the slice, then the metric name.
    if (rest.length >= 2) return { kind, slice: rest[0] as string, name: rest.slice(1).join(".") };
    throw new FilterError(
      position,
      "slices.`<slice>`.<metric>, e.g. slices.`segment=high_value`.auc",
      `'${parts.join(".")}'`,
    );
  }
  if (scope === "versions" && kind === "metric") return { kind, name: key };
  if (scope === "versions" && kind === "param") return { kind, key };
  if (scope === "versions" && kind === "dataset" && DATASET_FIELDS.has(key as DatasetField)) {
    return { kind, field: key as DatasetField };
  }
  throw new FilterError(position, `one of ${validKeys(scope)}`, `'${parts.join(".")}'`);
}

/** Type-checks a comparison; returns it with its value normalised (dates → epoch ms, stage casing). */
export function checkComparison(c: Comparison, valuePosition: number): Comparison {
  const numeric =
    c.term.kind === "metric" || (c.term.kind === "attribute" && c.term.name === "version_number");
  const temporal =
    c.term.kind === "attribute" && (c.term.name === "created_at" || c.term.name === "updated_at");
  const allowed = numeric || temporal ? ORDER_OPS : STRING_OPS;
  if (!allowed.includes(c.op)) {
    throw new FilterError(c.position, `one of ${allowed.join(" ")} for ${termLabel(c.term)}`, c.op);
  }
  if (numeric) return { ...c, value: { kind: "number", value: expectNumber(c.value, valuePosition) } };
  if (temporal) return { ...c, value: { kind: "number", value: expectTime(c.value, valuePosition) } };
  if (c.term.kind === "attribute" && c.term.name === "stage")
    return { ...c, value: normaliseStage(c, valuePosition) };
  if (c.value.kind === "number")
    throw new FilterError(valuePosition, `a quoted string for ${termLabel(c.term)}`, "a number");
  return c;
}

function expectNumber(value: Value, position: number): number {
  if (value.kind === "number") return value.value;
  throw new FilterError(position, "a number", value.kind === "string" ? "a quoted string" : "a list");
}

/** Times are RFC 3339 / ISO dates in quotes, or epoch milliseconds as a number. */
function expectTime(value: Value, position: number): number {
  if (value.kind === "number") return value.value;
  if (value.kind === "string" && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.value)) {
    const ms = Date.parse(value.value.length === 10 ? `${value.value}T00:00:00Z` : value.value);
    if (Number.isFinite(ms)) return ms;
  }
  throw new FilterError(
    position,
    "a date such as '2026-01-01' or '2026-01-01T12:00:00Z', or epoch milliseconds",
    value.kind === "list" ? "a list" : `'${value.kind === "string" ? value.value : ""}'`,
  );
}

function normaliseStage(c: Comparison, position: number): Value {
  const fix = (s: string) => {
    if (c.op === "LIKE" || c.op === "ILIKE") return s;
    const stage = STAGE_VALUES.find((v) => v.toLowerCase() === s.toLowerCase());
    if (!stage) throw new FilterError(position, `one of ${STAGE_VALUES.join(", ")}`, `'${s}'`);
    return stage;
  };
  if (c.value.kind === "list") return { kind: "list", values: c.value.values.map(fix) };
  if (c.value.kind === "string") return { kind: "string", value: fix(c.value.value) };
  throw new FilterError(position, "a quoted stage name", "a number");
}

export function termLabel(term: Term): string {
  switch (term.kind) {
    case "attribute":
      return term.name;
    case "tag":
      return `tags.${term.key}`;
    case "metric":
      return term.slice ? `slices.${term.slice}.${term.name}` : `metrics.${term.name}`;
    case "param":
      return `params.${term.key}`;
    case "dataset":
      return `dataset.${term.field}`;
  }
}
