/** The fleet across models: live counts of nodes in sync, drifted, mismatched and stale. */
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { cutPage, decodePageToken } from "../../lib/page-token";
import type { FleetCounts, FleetSummary } from "../../schemas/serving";
import type { Db } from "../client";
import { deployments, models } from "../schema";
import { D, expectedVersion } from "./deployments-repo";
import { versionDigestSql } from "./resolve-repo";
import { scopeCondition } from "./scope-filter";

/** Live fleet counts per visible model (keyset by name) and in total. */
export async function fleetSummary(
  db: Db,
  opts: {
    scopes: string[] | null;
    now: number;
    staleAfter: number;
    pageSize: number;
    pageToken: string | undefined;
  },
): Promise<FleetSummary> {
  const order = "name ASC";
  const cursor = decodePageToken(opts.pageToken, order);
  const vd = versionDigestSql(D.modelId, D.version);
  const inSync = sql`(${vd} = ${deployments.manifestDigest} and ${expectedVersion} = ${deployments.version})`;
  const cutoff = opts.now - opts.staleAfter * 1000;
  const counts = {
    nodes: sql<number>`count(*)`,
    inSync: sql<number>`coalesce(sum(case when ${inSync} then 1 else 0 end), 0)`,
    digestMismatch: sql<number>`coalesce(sum(case when ${vd} is not null and ${vd} <> ${deployments.manifestDigest} then 1 else 0 end), 0)`,
    stale: sql<number>`coalesce(sum(case when ${deployments.reportedAt} < ${cutoff} then 1 else 0 end), 0)`,
  };
  const visible = scopeCondition(models.name, opts.scopes);
  const rows = await db
    .select({ name: models.name, ...counts })
    .from(deployments)
    .innerJoin(models, eq(models.id, deployments.modelId))
    .where(and(visible, cursor ? gt(models.name, cursor.n) : undefined))
    .groupBy(models.name)
    .orderBy(asc(models.name))
    .limit(opts.pageSize + 1)
    .all();
  const totals = await db
    .select(counts)
    .from(deployments)
    .innerJoin(models, eq(models.id, deployments.modelId))
    .where(visible)
    .get();
  const { page, next } = cutPage(rows, opts.pageSize, (last) => ({ o: order, k: 0, n: last.name }));
  return {
    totals: toCounts(totals ?? { nodes: 0, inSync: 0, digestMismatch: 0, stale: 0 }),
    items: page.map((r) => ({ name: r.name, ...toCounts(r) })),
    next_page_token: next,
  };
}

function toCounts(r: { nodes: number; inSync: number; digestMismatch: number; stale: number }): FleetCounts {
  const nodes = Number(r.nodes);
  const inSync = Number(r.inSync);
  return {
    nodes,
    in_sync: inSync,
    drifted: nodes - inSync,
    digest_mismatch: Number(r.digestMismatch),
    stale: Number(r.stale),
  };
}
