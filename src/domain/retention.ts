/**
 * Retention planning (issue #6). Pure: given one model's versions, the facts that protect some of
 * them, a policy and `now`, it says which versions to archive and which to purge, each with a reason.
 * The ledger runs the same function again on fresh state before it executes any single action, so a
 * version that became protected after the plan was made (an alias moved onto it) is never touched.
 *
 * The plan is a fixpoint: applying it and planning again at the same `now` yields nothing. A version
 * archived by this plan is therefore also purged by it when the purge grace is 0.
 */
import type { Stage } from "./lifecycle";
import { VALIDATION_TAG } from "./policy";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The status of a version whose artifacts were purged: metadata and lineage stay, files answer 410. */
export const ARTIFACTS_PURGED = "ARTIFACTS_PURGED";

export interface RetentionPolicy {
  /** The N highest-numbered versions are never touched. */
  keep_last: number;
  /** Archive versions in stage None older than this many days; null = never archive automatically. */
  archive_after_days: number | null;
  /** Purge the artifacts of versions Archived for this many days; null = never purge. */
  purge_after_days: number | null;
  /** A version carrying a tag with one of these keys (any value) is never touched. */
  keep_tags: string[];
}

/**
 * The policy of a model that has none: nothing is archived or purged automatically. Deleting
 * artifacts cannot be undone, so the registry only does it where an admin asked for it; the blob
 * GC still frees bytes that no version references at all.
 */
export const DEFAULT_RETENTION: RetentionPolicy = {
  keep_last: 10,
  archive_after_days: null,
  purge_after_days: null,
  keep_tags: ["keep"],
};

export interface VersionFacts {
  version: number;
  stage: Stage;
  status: string;
  createdAt: number;
  /** Last change of the row; for an Archived version a lower bound of when it was archived. */
  updatedAt: number;
  tags: Record<string, string>;
  aliases: string[];
  needsReview: boolean;
  pendingApproval: boolean;
  /** Some version (of any model) names this one as its parent. */
  isParent: boolean;
}

export interface ModelFacts {
  name: string;
  previousProductionVersion: number | null;
  versions: VersionFacts[];
}

export type Protection =
  | "production"
  | "rollback_target"
  | "staging"
  | "alias"
  | "parent"
  | "under_review"
  | "keep_tag"
  | "keep_last";

export interface RetentionAction {
  kind: "archive" | "purge";
  model: string;
  version: number;
  reason: string;
}

/** Why a version must not be touched, or null when the policy may act on it. */
export function protectionOf(
  v: VersionFacts,
  model: Pick<ModelFacts, "previousProductionVersion">,
  policy: RetentionPolicy,
  newest: number[],
): Protection | null {
  if (v.stage === "Production") return "production";
  if (v.version === model.previousProductionVersion) return "rollback_target";
  if (v.stage === "Staging") return "staging";
  if (v.aliases.length > 0) return "alias";
  if (v.isParent) return "parent";
  if (v.needsReview || v.pendingApproval) return "under_review";
  if (policy.keep_tags.some((key) => Object.hasOwn(v.tags, key))) return "keep_tag";
  if (newest.includes(v.version)) return "keep_last";
  return null;
}

const days = (ms: number) => Math.floor(ms / DAY_MS);

/** Versions that keep_last protects: the N highest version numbers. */
export function newestVersions(model: ModelFacts, keepLast: number): number[] {
  return model.versions
    .map((v) => v.version)
    .sort((a, b) => b - a)
    .slice(0, Math.max(0, keepLast));
}

export function planModel(model: ModelFacts, policy: RetentionPolicy, now: number): RetentionAction[] {
  const newest = newestVersions(model, policy.keep_last);
  return [...model.versions]
    .sort((a, b) => a.version - b.version)
    .flatMap((v) => planVersion(v, model, policy, newest, now));
}

/**
 * The actions for one version (issue #19: the ledger's per-action re-check plans only the version
 * it acts on, so an action costs O(1) reads instead of re-reading a model of 10,000 versions).
 * `newest` needs only to say whether this version is among the keep_last highest.
 */
export function planVersion(
  v: VersionFacts,
  model: Pick<ModelFacts, "name" | "previousProductionVersion">,
  policy: RetentionPolicy,
  newest: number[],
  now: number,
): RetentionAction[] {
  const actions: RetentionAction[] = [];
  const archiveMs = policy.archive_after_days === null ? null : policy.archive_after_days * DAY_MS;
  const purgeMs = policy.purge_after_days === null ? null : policy.purge_after_days * DAY_MS;
  if (v.status === ARTIFACTS_PURGED || protectionOf(v, model, policy, newest) !== null) return actions;
  let stage = v.stage;
  let archivedSince = v.updatedAt;
  // Clamped at 0: the ledger stamps rows with its own clock, which may run a little ahead of `now`.
  if (stage === "None" && archiveMs !== null && Math.max(0, now - v.createdAt) >= archiveMs) {
    actions.push({
      kind: "archive",
      model: model.name,
      version: v.version,
      reason: `registered ${days(Math.max(0, now - v.createdAt))} day(s) ago, policy archives unprotected versions after ${policy.archive_after_days}`,
    });
    stage = "Archived";
    archivedSince = now;
  }
  if (stage === "Archived" && purgeMs !== null && Math.max(0, now - archivedSince) >= purgeMs) {
    actions.push({
      kind: "purge",
      model: model.name,
      version: v.version,
      reason: `archived for ${days(Math.max(0, now - archivedSince))} day(s), policy purges artifacts after ${policy.purge_after_days}`,
    });
  }
  return actions;
}

/** True when `plan` (fresh) still contains exactly this action: the ledger's re-check. */
export function stillPlanned(plan: RetentionAction[], kind: RetentionAction["kind"], version: number) {
  return plan.find((a) => a.kind === kind && a.version === version) ?? null;
}

// ---- issue #19: retention at scale ----

/** The tag registration gates put on a version that failed them with `on_fail: "tag"`. */
export function isCandidate(v: Pick<VersionFacts, "tags">): boolean {
  return v.tags[VALIDATION_TAG] === "candidate";
}

export interface RunBudget<A> {
  /** What this run carries out, candidates first. */
  now: A[];
  /** Planned actions left for later runs. */
  deferred: number;
  /** Runs the whole planned backlog needs at this cap (this one included); 0 when nothing is planned. */
  runsNeeded: number;
}

/**
 * Cuts a run's plan to at most `maxActions`, versions tagged `candidate` first (they failed the
 * registration gates, so they are the first to go), otherwise in plan order. The sort is stable, so
 * a version's purge stays after its archive. The rest waits for the next run, which plans again.
 */
export function budgetRun<A extends { candidate: boolean }>(planned: A[], maxActions: number): RunBudget<A> {
  const ordered = [...planned].sort((a, b) => Number(b.candidate) - Number(a.candidate));
  const now = ordered.slice(0, maxActions);
  return {
    now,
    deferred: planned.length - now.length,
    runsNeeded: Math.ceil(planned.length / Math.max(1, maxActions)),
  };
}
