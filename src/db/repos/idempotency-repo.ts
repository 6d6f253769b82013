/** Results remembered for POSTs that carried an Idempotency-Key. */
import { eq } from "drizzle-orm";
import type { Db, Statement } from "../client";
import { idempotencyKeys } from "../schema";

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

export async function findIdempotent(db: Db, key: string): Promise<IdempotencyRow | undefined> {
  return db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)).get();
}

export function insertIdempotent(db: Db, row: IdempotencyRow): Statement {
  return db.insert(idempotencyKeys).values(row);
}
