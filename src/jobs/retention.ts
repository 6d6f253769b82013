/**
 * The retention run (issue #6): plans every model's policy, carries each archive/purge out through
 * that model's ledger (audited, with an event), then blob GC and stale-upload cleanup. The cron
 * trigger and `POST /admin/retention/run` both call `runRetention`; a dry run plans the same steps
 * and changes nothing but the stored summary.
 */
import { createDb, type Db, iso } from "../db/client";
import { insertRetentionRun, modelsForRetention, readModelFacts } from "../db/repos/retention-repo";
import { planModel, type RetentionAction } from "../domain/retention";
import { ledgerFor } from "../ledger/ledger-client";
import type { ChangeContext } from "../ledger/ledger-types";
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
}

/** Summaries keep at most this many entries per list, so a huge run still fits in one D1 row. */
const DETAIL_CAP = 1000;

async function execute(env: Env, action: RetentionAction, opts: RetentionRunOptions): Promise<Outcome> {
  const ctx: ChangeContext = { actor: opts.actor, requestId: opts.requestId, reason: action.reason };
  const ledger = ledgerFor(env, action.model);
  try {
    const result =
      action.kind === "archive"
        ? await ledger.archiveForRetention(action.model, action.version, opts.now, ctx)
        : await ledger.purgeArtifacts(action.model, action.version, opts.now, ctx);
    if (result.ok) return { ...action, outcome: "done" };
    // Not eligible any more, or deleted since the plan: nothing to do, nothing wrong.
    const gone = ["RETENTION_NOT_ELIGIBLE", "MODEL_NOT_FOUND", "VERSION_NOT_FOUND"].includes(result.code);
    const outcome = gone ? "skipped" : "failed";
    return { ...action, outcome, detail: `${result.code}: ${result.detail}` };
  } catch (error) {
    return { ...action, outcome: "failed", detail: String(error) };
  }
}

async function applyPolicies(env: Env, db: Db, opts: RetentionRunOptions) {
  const outcomes: Outcome[] = [];
  const targets = await modelsForRetention(db);
  for (const { model, policy } of targets) {
    const plan = planModel(await readModelFacts(db, model), policy, opts.now);
    const refused = new Set<number>();
    for (const action of plan) {
      if (opts.dryRun) {
        outcomes.push({ ...action, outcome: "planned" });
        continue;
      }
      // A purge planned right after an archive that did not happen would be refused anyway.
      if (refused.has(action.version)) {
        outcomes.push({ ...action, outcome: "skipped", detail: "its archive was not carried out" });
        continue;
      }
      const outcome = await execute(env, action, opts);
      if (outcome.outcome !== "done") refused.add(action.version);
      outcomes.push(outcome);
    }
  }
  return { modelsScanned: targets.length, outcomes };
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
  };
  await insertRetentionRun(db, view, startedAt, finishedAt);
  return view;
}
