/**
 * Two copies of what serves (issue 16), through the real Worker, D1, both R2 buckets, the verify queue
 * consumer and the system ledger: a Production version's objects are copied to BLOBS_REPLICA; reads
 * survive a deleted or corrupted primary object; the scrub re-hashes both copies, repairs the bad one
 * and says so in the audit log; a copy that does not hash to its address is never written.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { servingObjects } from "../../src/db/repos/replica-repo";
import type { EventEnvelope } from "../../src/events/envelope";
import { mayServe, replicateModel } from "../../src/jobs/replicate";
import { runScrub } from "../../src/jobs/scrub";
import { consumeVerify } from "../../src/jobs/verify-files";
import type { VerifyMessage } from "../../src/storage/chunked-files";
import { putCopy } from "../../src/storage/replica";
import { GOOD, promote } from "../governance/support";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { bytesOf, putBlob, sha256 } from "../support/blobs";
import { putRecipe, type StoredFile, uploadChunks } from "../support/chunked";
import { noise, safetensorsFile } from "../support/tensor-files";

const key = (hex: string) => `blobs/sha256/${hex}`;
const hexOf = (digest: string) => digest.slice("sha256:".length);

async function runQueue(messages: VerifyMessage[]) {
  const batch = createMessageBatch<VerifyMessage>(
    "registry-verify",
    messages.map((body, i) => ({ id: `r${i}-${Date.now()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await consumeVerify(batch, env);
  return getQueueResult(batch, ctx);
}

async function sha256Of(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return sha256(new Uint8Array(await response.arrayBuffer()));
}

/** A Production version with a chunked safetensors file and a single-blob config file. */
let seed = 0;
async function productionModel(beforePromote?: (configHex: string, config: Uint8Array) => Promise<void>) {
  seed += 100;
  const weights = safetensorsFile(
    Array.from({ length: 5 }, (_, i) => ({ name: `layer${i}`, bytes: noise(4000 + i * 700, seed + i) })),
  );
  const file: StoredFile = await uploadChunks("model.safetensors", weights);
  expect((await putRecipe(file, { layout: "safetensors" })).status).toBe(201); // new bytes every call
  const config = bytesOf(1500);
  const configDigest = (await putBlob(config)).digest;
  const name = uniqueName("replica");
  await createModel(name);
  const created = await api("POST", `/api/v1/models/${name}/versions`, {
    body: {
      ...GOOD,
      files: [
        { path: "model.safetensors", digest: file.digest, size: file.size },
        { path: "config.bin", digest: configDigest, size: config.length },
      ],
    },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  await beforePromote?.(hexOf(configDigest), config);
  // Promotion also replicates on its own (outbox event → events consumer → verify queue).
  await promote(name, 1, await createToken("approver"));
  const objects = [...new Set([...file.chunks.map((c) => hexOf(c.digest)), hexOf(configDigest)])];
  return { name, file, weights, config, configDigest, objects };
}

describe("two copies of what serves", () => {
  it("copies a Production version's chunks and blobs; downloads survive deleted primary objects", async () => {
    const m = await productionModel();
    const result = await runQueue([{ kind: "replicate-model", model: m.name }]);
    expect(result.explicitAcks).toHaveLength(1);
    for (const hex of m.objects) {
      const copy = await env.BLOBS_REPLICA.get(key(hex));
      expect(copy, hex).not.toBeNull();
      expect(await sha256(new Uint8Array(await (copy as R2ObjectBody).arrayBuffer()))).toBe(hex);
    }
    // Idempotent: a second run copies nothing.
    expect(await replicateModel(env, m.name, Date.now())).toEqual({ copied: 0, present: 0, unavailable: 0 });
    const report = await json<{ replica_bytes: number; replica_objects: number; stored_bytes: number }>(
      await api("GET", `/api/v1/storage?model=${m.name}`),
    );
    expect(report.replica_objects).toBe(m.objects.length);
    expect(report.replica_bytes).toBe(report.stored_bytes);

    // Lose a chunk and the single blob in the primary bucket.
    const lost = hexOf(m.file.chunks[1]?.digest ?? "");
    await env.BLOBS.delete(key(lost));
    await env.BLOBS.delete(key(hexOf(m.configDigest)));
    const files = `/api/v1/models/${m.name}/versions/1/files`;
    expect(await sha256Of(await api("GET", `${files}/model.safetensors`))).toBe(m.file.hex);
    expect(await sha256Of(await api("GET", `/api/v1/blobs/${m.file.digest}`))).toBe(m.file.hex);
    expect(await sha256Of(await api("GET", `${files}/config.bin`))).toBe(hexOf(m.configDigest));
    const ranged = await api("GET", `${files}/config.bin`, { headers: { range: "bytes=100-199" } });
    expect(ranged.status).toBe(206);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(m.config.subarray(100, 200));
    const head = await api("HEAD", `/api/v1/blobs/${m.configDigest}`);
    expect(head.headers.get("content-length")).toBe(String(m.config.length));
    // The MLflow artifact endpoint reads through the same function.
    const mlflow = await api(
      "GET",
      `/api/2.0/mlflow-artifacts/artifacts/models/${m.name}/versions/1/config.bin`,
    );
    expect(await sha256Of(mlflow)).toBe(hexOf(m.configDigest));
  });

  it("entering Production is enough: outbox event → events consumer → replicate-model → replica", async () => {
    // No job is called here: the promotion's outbox event flows through the real queues.
    const m = await productionModel();
    const deadline = Date.now() + 30_000;
    const held = async () =>
      (await Promise.all(m.objects.map((hex) => env.BLOBS_REPLICA.head(key(hex))))).every(Boolean);
    while (!(await held()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await held()).toBe(true);
  });

  it("an alias move asks for replication only when the policy protects the alias (issue 13)", async () => {
    const m = await productionModel();
    const policy = await api("PUT", `/api/v1/models/${m.name}/policy`, {
      body: { protected_aliases: ["champion"] },
    });
    expect(policy.status, await policy.clone().text()).toBe(200);
    for (const alias of ["candidate", "champion"]) {
      const set = await api("PUT", `/api/v1/models/${m.name}/aliases/${alias}`, { body: { version: 1 } });
      expect(set.status, await set.clone().text()).toBe(200);
    }
    const rows = await env.DB.prepare(
      "select envelope from outbox_events where model_name = ? and type = 'alias.set' order by sequence",
    )
      .bind(m.name)
      .all<{ envelope: string }>();
    const events = rows.results.map((r) => JSON.parse(r.envelope) as EventEnvelope);
    expect(events.map((e) => e.data)).toEqual([
      { alias: "candidate", before: null, after: { version: 1 }, protected: false },
      { alias: "champion", before: null, after: { version: 1 }, protected: true },
    ]);
    // An unprotected move serves nothing new: no replication pass; a protected one (and an event
    // from before the flag existed) asks for one.
    expect(events.map(mayServe)).toEqual([false, true]);
    const legacy = {
      ...(events[0] as EventEnvelope),
      data: { alias: "candidate", before: null, after: { version: 1 } },
    };
    expect(mayServe(legacy)).toBe(true);
  });

  it("a corrupted primary object: reads fall back, the scrub repairs it and the audit log says so", async () => {
    const m = await productionModel();
    await replicateModel(env, m.name, Date.now());
    const victim = hexOf(m.file.chunks[0]?.digest ?? "");
    const original = new Uint8Array(await ((await env.BLOBS.get(key(victim))) as R2ObjectBody).arrayBuffer());
    const garbage = original.map((b) => b ^ 0xff);
    await env.BLOBS.put(key(victim), garbage);

    const path = `/api/v1/models/${m.name}/versions/1/files/model.safetensors`;
    expect(await sha256Of(await api("GET", path))).toBe(m.file.hex);

    // The fallback read queued an immediate scrub of the object; the cron's run does the same work.
    // Whichever gets there first repairs it (the other finds the etag changed and records nothing).
    const run = await runScrub(env, Date.now(), { objects: 10_000, bytes: 1 << 30 });
    expect(run.outcomes.lost).toBe(0);
    const repaired = (await env.BLOBS.get(key(victim))) as R2ObjectBody;
    expect(await sha256(new Uint8Array(await repaired.arrayBuffer()))).toBe(victim);

    const audit = await json<{
      items: { action: string; target: string; before: unknown; after: unknown }[];
    }>(await api("GET", "/api/v1/audit?action=storage.repaired&page_size=100"));
    const entry = audit.items.find((e) => e.target === `blob:sha256:${victim}`);
    expect(entry).toMatchObject({
      before: { primary: "bad", replica: "good" },
      after: { repaired: "primary", from: "replica" },
    });

    // A bad replica is repaired from the primary just the same.
    await env.BLOBS_REPLICA.put(key(victim), garbage);
    const again = await runScrub(env, Date.now(), { objects: 10_000, bytes: 1 << 30 });
    expect(again.outcomes.repaired).toBeGreaterThanOrEqual(1);
    const replica = (await env.BLOBS_REPLICA.get(key(victim))) as R2ObjectBody;
    expect(await sha256(new Uint8Array(await replica.arrayBuffer()))).toBe(victim);
  });

  it("never writes a replica copy that does not hash to its address", async () => {
    const stray = bytesOf(2000);
    const strayHex = await sha256(stray);
    const wrong = bytesOf(2000);
    await expect(
      putCopy(env, "replica", strayHex, new Blob([wrong]).stream(), wrong.length),
    ).rejects.toMatchObject({
      code: "DIGEST_MISMATCH",
    });
    expect(await env.BLOBS_REPLICA.head(key(strayHex))).toBeNull();

    // A primary holding other bytes (corrupted before promotion) is never copied, by the automatic
    // replication or an explicit run: the replica stays empty for it, unrecorded.
    let victim = "";
    const m = await productionModel(async (hex, config) => {
      victim = hex;
      await env.BLOBS.put(key(hex), bytesOf(config.length));
    });
    const result = await replicateModel(env, m.name, Date.now());
    expect(result.unavailable).toBe(1);
    expect(await env.BLOBS_REPLICA.head(key(victim))).toBeNull();
    const row = await env.DB.prepare("select hex from replica_objects where hex = ?").bind(victim).first();
    expect(row).toBeNull();
  });

  it("the scrub's cursor rotates through every serving object, kept in D1, and wraps around", async () => {
    await productionModel();
    await env.DB.prepare("delete from scrub_cursor").run();
    const all = (await servingObjects(createDb(env.DB), { limit: 10_000 })).map((o) => o.hex);
    expect(all.length).toBeGreaterThan(4);
    const seen: string[] = [];
    for (let i = 0; i < all.length; i += 2) {
      const run = await runScrub(env, Date.now(), { objects: 2, bytes: 1 << 30 });
      const stored = await env.DB.prepare("select after_hex from scrub_cursor where id = 1").first<{
        after_hex: string;
      }>();
      expect(stored?.after_hex).toBe(run.cursor);
      seen.push(...all.filter((h) => h <= run.cursor && !seen.includes(h)));
    }
    expect(seen).toEqual(all);
    const wrapped = await runScrub(env, Date.now(), { objects: 2, bytes: 1 << 30 });
    expect(wrapped.cursor).toBe(all[1]);
  });
});
