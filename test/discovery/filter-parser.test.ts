import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { searchVersionsQuery } from "../../src/db/repos/search-repo";
import { FilterError } from "../../src/domain/filter/errors";
import { likeToGlob } from "../../src/domain/filter/like";
import { parseFilter, parseOrderBy } from "../../src/domain/filter/parser";
import { drivingComparison } from "../../src/domain/filter/plan";

const db = createDb(env.DB);

/** The SQL and bound parameters a filter compiles to (the query is built, never run). */
function compiled(filter: string) {
  const query = searchVersionsQuery(db, {
    filter: parseFilter(filter, "versions"),
    orderBy: [],
    scopes: null,
    pageSize: 10,
  });
  return query.toSQL();
}

function errorOf(filter: string, scope: "versions" | "models" = "versions"): FilterError {
  try {
    parseFilter(filter, scope);
  } catch (error) {
    if (error instanceof FilterError) return error;
    throw error;
  }
  throw new Error(`expected '${filter}' to be refused`);
}

describe("valid filters compile to bound parameters", () => {
  // [filter, parameters that must be bound, in order; the trailing limit/offset are left out]
  const table: [string, unknown[]][] = [
    ["name = 'fraud'", ["fraud"]],
    ["name LIKE 'fraud%'", ["fraud*"]],
    ["name like 'a_b*'", ["a?b[*]"]],
    ["name ILIKE '%FRAUD%'", ["%FRAUD%"]],
    ["tags.team = 'risk'", ["team", "risk"]],
    ["tag.team != 'risk'", ["team", "risk"]],
    ["tags.`my key` = 'v'", ["my key", "v"]],
    ['tags."quoted" = "dq"', []], // a double-quoted key is a string, so this must fail (checked below)
    ["run_id = 'r-42'", ["r-42"]],
    ["version_number > 3", [3]],
    ["version >= 2.5", [2.5]],
    ["metrics.auc >= 0.95", ["auc", 0.95]],
    ["metrics.auc > -1e-3", ["auc", -0.001]],
    ["params.max_depth = '8'", ["max_depth", "8"]],
    ["slices.`segment=high_value`.auc >= 0.9", ["auc", "segment=high_value", 0.9]],
    ["stage = 'production'", ["Production"]],
    ["current_stage IN ('Staging', 'production')", ["Staging", "Production"]],
    ["alias = 'champion'", ["champion"]],
    [`dataset.digest = 'sha256:${"a".repeat(64)}'`, [`sha256:${"a".repeat(64)}`]],
    ["dataset.uri = 's3://data/txn' AND dataset.version = '3.2'", ["s3://data/txn", "3.2"]],
    ["created_at > '2026-01-01'", [Date.parse("2026-01-01T00:00:00Z")]],
    ["created_at <= 1767225600000", [1767225600000]],
    ["run_id NOT IN ('a', 'b')", ["a", "b"]],
    ["NAME = 'x' and Tags.team = 'y' AND metrics.f1 < 1", ["x", "team", "y", "f1", 1]],
    ["name = 'it''s'", ["it's"]],
    ["name = 'back\\'slash'", ["back'slash"]],
  ];
  it.each(table.filter(([f]) => !f.includes('"quoted"')))("%s", (filter, params) => {
    const { sql, params: bound } = compiled(filter);
    expect(bound.slice(0, params.length)).toEqual(params);
    // User text never reaches the SQL text: every value is a "?" placeholder.
    for (const p of params) if (typeof p === "string" && p.length > 2) expect(sql).not.toContain(p);
  });

  it("an empty filter matches everything", () => {
    expect(parseFilter("  ", "versions").comparisons).toEqual([]);
  });

  it("LIKE patterns become case-sensitive GLOBs with GLOB metacharacters neutralised", () => {
    expect(likeToGlob("fr%ud_[x]?")).toBe("fr*ud?[[]x][?]");
  });

  it("order_by accepts metrics and attributes with directions", () => {
    expect(parseOrderBy("metrics.auc DESC, name", "versions")).toEqual([
      { key: { kind: "metric", name: "auc" }, descending: true },
      { key: { kind: "attribute", name: "name" }, descending: false },
    ]);
  });
});

