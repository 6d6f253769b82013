/** Approval requests and their votes: reads for routes and ledger, statement builders for the ledger. */
import { and, asc, desc, eq, exists, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { ApprovalRequestView } from "../../schemas/governance";
import { type Db, iso, isoOrNull, type Statement } from "../client";
import { approvalRequests, approvals, models } from "../schema";
import { scopeCondition } from "./scope-filter";

export type ApprovalRequestRow = typeof approvalRequests.$inferSelect;
export type ApprovalRow = typeof approvals.$inferSelect;
export type RequestStatus = ApprovalRequestRow["status"];

export async function findRequest(db: Db, id: string): Promise<ApprovalRequestRow | undefined> {
  return db.select().from(approvalRequests).where(eq(approvalRequests.id, id)).get();
}

/** The request's model name (null when the model is gone): routes check scope before answering. */
export async function requestModelName(db: Db, id: string): Promise<string | null> {
  const row = await db
    .select({ name: models.name })
    .from(approvalRequests)
    .innerJoin(models, eq(models.id, approvalRequests.modelId))
    .where(eq(approvalRequests.id, id))
    .get();
  return row?.name ?? null;
}

export async function findPendingRequest(db: Db, modelId: string, version: number) {
  return db
    .select()
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.modelId, modelId),
        eq(approvalRequests.version, version),
        eq(approvalRequests.status, "pending"),
      ),
    )
    .get();
}

/** True when some request for this version reached its approvals. */
export async function hasApprovedRequest(db: Db, modelId: string, version: number): Promise<boolean> {
  const row = await db
    .select({ id: approvalRequests.id })
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.modelId, modelId),
        eq(approvalRequests.version, version),
        eq(approvalRequests.status, "approved"),
      ),
    )
    .get();
  return row !== undefined;
}

export async function votesFor(db: Db, requestIds: string[]): Promise<ApprovalRow[]> {
  if (requestIds.length === 0) return [];
  return db
    .select()
    .from(approvals)
    .where(inArray(approvals.requestId, requestIds))
    .orderBy(asc(approvals.createdAt), asc(approvals.approver))
    .all();
}

export function toRequestView(modelName: string, row: ApprovalRequestRow, votes: ApprovalRow[]) {
  const mine = votes.filter((v) => v.requestId === row.id);
  return {
    id: row.id,
    name: modelName,
    version: row.version,
    to: row.toStage,
    status: row.status,
    required_approvals: row.requiredApprovals,
    approvals: mine
      .filter((v) => v.decision === "approve")
      .map((v) => ({ approver: v.approver, comment: v.comment, created_at: iso(v.createdAt) })),
    rejections: mine
      .filter((v) => v.decision === "reject")
      .map((v) => ({ approver: v.approver, comment: v.comment, created_at: iso(v.createdAt) })),
    requested_by: row.requestedBy,
    comment: row.comment,
    created_at: iso(row.createdAt),
    decided_at: isoOrNull(row.decidedAt),
    compatibility: (row.compatibility ?? null) as ApprovalRequestView["compatibility"],
  } satisfies ApprovalRequestView;
}

export async function readRequestView(db: Db, id: string): Promise<ApprovalRequestView | null> {
  const row = await db
    .select({ request: approvalRequests, name: models.name })
    .from(approvalRequests)
    .innerJoin(models, eq(models.id, approvalRequests.modelId))
    .where(eq(approvalRequests.id, id))
    .get();
  if (!row) return null;
  return toRequestView(row.name, row.request, await votesFor(db, [id]));
}

export interface ListRequestsOptions {
  status: RequestStatus | undefined;
  scopes: string[] | null;
  model: string | undefined;
  /** Token id of whoever opened the request, or of one who voted on it (issue #19). */
  requester: string | undefined;
  decider: string | undefined;
  pageSize: number;
  /** Keyset: (created_at, id) of the last row served, newest first. */
  after: { createdAt: number; id: string } | null;
}

export async function listRequests(db: Db, opts: ListRequestsOptions) {
  const after: SQL | undefined = opts.after
    ? or(
        lt(approvalRequests.createdAt, opts.after.createdAt),
        and(eq(approvalRequests.createdAt, opts.after.createdAt), lt(approvalRequests.id, opts.after.id)),
      )
    : undefined;
  const rows = await db
    .select({ request: approvalRequests, name: models.name })
    .from(approvalRequests)
    .innerJoin(models, eq(models.id, approvalRequests.modelId))
    .where(
      and(
        opts.status ? eq(approvalRequests.status, opts.status) : undefined,
        opts.model ? eq(models.name, opts.model) : undefined,
        opts.requester
          ? or(
              eq(approvalRequests.requesterId, opts.requester),
              eq(approvalRequests.requestedBy, opts.requester),
            )
          : undefined,
        opts.decider
          ? exists(
              db
                .select({ one: sql`1` })
                .from(approvals)
                .where(
                  and(
                    eq(approvals.requestId, approvalRequests.id),
                    or(eq(approvals.approverId, opts.decider), eq(approvals.approver, opts.decider)),
                  ),
                ),
            )
          : undefined,
        scopeCondition(models.name, opts.scopes),
        after,
      ),
    )
    .orderBy(desc(approvalRequests.createdAt), desc(approvalRequests.id))
    .limit(opts.pageSize + 1)
    .all();
  const page = rows.slice(0, opts.pageSize);
  const votes = await votesFor(
    db,
    page.map((r) => r.request.id),
  );
  return {
    items: page.map((r) => toRequestView(r.name, r.request, votes)),
    last: rows.length > opts.pageSize ? (page.at(-1)?.request ?? null) : null,
  };
}

// ---- statement builders for the ModelLedger (the only writer) ----

export function insertRequest(db: Db, row: typeof approvalRequests.$inferInsert): Statement {
  return db.insert(approvalRequests).values(row);
}

export function insertVote(db: Db, row: typeof approvals.$inferInsert): Statement {
  return db.insert(approvals).values(row);
}

/** Decides a request, only if it is still pending (a stale decision then changes nothing). */
export function decideRequest(db: Db, id: string, status: RequestStatus, now: number): Statement {
  return db
    .update(approvalRequests)
    .set({ status, decidedAt: now })
    .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, "pending")));
}

/** Cancels whatever is pending for a version that leaves Staging by another road. */
export function cancelPending(db: Db, modelId: string, version: number, now: number): Statement {
  return db
    .update(approvalRequests)
    .set({ status: "cancelled", decidedAt: now })
    .where(
      and(
        eq(approvalRequests.modelId, modelId),
        eq(approvalRequests.version, version),
        eq(approvalRequests.status, "pending"),
      ),
    );
}
