/** Principals (issue 15): the people and service accounts tokens belong to. */
import { desc, eq } from "drizzle-orm";
import type { PrincipalView } from "../../schemas/principals";
import { type Db, iso, type Statement } from "../client";
import { principals } from "../schema";
import { scopesWithinCondition } from "./scope-filter";

export type PrincipalRow = typeof principals.$inferSelect;

export function toPrincipalView(row: PrincipalRow): PrincipalView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    scopes: row.scopes ?? null,
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
  };
}

export async function findPrincipal(db: Db, id: string): Promise<PrincipalRow | undefined> {
  return db.select().from(principals).where(eq(principals.id, id)).get();
}

export async function findPrincipalByName(db: Db, name: string): Promise<PrincipalRow | undefined> {
  return db.select().from(principals).where(eq(principals.name, name)).get();
}

/** Principals the caller may see: those whose scopes lie within its own (all when unscoped). */
export async function listPrincipals(db: Db, scopes: string[] | null): Promise<PrincipalView[]> {
  const rows = await db
    .select()
    .from(principals)
    .where(scopesWithinCondition(principals.scopes, scopes))
    .orderBy(desc(principals.createdAt))
    .limit(1000)
    .all();
  return rows.map(toPrincipalView);
}

export function insertPrincipal(db: Db, row: PrincipalRow): Statement {
  return db.insert(principals).values(row);
}
