import { env } from "cloudflare:workers";
import { getTableColumns, getTableName } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema";

/** Migrations are hand-written SQL; this fails when they and src/db/schema.ts disagree. */
describe("schema.ts matches the migrated D1 database", () => {
  const tables = (Object.values(schema) as unknown[]).filter(
    (t): t is SQLiteTable => t instanceof SQLiteTable,
  );

  it.each(tables.map((t) => [getTableName(t), t] as const))("%s", async (name, table) => {
    const { results } = await env.DB.prepare(`select name, "notnull" as nn from pragma_table_info(?)`)
      .bind(name)
      .all<{ name: string; nn: number }>();
    const actual = Object.fromEntries(results.map((r) => [r.name, r.nn === 1]));
    const declared = Object.fromEntries(
      Object.values(getTableColumns(table)).map((c) => [c.name, c.notNull] as const),
    );
    expect(actual).toEqual(declared);
  });

  it("the audit log refuses UPDATE and DELETE", async () => {
    await env.DB.prepare(
      "insert into audit_log (chain, seq, action, actor, target, request_id, created_at, prev_hash, hash) values ('t', 1, 'x', 'a', 't', 'r', 0, '0', '0')",
    ).run();
    await expect(
      env.DB.prepare("update audit_log set actor = 'mallory' where chain = 't'").run(),
    ).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("delete from audit_log where chain = 't'").run()).rejects.toThrow(
      /append-only/,
    );
  });
});
