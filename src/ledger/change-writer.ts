/**
 * How the ModelLedger writes: every change is read → decide → ONE atomic D1 batch of the change,
 * its hash-chained audit entry, its outbox event and its idempotency record, one change at a time.
 * The audit entry's UNIQUE(chain, seq) makes a stale writer's whole batch fail; the change is then
 * decided once more on fresh state. After commit the event is handed to the queue; if that fails
 * the outbox sweeper sends it later.
 */
import { commitBatch, type Db, iso } from "../db/client";
import { chainHead, insertAudit } from "../db/repos/audit-repo";
import { findIdempotent, type IdempotencyRow, insertIdempotent } from "../db/repos/idempotency-repo";
import { findModelRow, readModelView } from "../db/repos/models-repo";
import { insertEvent, markSent, type OutboxRow } from "../db/repos/outbox-repo";
import { readVersionView } from "../db/repos/versions-repo";
import { type AuditContent, auditHash, GENESIS_HASH } from "../domain/audit-chain";
import { newId } from "../lib/ids";
import { type Change, type ChangeContext, fail, type IdempotentRef, type LedgerResult } from "./ledger-types";
import { SerialQueue } from "./serial-queue";

export type Decide<T> = (now: number) => Promise<LedgerResult<Change<T>>>;

export class ChangeWriter {
  readonly #serial = new SerialQueue();
  /** Head (seq, hash) of each audit chain this writer extends; D1 is the record, this a cache. */
  readonly #heads = new Map<string, { seq: number; hash: string }>();
  readonly #db: Db;
  readonly #events: Queue;
  readonly #waitUntil: (promise: Promise<unknown>) => void;

  constructor(db: Db, events: Queue, waitUntil: (promise: Promise<unknown>) => void) {
    this.#db = db;
    this.#events = events;
    this.#waitUntil = waitUntil;
  }

  /** Runs one change: serialised, idempotent, decided again once if the view was stale. */
  run<T>(ctx: ChangeContext, decide: Decide<T>): Promise<LedgerResult<T>> {
    return this.#serial.run(async () => {
      if (ctx.idempotency) {
        const prior = await findIdempotent(this.#db, ctx.idempotency.key);
        if (prior) return this.#replay<T>(prior, ctx.idempotency.requestHash);
      }
      // A constraint failure means our view was stale (another instance wrote): decide once more.
      for (let attempt = 1; ; attempt++) {
        const now = Date.now();
        const decision = await decide(now);
        if (!decision.ok) return decision;
        const change = decision.value;
        if (change.statements.length === 0) return { ok: true, value: await change.respond() };
        try {
          const event = await this.#commit(change, ctx, now);
          if (event) this.#waitUntil(this.#publish(event));
        } catch (error) {
          this.#heads.delete(change.chain);
          if (!isConstraintError(error)) throw error;
          if (attempt >= 2) return fail("CONCURRENT_MODIFICATION", "the model changed concurrently; retry");
          continue;
        }
        return { ok: true, value: await change.respond() };
      }
    });
  }

  /** Writes the change, its audit entry, its event and its idempotency record in one batch. */
  async #commit<T>(change: Change<T>, ctx: ChangeContext, now: number): Promise<OutboxRow | null> {
    const head = await this.#head(change.chain);
    const entry: AuditContent = {
      chain: change.chain,
      seq: head.seq + 1,
      modelName: change.modelName,
      action: change.action,
      actor: ctx.actor.name,
      target: change.target,
      before: change.before ?? null,
      after: change.after ?? null,
      reason: ctx.reason ?? null,
      requestId: ctx.requestId,
      createdAt: now,
      prevHash: head.hash,
    };
    const hash = await auditHash(entry);
    const statements = [...change.statements, insertAudit(this.#db, { ...entry, hash })];
    let event: OutboxRow | null = null;
    const subject = change.modelName ?? change.event?.subject;
    if (change.event && subject) {
      const id = newId("evt");
      event = {
        id,
        modelId: change.event.modelId,
        modelName: subject,
        sequence: entry.seq,
        type: change.event.type,
        createdAt: now,
        sentAt: null,
        envelope: {
          id,
          type: change.event.type,
          timestamp: iso(now),
          sequence: entry.seq,
          model: subject,
          version: change.event.version,
          actor: ctx.actor.name,
          request_id: ctx.requestId,
          data: change.event.data,
        },
      };
      statements.push(insertEvent(this.#db, event));
    }
    if (ctx.idempotency && change.ref) {
      statements.push(
        insertIdempotent(this.#db, {
          key: ctx.idempotency.key,
          requestHash: ctx.idempotency.requestHash,
          status: 201,
          response: change.ref,
          createdAt: now,
        }),
      );
    }
    await commitBatch(this.#db, statements);
    this.#heads.set(change.chain, { seq: entry.seq, hash });
    return event;
  }

  async #head(chain: string) {
    const cached = this.#heads.get(chain);
    if (cached) return cached;
    const head = (await chainHead(this.#db, chain)) ?? { seq: 0, hash: GENESIS_HASH };
    this.#heads.set(chain, head);
    return head;
  }

  /** After commit: hand the event to the queue. A failure here is repaired by the outbox sweeper. */
  async #publish(event: OutboxRow): Promise<void> {
    try {
      await this.#events.send(event.envelope, { contentType: "json" });
      await markSent(this.#db, [event.id], Date.now());
    } catch (error) {
      console.warn(`event ${event.id} not enqueued; the outbox sweeper will retry`, error);
    }
  }

  async #replay<T>(prior: IdempotencyRow, requestHash: string): Promise<LedgerResult<T>> {
    if (prior.requestHash !== requestHash) {
      return fail("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used with a different request");
    }
    const ref = prior.response as IdempotentRef;
    const value =
      ref.kind === "model"
        ? await readModelView(this.#db, ref.name)
        : ref.kind === "version"
          ? await this.#readVersion(ref.name, ref.version)
          : null;
    if (!value) return fail("NOT_FOUND", "the resource created under this Idempotency-Key no longer exists");
    return { ok: true, value: value as T, replayed: true };
  }

  async #readVersion(name: string, version: number) {
    const model = await findModelRow(this.#db, name);
    return model ? readVersionView(this.#db, model, version) : null;
  }
}

function isConstraintError(error: unknown): boolean {
  return error instanceof Error && /constraint failed/i.test(`${error.message} ${String(error.cause ?? "")}`);
}
