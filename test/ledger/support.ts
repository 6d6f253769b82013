/** What the ledger's group-commit tests share: numbers 1..n, raw D1 reads, a change that always fails. */
import { env } from "cloudflare:workers";
import type { Db } from "../../src/db/client";
import { insertModel } from "../../src/db/repos/models-repo";
import type { Change, LedgerResult } from "../../src/ledger/ledger-types";

export const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...binds)
      .all<T>()
  ).results;
}

/**
 * The decision of a change whose batch always violates a constraint (it inserts a model under an id
 * that exists already), so a test can put one bad change inside a group.
 */
export const failingChange =
  (db: Db, modelId: string, name: string) =>
  async (now: number): Promise<LedgerResult<Change<null>>> => ({
    ok: true,
    value: {
      statements: insertModel(
        db,
        { id: modelId, name: `${name}-dup`, owner: "t", createdAt: now, updatedAt: now },
        {},
      ),
      chain: modelId,
      modelName: name,
      action: "broken",
      target: "x",
      before: null,
      after: null,
      respond: async () => null,
    },
  });
