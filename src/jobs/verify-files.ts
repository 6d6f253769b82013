/**
 * The `registry-verify` queue (issue 16): hashes large chunked files (`verify-file`) and settles the
 * versions that name them (`settle-version`) through their ledgers. A version whose files are still
 * being hashed is retried with backoff; the frequent cron re-sends what was lost (sweepVerification).
 */
import { createDb } from "../db/client";
import { pendingFilesOf, pendingVersions, stalePendingRecipes } from "../db/repos/recipes-repo";
import { ledgerFor } from "../ledger/ledger-client";
import type { ChangeContext } from "../ledger/ledger-types";
import { type VerifyMessage, verifyRecipe } from "../storage/chunked-files";
import { replicateModel } from "./replicate";
import { scrubObject } from "./scrub";

export const VERIFY_QUEUE = "registry-verify";

const verifierContext = (now: number): ChangeContext => ({
  actor: { id: "verifier", name: "verifier" },
  requestId: `verify-${now}`,
});

/** Settles one version; true when done (or nothing left to do), false to try again later. */
async function settle(env: Env, model: string, version: number, now: number): Promise<boolean> {
  const result = await ledgerFor(env, model).settleVerification(model, version, verifierContext(now));
  return result.ok || result.code !== "VERSION_NOT_READY";
}

async function handle(env: Env, body: VerifyMessage, now: number): Promise<boolean> {
  // Two copies of what serves (src/jobs/replicate.ts, src/jobs/scrub.ts) share this queue.
  if (body.kind === "replicate-model") {
    await replicateModel(env, body.model, now);
    return true;
  }
  if (body.kind === "scrub-object") {
    await scrubObject(env, body.hex, now);
    return true;
  }
  if (body.kind === "settle-version") {
    // Deferred recipes are hashed when a version needs them (or by the cron sweep).
    for (const hex of await pendingFilesOf(createDb(env.DB), body.model, body.version)) {
      await verifyRecipe(env, hex, now);
    }
    return settle(env, body.model, body.version, now);
  }
  const status = await verifyRecipe(env, body.hex, now);
  if (status === "pending") return false;
  const waiting = await pendingVersions(createDb(env.DB), body.hex);
  const settled = await Promise.all(waiting.map((v) => settle(env, v.model, v.version, now)));
  return settled.every(Boolean);
}

export async function consumeVerify(batch: MessageBatch<VerifyMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      if (await handle(env, message.body, Date.now())) message.ack();
      else message.retry({ delaySeconds: Math.min(300, 2 ** Math.min(message.attempts, 8)) });
    } catch (error) {
      console.warn(
        `verify message ${JSON.stringify(message.body)} failed (attempt ${message.attempts})`,
        error,
      );
      message.retry({ delaySeconds: Math.min(300, 2 ** Math.min(message.attempts, 8)) });
    }
  }
}

/** After a registration that left the version pending: settle it as soon as its files are hashed. */
export async function followPendingVersion(env: Env, model: string, version: number): Promise<void> {
  await env.VERIFY.send({ kind: "settle-version", model, version } satisfies VerifyMessage);
}

/** Cron backstop: re-sends recipes pending for over 10 minutes and versions still pending. */
export async function sweepVerification(env: Env, now: number): Promise<{ files: number; versions: number }> {
  const db = createDb(env.DB);
  const files = await stalePendingRecipes(db, now - 10 * 60_000);
  const versions = await pendingVersions(db);
  const messages: VerifyMessage[] = [
    ...files.map((hex) => ({ kind: "verify-file" as const, hex })),
    ...versions.map((v) => ({ kind: "settle-version" as const, ...v })),
  ];
  for (let i = 0; i < messages.length; i += 100) {
    await env.VERIFY.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
  }
  return { files: files.length, versions: versions.length };
}
