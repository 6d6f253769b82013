/**
 * Group commit (src/ledger/change-writer.ts): registrations waiting together are written as one D1
 * batch, each with its own version number, audit entry, event and sequence number; a batch that
 * fails is retried one change per batch, so one bad change never fails another (invariant 10).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findModelRow } from "../../src/db/repos/models-repo";
import { ChangeWriter } from "../../src/ledger/change-writer";
import type { ChangeContext } from "../../src/ledger/ledger-types";
import { decideCreateVersion } from "../../src/ledger/version-ops";
import { CreateVersionSchema } from "../../src/schemas/versions";
import { api, createModel, json, uniqueName } from "../support/api";
import { failingChange, oneTo, rows } from "./support";

const ctx = (i: number): ChangeContext => ({ actor: { id: "t", name: "tester" }, requestId: `req-${i}` });

/**
 * The real events queue, counting the calls that reach it (every call is passed on unchanged), so a
 * test sees how the writer hands events over.
 */
function countingQueue() {
  const calls = { send: 0, sendBatch: [] as number[] };
  const queue: Queue = {
    send: (body, options) => {
      calls.send++;
      return env.EVENTS.send(body, options);
    },
    sendBatch: (messages, options) => {
      calls.sendBatch.push([...messages].length);
      return env.EVENTS.sendBatch(messages, options);
    },
    metrics: () => env.EVENTS.metrics(),
  };
  return { queue, calls };
}

/** A writer of our own on the real D1, so the test sees how many batches it wrote. */
function writerFor(events: Queue = env.EVENTS) {
  const db = createDb(env.DB);
  const background: Promise<unknown>[] = [];
  const writer = new ChangeWriter(
    db,
    events,
    (promise) => void background.push(promise.catch(() => undefined)),
  );
  const register = (name: string, i: number) =>
    writer.run(
      ctx(i),
      async (now) => {
        const model = await findModelRow(db, name);
        if (!model) throw new Error("no model");
        return decideCreateVersion(db, writer.headModel(model), CreateVersionSchema.parse({}), ctx(i), now);
      },
      { group: true },
    );
  /** A change whose batch always violates a constraint (a model id that exists already). */
  const bad = (modelId: string, name: string) =>
    writer.run(ctx(0), failingChange(db, modelId, name), { group: true });
  /** Settles the writer's work after the answers (queue sends, marking events sent). */
  const settled = async () => {
    while (background.length > 0) await Promise.all(background.splice(0));
  };
  return { writer, register, bad, settled };
}

async function modelIdOf(name: string): Promise<string> {
  const [row] = await rows<{ id: string }>("select id from models where name = ?", name);
  if (!row) throw new Error("no model");
  return row.id;
}

