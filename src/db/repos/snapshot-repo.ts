/**
 * A model's whole record as stored rows, for `registry export` / `registry import` (disaster
 * recovery): the model, its tags, versions with their tags, aliases, policy, retention policy and
 * audit chain, verbatim (ids, numbers, timestamps, hashes), so a restore is exact and the chain
 * still verifies. Reads here; the writes are builders the ModelLedger batches.
 */
import { asc, eq, inArray } from "drizzle-orm";
import type { Db, Statement } from "../client";
import {
  aliases,
  auditLog,
  models,
  modelTags,
  modelVersions,
  policies,
  retentionPolicies,
  versionTags,
} from "../schema";
import { insertVersionIndexes } from "./discovery-index-repo";

type VersionRow = typeof modelVersions.$inferSelect;
/**
 * Without its row id: that is a registry-wide insertion number, not part of the chain (seq and hashes
 * are), and keeping it would collide with the rows of the target registry.
 */
type AuditRow = Omit<typeof auditLog.$inferSelect, "id">;

export interface ModelSnapshot {
  format: 1;
  model: typeof models.$inferSelect;
  model_tags: Record<string, string>;
  versions: (VersionRow & { tags: Record<string, string> })[];
  aliases: (typeof aliases.$inferSelect)[];
  policy: typeof policies.$inferSelect | null;
  retention: typeof retentionPolicies.$inferSelect | null;
  audit: AuditRow[];
}

export async function readModelSnapshot(db: Db, name: string): Promise<ModelSnapshot | null> {
  const model = await db.select().from(models).where(eq(models.name, name)).get();
  if (!model) return null;
  const [tags, versions, aliasRows, policy, retention, audit] = await Promise.all([
    db.select().from(modelTags).where(eq(modelTags.modelId, model.id)).orderBy(asc(modelTags.key)).all(),
    db
      .select()
      .from(modelVersions)
      .where(eq(modelVersions.modelId, model.id))
      .orderBy(asc(modelVersions.version))
      .all(),
    db.select().from(aliases).where(eq(aliases.modelId, model.id)).orderBy(asc(aliases.alias)).all(),
    db.select().from(policies).where(eq(policies.modelId, model.id)).get(),
    db.select().from(retentionPolicies).where(eq(retentionPolicies.modelId, model.id)).get(),
    db.select().from(auditLog).where(eq(auditLog.chain, model.id)).orderBy(asc(auditLog.seq)).all(),
  ]);
  const vtags = versions.length
    ? await db
        .select()
        .from(versionTags)
        .where(
          inArray(
            versionTags.versionId,
            versions.map((v) => v.id),
          ),
        )
        .orderBy(asc(versionTags.key))
        .all()
    : [];
  const tagsOf = (id: string) =>
    Object.fromEntries(vtags.filter((t) => t.versionId === id).map((t) => [t.key, t.value]));
  return {
    format: 1,
    model,
    model_tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    versions: versions.map((v) => ({ ...v, tags: tagsOf(v.id) })),
    aliases: aliasRows,
    policy: policy ?? null,
    retention: retention ?? null,
    audit: audit.map(({ id: _id, ...row }) => row),
  };
}

export async function modelIdTaken(db: Db, id: string): Promise<boolean> {
  const [model, audit] = await Promise.all([
    db.select({ id: models.id }).from(models).where(eq(models.id, id)).get(),
    db.select({ seq: auditLog.seq }).from(auditLog).where(eq(auditLog.chain, id)).limit(1).get(),
  ]);
  return Boolean(model || audit);
}

/** The statements that write a snapshot back, rows verbatim (audit in seq order). */
export function restoreStatements(db: Db, s: ModelSnapshot): Statement[] {
  const out: Statement[] = [db.insert(models).values(s.model)];
  for (const [key, value] of Object.entries(s.model_tags)) {
    out.push(db.insert(modelTags).values({ modelId: s.model.id, key, value }));
  }
  for (const { tags, ...row } of s.versions) {
    out.push(db.insert(modelVersions).values(row));
    for (const [key, value] of Object.entries(tags)) {
      out.push(db.insert(versionTags).values({ versionId: row.id, key, value }));
    }
    out.push(...insertVersionIndexes(db, row.id, row.modelId, row));
  }
  for (const alias of s.aliases) out.push(db.insert(aliases).values(alias));
  if (s.policy) out.push(db.insert(policies).values(s.policy));
  if (s.retention) out.push(db.insert(retentionPolicies).values(s.retention));
  for (const entry of s.audit) out.push(db.insert(auditLog).values(entry));
  return out;
}
