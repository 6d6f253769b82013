/**
 * Drift: a serving node runs something other than what the registry says it should. Pure rules,
 * no I/O: the ledger and the read endpoints feed them what they read.
 *
 * What a node should run: the version its alias resolves to. The alias is the one the node reports
 * it follows, or else its environment's name (`environment: "production"` follows the Production
 * stage through the virtual `production` alias; `environment: "canary"` follows alias `canary`).
 * No per-model environment map to keep in sync: the node says what it tracks, the registry says
 * where that points.
 */

export const DRIFT_REASONS = ["unknown_version", "digest_mismatch", "no_target", "version_mismatch"] as const;
export type DriftReason = (typeof DRIFT_REASONS)[number];

/** Default for "silent too long": a node that has not reported for 10 minutes is stale. */
export const DEFAULT_STALE_AFTER_SECONDS = 600;

export interface Observation {
  reportedVersion: number;
  reportedDigest: string;
  /** The manifest digest the registry holds for the reported version; null if no such version. */
  versionDigest: string | null;
  /** The version the followed alias resolves to now; null if it resolves to nothing. */
  expectedVersion: number | null;
}

/** The alias a node follows: the one it reports, else its environment's name. */
export function followedAlias(report: { environment: string; alias?: string | undefined }): string {
  return report.alias ?? report.environment;
}

/**
 * Why the node is out of line with the registry, or null when it runs exactly what it should.
 * Integrity first: a digest that does not match the version it claims (corruption, a manual copy)
 * is reported as such even when the version number is the expected one.
 */
export function driftReason(o: Observation): DriftReason | null {
  if (o.versionDigest === null) return "unknown_version";
  if (o.versionDigest !== o.reportedDigest) return "digest_mismatch";
  if (o.expectedVersion === null) return "no_target";
  if (o.expectedVersion !== o.reportedVersion) return "version_mismatch";
  return null;
}

/**
 * How a report changes the node's drift episode. Only the edges matter: an episode starts when a
 * node in line reports drift, and is resolved when a drifting node reports it is back in line.
 * Reports in between (still drifting, possibly for another reason; still fine) change nothing, so a
 * node polling every few seconds raises one event per episode, not one per report.
 */
export function driftTransition(open: string | null, now: DriftReason | null): "started" | "resolved" | null {
  if (open === null && now !== null) return "started";
  if (open !== null && now === null) return "resolved";
  return null;
}

export function isStale(reportedAt: number, now: number, staleAfterSeconds: number): boolean {
  return now - reportedAt > staleAfterSeconds * 1000;
}
