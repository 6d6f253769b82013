/**
 * How the ModelLedger writes: every change is read → decide → ONE atomic D1 batch of the change,
 * its hash-chained audit entry, its outbox event and its idempotency record.
 * The audit entry's UNIQUE(chain, seq) makes a stale writer's whole batch fail; the change is then
 * decided once more on fresh state. After commit the event is handed to the queue; if that fails
 * the outbox sweeper sends it later.
 *
 * Group commit: changes that say they may be grouped (`{ group: true }`; registrations) and are
 * waiting in the queue together are decided one after another against the writer's in-memory head
 * (audit seq and hash per chain, the model's latest version) and written as ONE D1 batch, each with
 * its own audit entry, event and sequence number. If that batch fails, nothing of it landed: the
 * head is dropped (read again from D1) and each change runs again on its own, so one bad change
 * never fails another (invariant 10). Any other change runs alone, after the group before it.
 *
 * Head state (issue 13): the writer also keeps each model's row as the last committed change left
 * it, so a change is decided without reading the model again. A change that declares the row it
 * leaves (`Change.model`) updates it; any other committed change, and any failed batch (a fencing
 * failure: someone else extended the chain), drops it, and the next change reads D1 again.
 * Alias moves keep their own facts there too (alias-head.ts), which only alias changes keep alive.
 * Events are marked sent in one statement per burst, not one per change (the sweeper's grace
 * period is far longer than the wait).
 *
 * Issue 13, third round: alias moves and stage transitions group-commit too. A grouped change names
 * the state it read and wrote (`Change.conflicts`: an alias, a version, the Production slot); one
 * whose keys meet an earlier change's in the same group is not written with it but goes back to
 * the head of the queue and is decided again once that batch landed, so every change in a batch is
 * decided on exactly the state the changes before it leave. Changes in a group see the model row as
 * the earlier ones left it (`cachedModel`). The mark-sent UPDATE rides on the next batch when one
 * comes within the wait, so a burst of changes costs no write of its own. A group's events reach
 * the queue in one `sendBatch` (a queue send per change was a quarter of an alias move's CPU).
 */
import { commitBatch, type Db, iso, type Statement } from "../db/client";
import { chainHead, insertAudit } from "../db/repos/audit-repo";
import { findIdempotent, type IdempotencyRow, insertIdempotent } from "../db/repos/idempotency-repo";
import { findModelRow, type ModelRow, readModelView } from "../db/repos/models-repo";
import { insertEvent, markSent, markSentStatements, type OutboxRow } from "../db/repos/outbox-repo";
import { readVersionView } from "../db/repos/versions-repo";
import { type AuditContent, auditHash, GENESIS_HASH } from "../domain/audit-chain";
import { newId } from "../lib/ids";
import { AliasHead } from "./alias-head";
import { type Change, type ChangeContext, fail, type IdempotentRef, type LedgerResult } from "./ledger-types";

export type Decide<T> = (now: number) => Promise<LedgerResult<Change<T>>>;

/** How many waiting changes one batch may carry (D1 batches are bounded in size). */
const MAX_GROUP = 32;

/**
 * How long sent events wait to be marked sent together (one UPDATE for a burst of changes instead
 * of one per change) when no batch comes first to carry the UPDATE. Far below the outbox sweeper's
 * grace period (30 s), so nothing is sent twice.
 */
const MARK_SENT_DELAY_MS = 500;

interface Waiting {
  ctx: ChangeContext;
  decide: Decide<unknown>;
  group: boolean;
  resolve: (result: LedgerResult<unknown>) => void;
  reject: (error: unknown) => void;
}

interface Head {
  seq: number;
  hash: string;
}

