/**
 * Restoring a model from an export (`registry import FILE`): its rows are written back verbatim —
 * ids, numbers, stages, aliases, timestamps and the audit chain with its hashes — in one batch,
 * followed by one more audit entry, `model.restored`, linked to the restored head. The chain is
 * verified before anything is written; a damaged one is refused naming its first broken entry.
 */
import type { Db } from "../db/client";
import { findModelRow, readModelView } from "../db/repos/models-repo";
import { type ModelSnapshot, modelIdTaken, restoreStatements } from "../db/repos/snapshot-repo";
import { GENESIS_HASH, verifySegment } from "../domain/audit-chain";
import type { ModelView } from "../schemas/models";
import { type Change, fail, type LedgerResult } from "./ledger-types";

export async function decideRestoreModel(
  db: Db,
  snapshot: ModelSnapshot,
): Promise<LedgerResult<Change<ModelView>>> {
  const { model } = snapshot;
  if ((await findModelRow(db, model.name)) || (await modelIdTaken(db, model.id))) {
    return fail("MODEL_ALREADY_EXISTS", `model '${model.name}' (or its id ${model.id}) is already here`);
  }
  const foreign = [
    ...snapshot.versions.filter((v) => v.modelId !== model.id).map((v) => `versions[${v.version}]`),
    ...snapshot.aliases.filter((a) => a.modelId !== model.id).map((a) => `aliases[${a.alias}]`),
    ...snapshot.audit.filter((e) => e.chain !== model.id).map((e) => `audit[${e.seq}]`),
    ...(snapshot.approval_requests ?? [])
      .filter((r) => r.modelId !== model.id || r.approvals.some((v) => v.requestId !== r.id))
      .map((r) => `approval_requests[${r.id}]`),
    ...(snapshot.deployments ?? [])
      .filter((d) => d.modelId !== model.id)
      .map((d) => `deployments[${d.nodeId}]`),
  ];
  if (foreign.length > 0) {
    return fail("INVALID_ARGUMENT", `rows that belong to another model: ${foreign.slice(0, 5).join(", ")}`);
  }
  const verdict = await verifySegment({ seq: 0, hash: GENESIS_HASH }, snapshot.audit);
  if (!verdict.ok) {
    return fail(
      "AUDIT_CHAIN_BROKEN",
      `the audit chain of '${model.name}' breaks at entry ${verdict.broken_at_seq}: ${verdict.reason}`,
      undefined,
      { broken_at_seq: verdict.broken_at_seq },
    );
  }
  const last = snapshot.audit.at(-1);
  return {
    ok: true,
    value: {
      statements: restoreStatements(db, snapshot),
      chain: model.id,
      modelName: model.name,
      action: "model.restored",
      target: `model:${model.name}`,
      before: null,
      after: {
        versions: snapshot.versions.length,
        audit_entries: snapshot.audit.length,
        head: last?.hash ?? null,
      },
      ...(last ? { chainHead: { seq: last.seq, hash: last.hash } } : {}),
      respond: async () => {
        const view = await readModelView(db, model.name);
        if (!view) throw new Error(`model ${model.name} vanished after its restore`);
        return view;
      },
    },
  };
}
