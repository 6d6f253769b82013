/**
 * Retention (issue #6): policies, the facts the planner needs about a model, and run summaries.
 * Reads for jobs and routes; statement builders for the ModelLedger (the only writer of policies).
 */
import { and, desc, eq, lt, sql } from "drizzle-orm";
import {
  ARTIFACTS_PURGED,
  DEFAULT_RETENTION,
  type ModelFacts,
  type RetentionPolicy,
  type VersionFacts,
} from "../../domain/retention";
import type { RetentionRunView } from "../../schemas/retention";
import { type Db, iso, type Statement } from "../client";
import { models, modelVersions, retentionPolicies, retentionRuns } from "../schema";
import type { ModelRow } from "./models-repo";
import type { VersionRow } from "./versions-repo";

export type RetentionRunRow = typeof retentionRuns.$inferSelect;

export async function readRetentionPolicy(
  db: Db,
  modelId: string,
): Promise<RetentionPolicy & { is_default: boolean }> {
  const row = await db.select().from(retentionPolicies).where(eq(retentionPolicies.modelId, modelId)).get();
  if (!row) return { ...DEFAULT_RETENTION, is_default: true };
  return {
    keep_last: row.keepLast,
    archive_after_days: row.archiveAfterDays,
    purge_after_days: row.purgeAfterDays,
    keep_tags: row.keepTags,
    is_default: false,
  };
}

/** Every model with the policy it runs under (default when it has none), in name order. */
export async function modelsForRetention(db: Db): Promise<{ model: ModelRow; policy: RetentionPolicy }[]> {
  const rows = await db
    .select({ model: models, policy: retentionPolicies })
    .from(models)
    .leftJoin(retentionPolicies, eq(retentionPolicies.modelId, models.id))
    .orderBy(models.name)
    .all();
  return rows.map(({ model, policy }) => ({
    model,
    policy: policy
      ? {
          keep_last: policy.keepLast,
          archive_after_days: policy.archiveAfterDays,
          purge_after_days: policy.purgeAfterDays,
          keep_tags: policy.keepTags,
        }
      : DEFAULT_RETENTION,
  }));
}

// Outer columns are qualified on purpose (see versions-repo): inner tables share column names.
const factColumns = {
  version: modelVersions.version,
  stage: modelVersions.stage,
  status: modelVersions.status,
  createdAt: modelVersions.createdAt,
  updatedAt: modelVersions.updatedAt,
  needsReview: modelVersions.needsReview,
  tags: sql<string>`(select json_group_object(t.key, t.value) from version_tags t where t.version_id = model_versions.id)`,
  aliases: sql<string>`(select json_group_array(a.alias) from aliases a where a.model_id = model_versions.model_id and a.version = model_versions.version)`,
  pending: sql<number>`exists (select 1 from approval_requests r where r.model_id = model_versions.model_id and r.version = model_versions.version and r.status = 'pending')`,
  isParent: sql<number>`exists (select 1 from model_versions c where c.parent_model = ${models.name} and c.parent_version = model_versions.version)`,
};

/** A row of `factColumns` as D1 returns it. */
type FactRow = Pick<
  VersionRow,
  "version" | "stage" | "status" | "createdAt" | "updatedAt" | "needsReview"
> & {
  tags: string;
  aliases: string;
  pending: number;
  isParent: number;
};

/** A row of `factColumns` as the planner sees it; `isLatest` adds the virtual `latest` alias. */
function toFacts(r: FactRow, isLatest: boolean): VersionFacts {
  return {
    version: r.version,
    stage: r.stage,
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    needsReview: Boolean(r.needsReview),
    pendingApproval: Boolean(r.pending),
    isParent: Boolean(r.isParent),
    tags: JSON.parse(r.tags) as Record<string, string>,
    aliases: [...(JSON.parse(r.aliases) as string[]), ...(isLatest ? ["latest"] : [])],
  };
}

/**
 * What protects each version of a model. `latest` is a virtual alias of the highest version: it is
 * what `name@latest` serves, so the planner sees it like any other alias.
 */
export async function readModelFacts(db: Db, model: ModelRow): Promise<ModelFacts> {
  const rows = await db
    .select(factColumns)
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.modelId, model.id))
    .all();
  const highest = Math.max(0, ...rows.map((r) => r.version));
  return {
    name: model.name,
    previousProductionVersion: model.previousProductionVersion,
    versions: rows.map((r) => toFacts(r, r.version === highest)),
  };
}

/**
 * One version's facts and whether keep_last protects it (issue #19): the ledger's per-action re-check
 * reads this instead of the whole model, so acting on a model of 10,000 versions costs O(1) reads
 * per action. Same columns as `readModelFacts`; `newer` counts the versions above it.
 */
