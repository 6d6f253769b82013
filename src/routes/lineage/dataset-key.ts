/** How a catalogue entry finds the versions that used it: by digest when it has one, else uri@version. */
import type { DatasetRow } from "../../db/repos/datasets-repo";
import type { DatasetKey } from "../../db/repos/lineage-repo";

export const catalogueKey = (row: DatasetRow): DatasetKey =>
  row.digest
    ? { digest: row.digest }
    : { uri: row.uri, version: row.version === "" ? undefined : row.version };
