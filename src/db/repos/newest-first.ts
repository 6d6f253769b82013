import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { decodePageToken } from "../../lib/page-token";

/** The ordering name page tokens of newest-first lists carry. */
export const NEWEST_FIRST = "created_at DESC";

/**
 * Keyset condition for lists ordered `created_at DESC, id DESC`: the rows after the page token's
 * last row (undefined on the first page). Pair it with `cutPage(…, {o: NEWEST_FIRST, k: createdAt, n: id})`.
 */
export function newestFirstAfter(
  createdAt: SQLiteColumn,
  id: SQLiteColumn,
  pageToken: string | undefined,
): SQL | undefined {
  const cursor = decodePageToken(pageToken, NEWEST_FIRST);
  if (!cursor) return undefined;
  const k = Number(cursor.k);
  return or(lt(createdAt, k), and(eq(createdAt, k), lt(id, cursor.n)));
}
