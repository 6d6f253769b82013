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

/** Called by the events consumer for every event: asks for replication when the event may need it. */
export async function replicateAfter(env: Env, event: EventEnvelope): Promise<void> {
  if (!SERVING_CHANGES.has(event.type)) return;
  await env.VERIFY.send({ kind: "replicate-model", model: event.model } satisfies VerifyMessage);
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
