/**
 * Silent serving nodes (issue #19): which nodes have not reported since a cutoff and have no
 * `stale` episode open yet, and the statement that opens or closes one (ModelLedger only).
 */
import { and, asc, eq, isNull, lt } from "drizzle-orm";
import type { Db, Statement } from "../client";
import { deployments, models } from "../schema";

export interface SilentNode {
  modelName: string;
  nodeId: string;
  reportedAt: number;
}

/**
 * Nodes silent since before `cutoff` with no open stale episode, the longest silent first, at most
 * `limit` (the partial index `deployments_silent_idx` answers it without scanning healthy nodes).
 */
export async function silentNodes(db: Db, cutoff: number, limit: number): Promise<SilentNode[]> {
  return db
    .select({ modelName: models.name, nodeId: deployments.nodeId, reportedAt: deployments.reportedAt })
    .from(deployments)
    .innerJoin(models, eq(models.id, deployments.modelId))
    .where(and(isNull(deployments.staleSince), lt(deployments.reportedAt, cutoff)))
    .orderBy(asc(deployments.reportedAt))
    .limit(limit)
    .all();
}

/** Opens (`since`) or closes (null) a node's stale episode. ModelLedger only. */
export function setStale(db: Db, modelId: string, nodeId: string, since: number | null): Statement {
  return db
    .update(deployments)
    .set({ staleSince: since })
    .where(and(eq(deployments.modelId, modelId), eq(deployments.nodeId, nodeId)));
}
