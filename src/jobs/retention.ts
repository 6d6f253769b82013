/**
 * The retention run (issue #6): plans every model's policy, carries each archive/purge out through
 * that model's ledger (audited, with an event), then blob GC and stale-upload cleanup. The cron
 * trigger and `POST /admin/retention/run` both call `runRetention`; a dry run plans the same steps
 * and changes nothing but the stored summary.
 */
import { createDb, type Db, iso } from "../db/client";
import { insertRetentionRun, modelsForRetention, readModelFacts } from "../db/repos/retention-repo";
import { budgetRun, isCandidate, planModel, type RetentionAction } from "../domain/retention";
import { ledgerFor, unwrap } from "../ledger/ledger-client";
import type { ChangeContext, LedgerResult } from "../ledger/ledger-types";
import { base64url, randomBytes } from "../lib/crypto";
import type { RetentionRunView } from "../schemas/retention";
import { listStoredBlobs } from "../storage/blob-gc-store";
import { collectBlobs } from "./blob-gc";
import { abortStaleUploads } from "./stale-uploads";

type Outcome = RetentionRunView["actions"][number];

export interface RetentionRunOptions {
  now: number;
  dryRun: boolean;
  trigger: "cron" | "admin";
  actor: { id: string; name: string };
  requestId: string;
  /** Overrides the per-run action cap (admin `max_actions`); see maxActionsPerRun. */
  maxActions?: number | undefined;
}

/** Summaries keep at most this many entries per list, so a huge run still fits in one D1 row. */
const DETAIL_CAP = 1000;

/** Actions per ledger call: bounds one Durable Object request's CPU and the RPC's payload. */
const ACTIONS_PER_CALL = 100;

const outcomeOf = (action: RetentionAction, result: LedgerResult<unknown>): Outcome => {
  if (result.ok) return { ...action, outcome: "done" };
  // Not eligible any more, or deleted since the plan: nothing to do, nothing wrong.
  const gone = ["RETENTION_NOT_ELIGIBLE", "MODEL_NOT_FOUND", "VERSION_NOT_FOUND"].includes(result.code);
  return { ...action, outcome: gone ? "skipped" : "failed", detail: `${result.code}: ${result.detail}` };
};

/**
 * Carries out one model's share of the run through its ledger, ACTIONS_PER_CALL per call (issue
 * #19: one subrequest per call, not per action); each action is still decided and audited alone.
 * Archives first, then the purges of versions whose archive is done (a purge planned right after
 * an archive that did not happen would be refused anyway). Outcomes come back in the given order.
 */
async function execute(env: Env, model: string, actions: RetentionAction[], opts: RetentionRunOptions) {
  const ctx: ChangeContext = { actor: opts.actor, requestId: opts.requestId };
  const ledger = ledgerFor(env, model);
  const outcomes = new Map<RetentionAction, Outcome>();
  const call = async (batch: RetentionAction[]) => {
    for (let i = 0; i < batch.length; i += ACTIONS_PER_CALL) {
      const chunk = batch.slice(i, i + ACTIONS_PER_CALL);
      try {
        const results = unwrap(await ledger.applyRetention(model, chunk, opts.now, ctx));
        chunk.forEach((action, j) => {
          const result = results[j] ?? { ok: false as const, code: "INTERNAL" as const, detail: "no result" };
          outcomes.set(action, outcomeOf(action, result));
        });
      } catch (error) {
        for (const action of chunk)
          outcomes.set(action, { ...action, outcome: "failed", detail: String(error) });
      }
    }
  };
  await call(actions.filter((a) => a.kind === "archive"));
  const archived = new Map(
    actions.filter((a) => a.kind === "archive").map((a) => [a.version, outcomes.get(a)]),
  );
  const purges = actions.filter((a) => a.kind === "purge");
  for (const action of purges) {
    const archive = archived.get(action.version);
    if (archive && archive.outcome !== "done")
      outcomes.set(action, { ...action, outcome: "skipped", detail: "its archive was not carried out" });
  }
  await call(purges.filter((a) => !outcomes.has(a)));
  return actions.map(
    (a) => outcomes.get(a) ?? { ...a, outcome: "failed" as const, detail: "not carried out" },
  );
}

/**
 * The most archive/purge actions one run carries out (issue #19). The actions go to each model's
 * ledger ACTIONS_PER_CALL at a time, one subrequest per call (Workers Paid: 10,000 per invocation,
 * 1,000 on older plans; Free: 50), but each is still its own D1 batch share with audit entry and
 * event, and the ledger's time is what a run spends: measured locally at tens of ms per action on a
 * loaded machine. 500 keeps a run to seconds or tens of seconds of waiting on ledgers (little CPU in
 * the cron's own invocation) and its subrequests far below any paid plan's limit, leaving room for
 * blob GC's R2 listing and deletes; the 5-minute trigger takes up the rest.
 * Deployments on the Free plan, or with slow ledgers, set `RETENTION_MAX_ACTIONS_PER_RUN` lower.
 */