describe("invalid filters are refused with the position and what was expected", () => {
  const table: [string, number, RegExp][] = [
    ["bogus = 1", 0, /one of name, version_number/],
    ["name = ", 7, /quoted string or a number/],
    ["name 'x'", 5, /an operator/],
    ["name = 'x' OR name = 'y'", 11, /AND or the end/],
    ["name = 'unterminated", 7, /closing '/],
    ["metrics.auc >= 'high'", 15, /a number/],
    ["version_number = 'three'", 17, /a number/],
    ["name > 'a'", 0, /one of = != LIKE ILIKE IN NOT IN for name/],
    ["metrics.auc LIKE '9%'", 0, /one of = != < <= > >= for metrics.auc/],
    ["stage = 'Prod'", 8, /one of None, Staging, Production, Archived/],
    ["created_at > 'yesterday'", 13, /a date/],
    ["tags. = 'x'", 6, /a key name after '.'/],
    ["dataset.color = 'red'", 0, /dataset.digest\|uri\|version\|role/],
    ["name IN 'x'", 8, /'\(' starting a list/],
    ["name IN ('a' 'b')", 13, /',' or '\)'/],
    ["name = 'x' AND", 14, /a key such as/],
    ["name = 'x';", 10, /a key, an operator/],
    ["name = ‘x’", 7, /U\+2018/],
    ["name = 'a' -- comment", 11, /a key, an operator/],
    ["tags.`` = 'x'", 5, /non-empty key/],
    ["slices.auc > 0.9", 0, /slices.`<slice>`.<metric>/],
    ["name = 'x' AND name = 1", 22, /a quoted string for name/],
  ];
  it.each(table)("%s → position %i", (filter, position, expected) => {
    const error = errorOf(filter);
    expect(error.position).toBe(position);
    expect(error.message).toMatch(expected);
  });

  it("a double-quoted key is a string, not a key", () => {
    expect(errorOf("tags.\"quoted\" = 'x'").position).toBe(5);
  });

  it("the models endpoint accepts only model keys", () => {
    expect(errorOf("metrics.auc > 0.9", "models").message).toMatch(
      /name, created_at, updated_at, tags.<key>/,
    );
    expect(parseFilter("tags.team = 'risk' AND name LIKE 'f%'", "models").comparisons).toHaveLength(2);
  });

  it("at most 20 comparisons", () => {
    const filter = Array.from({ length: 21 }, (_, i) => `tags.k${i} = 'v'`).join(" AND ");
    expect(errorOf(filter).message).toMatch(/at most 20/);
  });
});

describe("the most selective-looking comparison drives; the others probe", () => {
  const table: [string, number][] = [
    ["metrics.auc > 0.9 AND params.max_depth = '8'", 1],
    ["tags.v = 'passed' AND stage = 'Production'", 1],
    ["tags.v = 'passed' AND stage = 'None'", 0],
    ["metrics.auc > 0.9 AND name LIKE 'fraud%'", 1],
    ["name LIKE '%fraud' AND metrics.auc > 0.9", 1],
    [`metrics.auc > 0.9 AND dataset.digest = 'sha256:${"a".repeat(64)}'`, 1],
    ["tags.a != 'x'", -1],
  ];
  it.each(table)("%s → comparison %i", (filter, expected) => {
    expect(drivingComparison(parseFilter(filter, "versions"))).toBe(expected);
  });

  it("only the driver is an IN list; the others are EXISTS probes", () => {
    const { sql } = compiled("metrics.auc > 0.9 AND params.max_depth = '8' AND tags.team = 'risk'");
    expect(sql.match(/"model_versions"."id" in \(select/g)).toHaveLength(1);
    expect(sql.match(/exists \(select 1 from/g)).toHaveLength(2);
  });
});
