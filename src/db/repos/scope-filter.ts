import { or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** SQL condition limiting a model-name column to a token's scopes (undefined when unscoped). */
export function scopeCondition(column: SQLiteColumn, scopes: string[] | null): SQL | undefined {
  if (scopes === null) return undefined;
  return or(...scopes.map((scope) => sql`${column} GLOB ${scope}`)) ?? sql`0`;
}