export const DEFAULT_MAX_ACTIONS_PER_RUN = 500;

/** The per-run cap: the option (admin `max_actions`), else the Worker var, else the default. */
export function maxActionsPerRun(env: Env, override?: number): number {
  if (override !== undefined) return override;
  const raw = (env as unknown as Record<string, unknown>).RETENTION_MAX_ACTIONS_PER_RUN;
  const n = Number(raw);
  return typeof raw === "string" && Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_ACTIONS_PER_RUN;
}

/** Every model's plan, each action marked when its version is a registration-gate `candidate`. */
async function planAll(db: Db, now: number) {
  const targets = await modelsForRetention(db);
  const planned: (RetentionAction & { candidate: boolean })[] = [];
  for (const { model, policy } of targets) {
    const facts = await readModelFacts(db, model);
    const candidates = new Set(facts.versions.filter(isCandidate).map((v) => v.version));
    for (const action of planModel(facts, policy, now))
      planned.push({ ...action, candidate: candidates.has(action.version) });
  }
  return { modelsScanned: targets.length, planned };
}

async function applyPolicies(env: Env, db: Db, opts: RetentionRunOptions) {
  const outcomes: Outcome[] = [];
  const { modelsScanned, planned } = await planAll(db, opts.now);
  const maxActions = maxActionsPerRun(env, opts.maxActions);
  // At most maxActions per run, candidates first; the next run plans the rest again on fresh state.
  const budget = budgetRun(planned, maxActions);
  const taken = budget.now.map(({ candidate: _, ...action }) => action);
  if (opts.dryRun) {
    outcomes.push(...taken.map((action) => ({ ...action, outcome: "planned" as const })));
  } else {
    // Per model, in the budget's order (candidates first; a version's archive before its purge).
    const byModel = Map.groupBy(taken, (a) => a.model);
    for (const [model, actions] of byModel) outcomes.push(...(await execute(env, model, actions, opts)));
  }
  const backlog = {
    planned: planned.length,
    max_actions: maxActions,
    deferred: budget.deferred,
    runs_needed: budget.runsNeeded,
    candidates: planned.filter((a) => a.candidate).length,
  };
  return { modelsScanned, outcomes, backlog };
}

const sum = (sizes: { size: number }[]) => sizes.reduce((total, b) => total + b.size, 0);

export async function runRetention(env: Env, opts: RetentionRunOptions): Promise<RetentionRunView> {
  const db = createDb(env.DB);
  const startedAt = Date.now();
  const stored = await listStoredBlobs(env);
  const bytesBefore = sum(stored);
  const policies = await applyPolicies(env, db, opts);
  const gc = await collectBlobs(env, db, stored, opts);
  const uploads = await abortStaleUploads(env, db, opts);
  // A real run measures R2 again; a dry run can only project.
  const bytesAfter = opts.dryRun ? bytesBefore - gc.bytesFreed : sum(await listStoredBlobs(env));
  const finishedAt = Date.now();
  const done = (kind: RetentionAction["kind"]) =>
    policies.outcomes.filter((o) => o.kind === kind && o.outcome === (opts.dryRun ? "planned" : "done"))
      .length;
  const view: RetentionRunView = {
    id: `ret_${base64url(randomBytes(12))}`,
    trigger: opts.trigger,
    actor: opts.actor.name,
    dry_run: opts.dryRun,
    started_at: iso(startedAt),
    finished_at: iso(finishedAt),
    duration_ms: finishedAt - startedAt,
    models_scanned: policies.modelsScanned,
    archived: done("archive"),
    purged: done("purge"),
    blobs_deleted: gc.deleted.length,
    uploads_aborted: uploads.aborted.length,
    failures: policies.outcomes.filter((o) => o.outcome === "failed").length + gc.failures + uploads.failures,
    bytes_before: bytesBefore,
    bytes_freed: gc.bytesFreed,
    bytes_after: bytesAfter,
    actions: policies.outcomes.slice(0, DETAIL_CAP),
    blobs: gc.deleted.slice(0, DETAIL_CAP),
    uploads: uploads.aborted.slice(0, DETAIL_CAP),
    blobs_marked: gc.marked,
    backlog: policies.backlog,
  };
  await insertRetentionRun(db, view, startedAt, finishedAt);
  return view;
}
