/**
 * Dataset catalogue changes (issue #19), on the system ledger: a dataset belongs to no model, so its
 * audit entry goes on the `system` chain and its `dataset.registered` event is about `dataset:<id>`.
 */
import type { Db } from "../db/client";
import { type DatasetRow, findDatasetByUri, insertDataset, toDatasetView } from "../db/repos/datasets-repo";
import type { DatasetView } from "../schemas/datasets";
import { type Change, fail, type LedgerResult } from "./ledger-types";
import { SYSTEM_CHAIN } from "./token-ops";

export async function decideRegisterDataset(
  db: Db,
  row: DatasetRow,
): Promise<LedgerResult<Change<DatasetView>>> {
  const existing = await findDatasetByUri(db, row.uri, row.version);
  if (existing) {
    return fail(
      "DATASET_ALREADY_EXISTS",
      `dataset ${row.uri}${row.version ? `@${row.version}` : ""} is already registered as ${existing.id}`,
    );
  }
  const view = toDatasetView(row);
  const after = { id: row.id, uri: row.uri, version: view.version, digest: row.digest, owner: row.owner };
  return {
    ok: true,
    value: {
      statements: [insertDataset(db, row)],
      chain: SYSTEM_CHAIN,
      modelName: null,
      action: "dataset.registered",
      target: `dataset:${row.id}`,
      before: null,
      after,
      event: {
        type: "dataset.registered",
        modelId: SYSTEM_CHAIN,
        version: null,
        data: { before: null, after },
        subject: `dataset:${row.id}`,
      },
      respond: async () => view,
    },
  };
}