export async function readVersionFacts(
  db: Db,
  model: ModelRow,
  version: number,
  keepLast: number,
): Promise<{ facts: VersionFacts; newest: number[] } | null> {
  const r = await db
    .select({
      ...factColumns,
      newer: sql<number>`(select count(*) from model_versions n where n.model_id = model_versions.model_id and n.version > model_versions.version)`,
    })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(modelVersions.modelId, model.id), eq(modelVersions.version, version)))
    .get();
  if (!r) return null;
  return {
    // No version above it: it is the highest, which `latest` names.
    facts: toFacts(r, r.newer === 0),
    newest: r.newer < keepLast ? [r.version] : [],
  };
}

export async function listRetentionRuns(db: Db, limit: number, before?: number): Promise<RetentionRunRow[]> {
  return db
    .select()
    .from(retentionRuns)
    .where(before === undefined ? undefined : lt(retentionRuns.startedAt, before))
    .orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id))
    .limit(limit)
    .all();
}

/**
 * Whether the latest real (not dry) run left planned actions for later (issue #19): the frequent
 * cron trigger then runs retention again, so a backlog drains tick by tick rather than day by day.
 */
export async function backlogPending(db: Db): Promise<boolean> {
  const row = await db
    .select({ details: retentionRuns.details })
    .from(retentionRuns)
    .where(eq(retentionRuns.dryRun, false))
    .orderBy(desc(retentionRuns.startedAt), desc(retentionRuns.id))
    .limit(1)
    .get();
  const backlog = (row?.details as Partial<RunDetails> | undefined)?.backlog;
  return (backlog?.deferred ?? 0) > 0;
}

type RunDetails = Pick<RetentionRunView, "actions" | "blobs" | "uploads" | "blobs_marked" | "backlog">;

/** Runs stored before issue #19 carry no backlog: they acted on everything they planned. */
const NO_BACKLOG = (view: Pick<RetentionRunView, "archived" | "purged">): RetentionRunView["backlog"] => ({
  planned: view.archived + view.purged,
  max_actions: 0,
  deferred: 0,
  runs_needed: view.archived + view.purged > 0 ? 1 : 0,
  candidates: 0,
});

export async function insertRetentionRun(
  db: Db,
  view: RetentionRunView,
  startedAt: number,
  finishedAt: number,
): Promise<void> {
  const details: RunDetails = {
    actions: view.actions,
    blobs: view.blobs,
    uploads: view.uploads,
    blobs_marked: view.blobs_marked,
    backlog: view.backlog,
  };
  await db
    .insert(retentionRuns)
    .values({
      id: view.id,
      trigger: view.trigger,
      actor: view.actor,
      dryRun: view.dry_run,
      startedAt,
      finishedAt,
      modelsScanned: view.models_scanned,
      archived: view.archived,
      purged: view.purged,
      blobsDeleted: view.blobs_deleted,
      uploadsAborted: view.uploads_aborted,
      failures: view.failures,
      bytesBefore: view.bytes_before,
      bytesFreed: view.bytes_freed,
      bytesAfter: view.bytes_after,
      details: details as unknown as Record<string, unknown>,
    })
    .run();
}

export function toRunView(row: RetentionRunRow): RetentionRunView {
  return {
    id: row.id,
    trigger: row.trigger,
    actor: row.actor,
    dry_run: row.dryRun,
    started_at: iso(row.startedAt),
    finished_at: iso(row.finishedAt),
    duration_ms: row.finishedAt - row.startedAt,
    models_scanned: row.modelsScanned,
    archived: row.archived,
    purged: row.purged,
    blobs_deleted: row.blobsDeleted,
    uploads_aborted: row.uploadsAborted,
    failures: row.failures,
    bytes_before: row.bytesBefore,
    bytes_freed: row.bytesFreed,
    bytes_after: row.bytesAfter,
    ...(row.details as unknown as RunDetails),
    backlog:
      (row.details as unknown as Partial<RunDetails>).backlog ??
      NO_BACKLOG({ archived: row.archived, purged: row.purged }),
  };
}

// ---- statement builders for the ModelLedger (the only writer) ----

export function upsertRetentionPolicy(
  db: Db,
  modelId: string,
  policy: RetentionPolicy,
  now: number,
  by: string,
): Statement {
  const row = {
    modelId,
    keepLast: policy.keep_last,
    archiveAfterDays: policy.archive_after_days,
    purgeAfterDays: policy.purge_after_days,
    keepTags: policy.keep_tags,
    updatedAt: now,
    updatedBy: by,
  };
  return db
    .insert(retentionPolicies)
    .values(row)
    .onConflictDoUpdate({ target: retentionPolicies.modelId, set: { ...row, modelId: undefined } });
}

/** Marks a version's artifacts purged: metadata and lineage stay, the files answer 410. */
export function markArtifactsPurged(db: Db, version: VersionRow, now: number): Statement {
  return db
    .update(modelVersions)
    .set({ status: ARTIFACTS_PURGED, updatedAt: now })
    .where(eq(modelVersions.id, version.id));
}
