/**
 * Replication (issue 16): copies the objects (chunks, single blobs) of every version that serves —
 * in Production or under a protected alias — to `BLOBS_REPLICA`. Runs on the `registry-verify`
 * queue as `replicate-model`, sent by the events consumer after a change that can make a version
 * serve (so nothing is lost: the event comes from the transactional outbox). Idempotent: objects the
 * replica is recorded to hold are skipped, an intact replica object is only recorded.
 */
import { createDb } from "../db/client";
import { recordReplica, replicatedHexes, servingObjects } from "../db/repos/replica-repo";
import type { EventEnvelope } from "../events/envelope";
import { mapLimited } from "../storage/blobs";
import type { VerifyMessage } from "../storage/chunked-files";
import { ensureReplica } from "../storage/replica";

/** Events after which a version may newly serve (a new Production, a (protected) alias, a policy). */
const SERVING_CHANGES = new Set([
  "model_version.stage_changed",
  "alias.set",
  "model.rolled_back",
  "rollout.completed",
  "model.updated",
]);

/**
 * Whether the event may make a version newly serve. An alias move counts only for a protected
 * alias; a stage change only into Production
 * (issue 13: a move to Staging or Archived serves nothing new, and each request costs a replication
 * pass over the model).
 */
export function mayServe(event: EventEnvelope): boolean {
  if (!SERVING_CHANGES.has(event.type)) return false;
  if (event.type === "alias.set") {
    // Only a protected alias makes its version serve; the ledger records which it was. Events
    // written before it did carry no flag and still count.
    return (event.data as { protected?: unknown }).protected !== false;
  }
  if (event.type !== "model_version.stage_changed") return true;
  const after = (event.data as { after?: { stage?: unknown } }).after;
  return after?.stage === undefined || after.stage === "Production";
}

/**
 * Called by the events consumer for each batch: one `replicate-model` per model however many of its events may
 * serve (a pass replicates the whole model).
 */
export async function replicateAfterAll(env: Env, events: EventEnvelope[]): Promise<void> {
  const models = [...new Set(events.filter(mayServe).map((e) => e.model))];
  if (models.length === 0) return;
  await env.VERIFY.sendBatch(
    models.map((model) => ({
      body: { kind: "replicate-model", model } satisfies VerifyMessage,
      contentType: "json" as const,
    })),
  );
}

export interface ReplicationResult {
  copied: number;
  present: number;
  /** Objects whose primary copy was missing or bad: left to the scrub (which repairs from either copy). */
  unavailable: number;
}

export async function replicateModel(env: Env, model: string, now: number): Promise<ReplicationResult> {
  const db = createDb(env.DB);
  const objects = await servingObjects(db, { model, limit: 1_000_000 });
  const held = await replicatedHexes(
    db,
    objects.map((o) => o.hex),
  );
  const result: ReplicationResult = { copied: 0, present: 0, unavailable: 0 };
  await mapLimited(
    objects.filter((o) => !held.has(o.hex)),
    8,
    async (object) => {
      const outcome = await ensureReplica(env, object.hex);
      result[outcome]++;
      if (outcome !== "unavailable") await recordReplica(db, object, now);
      else console.warn(`replication: the primary copy of sha256:${object.hex} is missing or bad`);
    },
  );
  return result;
}