export class ChangeWriter {
  readonly #waiting: Waiting[] = [];
  #running = false;
  /** Head (seq, hash) of each audit chain this writer extends; D1 is the record, this a cache. */
  readonly #heads = new Map<string, Head>();
  /** The latest version decided (not yet committed) per model id, inside the current group. */
  readonly #pendingVersions = new Map<string, number>();
  /** Model rows by name as the last committed change left them (the head state; D1 is the record). */
  readonly #models = new Map<string, ModelRow>();
  /** Model rows as the changes decided so far in the current group leave them (not yet in D1). */
  readonly #pendingModels = new Map<string, ModelRow>();
  /** Each model's policy as read since the head was last dropped (by model id; head state too). */
  readonly #policies = new Map<string, Promise<unknown>>();
  /** What alias moves decide on, per model id (head state too; see alias-head.ts). */
  readonly #aliasHeads = new Map<string, AliasHead>();
  /** Events handed to the queue and not yet marked sent in D1. */
  #sent: string[] = [];
  /** A standalone mark-sent UPDATE is scheduled (in case no batch carries the marks first). */
  #markScheduled = false;
  readonly #db: Db;
  readonly #events: Queue;
  readonly #waitUntil: (promise: Promise<unknown>) => void;
  /** D1 batches written so far (tests and benchmarks read it to see grouping happen). */
  batches = 0;

  constructor(db: Db, events: Queue, waitUntil: (promise: Promise<unknown>) => void) {
    this.#db = db;
    this.#events = events;
    this.#waitUntil = waitUntil;
  }

