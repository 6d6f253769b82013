/**
 * Outbox sweeper: re-enqueues events that were committed but never handed to the queue (the
 * process died between commit and send). Consumers deduplicate by event id, so a re-send after a
 * send that did succeed is harmless.
 */
import { createDb } from "../db/client";
import { markSent, unsentEvents } from "../db/repos/outbox-repo";
import type { EventEnvelope } from "../events/envelope";

/** Events younger than this are probably still being sent by the ledger that wrote them. */
export const SWEEP_GRACE_MS = 30_000;

export async function sweepOutbox(env: Env, now: number, limit = 500): Promise<{ requeued: number }> {
  const db = createDb(env.DB);
  const rows = await unsentEvents(db, now - SWEEP_GRACE_MS, limit);
  // Queues accept at most 100 messages per sendBatch.
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    await env.EVENTS.sendBatch(
      chunk.map((row) => ({ body: row.envelope as unknown as EventEnvelope, contentType: "json" })),
    );
    await markSent(
      db,
      chunk.map((row) => row.id),
      now,
    );
  }
  return { requeued: rows.length };
}
