import { or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** SQL condition limiting a model-name column to a token's scopes (undefined when unscoped). */
export function scopeCondition(column: SQLiteColumn, scopes: string[] | null): SQL | undefined {
  if (scopes === null) return undefined;
  return or(...scopes.map((scope) => sql`${column} GLOB ${scope}`)) ?? sql`0`;
}

/**
 * Invariant 9 in SQL: a stored name pattern (a webhook's `model_pattern`, null = every model) lies
 * within the caller's scopes. GLOB's `*` also matches a `*` of the stored pattern, exactly as
 * `patternWithin` in src/domain/scopes.ts reads it.
 */
export function patternWithinCondition(column: SQLiteColumn, scopes: string[] | null): SQL | undefined {
  if (scopes === null) return undefined;
  return sql`(${column} IS NOT NULL AND (${scopeCondition(column, scopes)}))`;
}

/** A stored JSON list of patterns (a token's scopes, null = every model) lies within the caller's scopes. */
export function scopesWithinCondition(column: SQLiteColumn, scopes: string[] | null): SQL | undefined {
  if (scopes === null) return undefined;
  const inner = or(...scopes.map((scope) => sql`j.value GLOB ${scope}`)) ?? sql`0`;
  return sql`(${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM json_each(${column}) AS j WHERE NOT (${inner})))`;
}