  /** Runs one change: serialised, idempotent, decided again once if the view was stale. */
  run<T>(ctx: ChangeContext, decide: Decide<T>, options: { group?: boolean } = {}): Promise<LedgerResult<T>> {
    return new Promise<LedgerResult<T>>((resolve, reject) => {
      this.#waiting.push({
        ctx,
        decide: decide as Decide<unknown>,
        group: options.group === true,
        resolve: resolve as (result: LedgerResult<unknown>) => void,
        reject,
      });
      if (!this.#running) {
        this.#running = true;
        // Start on the next microtask, so changes submitted together are grouped together.
        queueMicrotask(() => void this.#drain());
      }
    });
  }

  /**
   * A model row as the change being decided must see it: with the versions decided earlier in the
   * same group (not yet in D1) counted, so registrations in one batch get consecutive numbers.
   */
  headModel<M extends { id: string; lastVersion: number }>(model: M): M {
    const pending = this.#pendingVersions.get(model.id);
    return pending !== undefined && pending > model.lastVersion ? { ...model, lastVersion: pending } : model;
  }

  /** The model row as committed changes left it, when this writer knows it (no D1 read). */
  cachedModel(name: string): ModelRow | undefined {
    return this.#pendingModels.get(name) ?? this.#models.get(name);
  }

  /** Remembers a model row just read from D1 (a cold start, or after the head was dropped). */
  rememberModel(row: ModelRow): void {
    this.#models.set(row.name, row);
  }

  /**
   * The model's policy from the head state, read once from D1 until the head is dropped (any
   * change that does not declare its model row, `setPolicy` among them, drops it).
   */
  headPolicy<P>(modelId: string, read: () => Promise<P>): Promise<P> {
    let policy = this.#policies.get(modelId) as Promise<P> | undefined;
    if (!policy) {
      policy = read();
      this.#policies.set(modelId, policy);
      policy.catch(() => this.#policies.delete(modelId));
    }
    return policy;
  }

  /** The model's alias head state: what alias moves decide on without reading D1. */
  aliasHead(modelId: string): AliasHead {
    let head = this.#aliasHeads.get(modelId);
    if (!head) {
      head = new AliasHead();
      this.#aliasHeads.set(modelId, head);
    }
    return head;
  }

  /** Forgets the head state (model rows, policies, alias facts): the next change reads D1 again. */
  #dropHead(): void {
    this.#models.clear();
    this.#policies.clear();
    this.#aliasHeads.clear();
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        const first = this.#waiting.shift();
        if (!first) return;
        if (!first.group) {
          await this.#settle(first, () => this.#runOne(first));
          continue;
        }
        const group = [first];
        const keys = new Set<string>();
        const keyOf = (item: Waiting) => item.ctx.idempotency?.key;
        const firstKey = keyOf(first);
        if (firstKey) keys.add(firstKey);
        // A second request with the same Idempotency-Key must see the first one's record: next group.
        for (let next = this.#waiting[0]; next?.group && group.length < MAX_GROUP; next = this.#waiting[0]) {
          const key = keyOf(next);
          if (key && keys.has(key)) break;
          if (key) keys.add(key);
          group.push(next);
          this.#waiting.shift();
        }
        if (group.length === 1) await this.#settle(first, () => this.#runOne(first));
        else await this.#runGroup(group);
      }
    } finally {
      this.#running = false;
      if (this.#waiting.length > 0) {
        this.#running = true;
        queueMicrotask(() => void this.#drain());
      }
    }
  }

  async #settle(item: Waiting, task: () => Promise<LedgerResult<unknown>>): Promise<void> {
    try {
      item.resolve(await task());
    } catch (error) {
      item.reject(error);
    }
  }

  /** One change in its own batch; a constraint failure (stale view) is decided once more. */
  async #runOne(item: Waiting): Promise<LedgerResult<unknown>> {
    const { ctx, decide } = item;
    if (ctx.idempotency) {
      const prior = await findIdempotent(this.#db, ctx.idempotency.key);
      if (prior) return this.#replay(prior, ctx.idempotency.requestHash);
    }
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      const decision = await decide(now);
      if (!decision.ok) return decision;
      const change = decision.value;
      if (change.statements.length === 0) return { ok: true, value: await change.respond() };
      const heads = new Map<string, Head>();
      try {
        const built = await this.#build(change, ctx, now, heads);
        await this.#commit(built.statements);
        this.#adopt(heads, [change]);
        if (built.event) this.#waitUntil(this.#publish([built.event]));
      } catch (error) {
        this.#heads.delete(change.chain);
        this.#dropHead();
        if (!isConstraintError(error)) throw error;
        if (attempt >= 2) return fail("CONCURRENT_MODIFICATION", "the model changed concurrently; retry");
        continue;
      }
      return { ok: true, value: await change.respond() };
    }
  }

  /** Decides each change against the in-memory head, then writes them all in one batch. */
  async #runGroup(group: Waiting[]): Promise<void> {
    const heads = new Map<string, Head>();
    const decided: { item: Waiting; change: Change<unknown>; event: OutboxRow | null }[] = [];
    const statements: Statement[] = [];
    /** The conflict keys of the changes decided so far in this group. */
    const taken = new Set<string>();
    try {
      for (const [index, item] of group.entries()) {
        try {
          const { ctx } = item;
          const prior = ctx.idempotency ? await findIdempotent(this.#db, ctx.idempotency.key) : undefined;
          if (prior && ctx.idempotency) {
            item.resolve(await this.#replay(prior, ctx.idempotency.requestHash));
            continue;
          }
          const now = Date.now();
          const decision = await item.decide(now);
          if (!decision.ok) {
            item.resolve(decision);
            continue;
          }
          const change = decision.value;
          if (change.conflicts?.some((key) => taken.has(key))) {
            // It read what an earlier change of this group writes: decide it again after this
            // batch (first in the queue, with everything behind it in order).
            this.#waiting.unshift(...group.slice(index));
            break;
          }
          if (change.statements.length === 0) {
            item.resolve({ ok: true, value: await change.respond() });
            continue;
          }
          const built = await this.#build(change, ctx, now, heads);
          statements.push(...built.statements);
          decided.push({ item, change, event: built.event });
          for (const key of change.conflicts ?? []) taken.add(key);
          if (change.lastVersion !== undefined && change.event) {
            this.#pendingVersions.set(change.event.modelId, change.lastVersion);
          }
          if (change.model) this.#pendingModels.set(change.model.name, change.model);
        } catch (error) {
          item.reject(error);
        }
      }
    } finally {
      this.#pendingVersions.clear();
      this.#pendingModels.clear();
    }
    if (decided.length === 0) return;
    try {
      await this.#commit(statements);
    } catch {
      // Nothing of the batch landed. Drop the head and give each change its own batch, decided
      // again on fresh state, so whatever failed fails alone.
      for (const chain of heads.keys()) this.#heads.delete(chain);
      this.#dropHead();
      for (const { item } of decided) await this.#settle(item, () => this.#runOne(item));
      return;
    }
    this.#adopt(
      heads,
      decided.map((d) => d.change),
    );
    // The group's events go to the queue as one batch: one send instead of one per change.
    const events = decided.flatMap(({ event }) => (event ? [event] : []));
    if (events.length > 0) this.#waitUntil(this.#publish(events));
    for (const { item, change } of decided) {
      await this.#settle(item, async () => ({ ok: true, value: await change.respond() }));
    }
  }

  async #commit(statements: Statement[]): Promise<void> {
    // Events sent since the last batch are marked sent in this one: no write of their own.
    const marks = this.#sent.splice(0);
    try {
      await commitBatch(
        this.#db,
        marks.length > 0 ? [...statements, ...markSentStatements(this.#db, marks, Date.now())] : statements,
      );
    } catch (error) {
      this.#sent.unshift(...marks);
      throw error;
    }
    this.batches++;
  }

  /** After a batch landed: its chain heads, and the model rows its changes say they left. */
  #adopt(heads: Map<string, Head>, changes: Change<unknown>[]): void {
    for (const [chain, head] of heads) this.#heads.set(chain, head);
    // Alias facts survive alias moves and deletions only, which say where they leave the alias.
    if (changes.some((change) => !change.aliasAfter)) this.#aliasHeads.clear();
    else {
      for (const { aliasAfter, chain } of changes) {
        if (aliasAfter) this.aliasHead(chain).moved(aliasAfter.alias, aliasAfter.version);
      }
    }
    // A change that does not say what it left may have changed any model row: forget them all.
    if (changes.some((change) => !change.model)) this.#dropHead();
    else {
      for (const change of changes) {
        if (!change.model) continue;
        // Keyed by name: a row cached under another name for the same id (a rename) is stale.
        for (const [name, row] of this.#models) if (row.id === change.model.id) this.#models.delete(name);
        this.#models.set(change.model.name, change.model);
      }
    }
  }

  /**
   * The change's statements plus its audit entry, event and idempotency record. `heads` holds the
   * chain heads as this batch leaves them (committed heads are adopted only after the batch lands).
   */
  async #build(
    change: Change<unknown>,
    ctx: ChangeContext,
    now: number,
    heads: Map<string, Head>,
  ): Promise<{ statements: Statement[]; event: OutboxRow | null }> {
    const head = change.chainHead ?? heads.get(change.chain) ?? (await this.#head(change.chain));
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
    heads.set(change.chain, { seq: entry.seq, hash });
    return { statements, event };
  }

  async #head(chain: string): Promise<Head> {
    const cached = this.#heads.get(chain);
    if (cached) return cached;
    const head = (await chainHead(this.#db, chain)) ?? { seq: 0, hash: GENESIS_HASH };
    this.#heads.set(chain, head);
    return head;
  }

  /**
   * After commit: hand the batch's events to the queue in one send (never on the response path:
   * the caller is answered without waiting). A failure here is repaired by the outbox sweeper
   * (invariant 4). Queues takes at most 100 messages per sendBatch; a group holds at most 32.
   */
  async #publish(events: OutboxRow[]): Promise<void> {
    try {
      if (events.length === 1 && events[0])
        await this.#events.send(events[0].envelope, { contentType: "json" });
      else
        await this.#events.sendBatch(events.map((event) => ({ body: event.envelope, contentType: "json" })));
    } catch (error) {
      const ids = events.map((event) => event.id).join(", ");
      console.warn(`events ${ids} not enqueued; the outbox sweeper will retry`, error);
      return;
    }
    this.#sent.push(...events.map((event) => event.id));
    // The first event of a burst schedules the one UPDATE that marks the whole burst sent, unless
    // the next change's batch has carried the marks by then (see #commit).
    if (!this.#markScheduled) {
      this.#markScheduled = true;
      await new Promise((resolve) => setTimeout(resolve, MARK_SENT_DELAY_MS));
      this.#markScheduled = false;
      const ids = this.#sent.splice(0);
      if (ids.length === 0) return;
      try {
        await markSent(this.#db, ids, Date.now());
      } catch (error) {
        console.warn(`${ids.length} sent events not marked sent; the sweeper may send them again`, error);
      }
    }
  }

  async #replay(prior: IdempotencyRow, requestHash: string): Promise<LedgerResult<unknown>> {
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
    return { ok: true, value, replayed: true };
  }

  async #readVersion(name: string, version: number) {
    const model = await findModelRow(this.#db, name);
    return model ? readVersionView(this.#db, model, version) : null;
  }
}

function isConstraintError(error: unknown): boolean {
  return error instanceof Error && /constraint failed/i.test(`${error.message} ${String(error.cause ?? "")}`);
}