describe("group commit", () => {
  it("changes waiting together land in ONE batch, each with its own number, audit entry and event", async () => {
    const name = uniqueName("group");
    await createModel(name);
    const { writer, register } = writerFor();
    const results = await Promise.all(oneTo(20).map((i) => register(name, i)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(writer.batches).toBe(1);
    const id = await modelIdOf(name);
    const versions = await rows<{ version: number }>(
      "select version from model_versions where model_id = ? order by version",
      id,
    );
    expect(versions.map((v) => v.version)).toEqual(oneTo(20));
    const audit = await rows<{ seq: number }>("select seq from audit_log where chain = ? order by seq", id);
    expect(audit.map((a) => a.seq)).toEqual(oneTo(21)); // model.created, then one per version
    const events = await rows<{ sequence: number; version: number }>(
      "select sequence, json_extract(envelope, '$.version') as version from outbox_events where model_id = ? and type = 'model_version.created' order by sequence",
      id,
    );
    expect(events).toEqual(oneTo(20).map((v) => ({ sequence: v + 1, version: v })));
    const verdict = await json<{ ok: boolean }>(await api("GET", `/api/v1/models/${name}/audit/verify`));
    expect(verdict.ok).toBe(true);
  });

  it("a group's events reach the queue in ONE send and are all marked sent", async () => {
    const name = uniqueName("groupsend");
    await createModel(name);
    const { queue, calls } = countingQueue();
    const { register, settled } = writerFor(queue);
    const results = await Promise.all(oneTo(12).map((i) => register(name, i)));
    expect(results.every((r) => r.ok)).toBe(true);
    await settled();
    expect(calls).toEqual({ send: 0, sendBatch: [12] });
    const unsent = await rows(
      "select id from outbox_events where model_id = ? and type = 'model_version.created' and sent_at is null",
      await modelIdOf(name),
    );
    expect(unsent).toEqual([]); // none is left for the sweeper to send again
    // A change alone is one plain send.
    await register(name, 13);
    await settled();
    expect(calls).toEqual({ send: 1, sendBatch: [12] });
  });

  it("a change that fails inside a group fails alone; the others land, numbered without gaps", async () => {
    const name = uniqueName("groupbad");
    await createModel(name);
    const id = await modelIdOf(name);
    const { writer, register, bad } = writerFor();
    const submitted = [
      ...oneTo(5).map((i) => register(name, i)),
      bad(id, name),
      ...oneTo(5).map((i) => register(name, 10 + i)),
    ];
    const results = await Promise.all(submitted);
    expect(results[5]).toMatchObject({ ok: false, code: "CONCURRENT_MODIFICATION" });
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const versions = await rows<{ version: number }>(
      "select version from model_versions where model_id = ? order by version",
      id,
    );
    expect(versions.map((v) => v.version)).toEqual(oneTo(10));
    expect(writer.batches).toBe(10); // the group failed as a whole, then each good change alone
    expect(await rows("select 1 from models where name = ?", `${name}-dup`)).toHaveLength(0);
    const verdict = await json<{ ok: boolean }>(await api("GET", `/api/v1/models/${name}/audit/verify`));
    expect(verdict.ok).toBe(true);
    // The head was read again from D1: the next group extends the chain where it really ends.
    await Promise.all(oneTo(3).map((i) => register(name, 20 + i)));
    expect(writer.batches).toBe(11);
    expect((await json<{ ok: boolean }>(await api("GET", `/api/v1/models/${name}/audit/verify`))).ok).toBe(
      true,
    );
  });

  it("100 concurrent registrations over HTTP: 1..100, every one audited and announced, chain intact", async () => {
    const name = uniqueName("grouphttp");
    await createModel(name);
    const responses = await Promise.all(
      oneTo(100).map((i) =>
        api("POST", `/api/v1/models/${name}/versions`, { body: { description: `r${i}` } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    const numbers = await Promise.all(
      responses.map(async (r) => (await json<{ version: number }>(r)).version),
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual(oneTo(100));
    const id = await modelIdOf(name);
    const events = await rows<{ n: number }>(
      "select count(distinct json_extract(envelope, '$.version')) as n from outbox_events where model_id = ? and type = 'model_version.created'",
      id,
    );
    expect(events[0]?.n).toBe(100);
    const verdict = await json<{ ok: boolean; entries: number }>(
      await api("GET", `/api/v1/models/${name}/audit/verify`),
    );
    expect(verdict).toMatchObject({ ok: true, entries: 101 });
  });

  it("idempotent replays inside a burst answer the original version", async () => {
    const name = uniqueName("groupidem");
    await createModel(name);
    const headers = { "idempotency-key": `burst-${name}` };
    const same = oneTo(10).map(() =>
      api("POST", `/api/v1/models/${name}/versions`, { body: { description: "once" }, headers }),
    );
    const others = oneTo(10).map((i) =>
      api("POST", `/api/v1/models/${name}/versions`, { body: { description: `o${i}` } }),
    );
    const replies = await Promise.all(same);
    await Promise.all(others);
    const versions = new Set(
      await Promise.all(replies.map(async (r) => (await json<{ version: number }>(r)).version)),
    );
    expect(versions.size).toBe(1);
    expect(replies.map((r) => r.status).sort()).toEqual([...Array(9).fill(200), 201].sort());
    const once = await rows(
      "select 1 from model_versions where model_id = ? and description = 'once'",
      await modelIdOf(name),
    );
    expect(once).toHaveLength(1);
  });
});
