/**
 * The signature compatibility of a version against the model's Production version and the version
 * before it, as the policy gate (src/domain/signature-gate.ts) and approval requests need it.
 */
import type { Db } from "../db/client";
import { findPreviousVersion, findProductionVersion } from "../db/repos/compat-repo";
import { parseSignature } from "../domain/signature";
import { compareSignatures } from "../domain/signature-compat";
import type { CompatAgainst } from "../domain/signature-gate";

/** A stored signature that no longer validates (written before validation existed) counts as none. */
const signatureOf = (raw: unknown) => parseSignature(raw).signature;

export async function compatibilityAgainst(
  db: Db,
  modelId: string,
  version: { version: number; signature: unknown },
): Promise<CompatAgainst[]> {
  const mine = signatureOf(version.signature);
  const [production, previous] = await Promise.all([
    findProductionVersion(db, modelId),
    findPreviousVersion(db, modelId, version.version),
  ]);
  const out: CompatAgainst[] = [];
  if (production && production.version !== version.version) {
    out.push({
      against: "production",
      version: production.version,
      report: compareSignatures(signatureOf(production.signature), mine),
    });
  }
  // The previous version is the same comparison again when it is the Production one.
  if (previous && previous.version !== production?.version) {
    out.push({
      against: "previous",
      version: previous.version,
      report: compareSignatures(signatureOf(previous.signature), mine),
    });
  }
  return out;
}
