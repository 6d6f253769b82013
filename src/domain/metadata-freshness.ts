/**
 * Metadata freshness (issue #6): a Production version is flagged when its description was not
 * touched for `olderThanMs` (registration counts as a touch), or when it repeats the description of
 * the version registered before it word for word: retraining pipelines that copy the last
 * description forward leave readers with text that describes another model.
 */
export type StaleReason = "not_updated" | "copied_description";

export interface FreshnessFacts {
  description: string;
  createdAt: number;
  lastDescriptionUpdate: number | null;
  previousVersion: number | null;
  previousDescription: string | null;
}

export function stalenessOf(f: FreshnessFacts, now: number, olderThanMs: number) {
  const updatedAt = Math.max(f.createdAt, f.lastDescriptionUpdate ?? 0);
  const reasons: StaleReason[] = [];
  if (now - updatedAt >= olderThanMs) reasons.push("not_updated");
  const copied = f.description.trim() !== "" && f.previousDescription === f.description;
  if (copied) reasons.push("copied_description");
  return { reasons, updatedAt, copiedFrom: copied ? f.previousVersion : null };
}
