/**
 * Issue 16, "nothing in Production can be PENDING": a version whose chunked files the server has not
 * hashed whole (PENDING_REGISTRATION), or whose files failed (FAILED_REGISTRATION), is refused with
 * 409 VERSION_NOT_READY by every path that would make it serve: Staging, Production (also fast-track),
 * setting an alias, moving an alias onto it. Once READY, the same calls succeed.
 */
import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consumeVerify } from "../../src/jobs/verify-files";
import type { VerifyMessage } from "../../src/storage/chunked-files";
import { bytesOf, sha256 } from "../support/blobs";
import { putRecipe, registerFiles, uploadChunks } from "../support/chunked";
import { api, createModel, expectStatus, json, transition, uniqueName } from "./support";

async function settle(model: string, version: number) {
  const body: VerifyMessage = { kind: "settle-version", model, version };
  const batch = createMessageBatch<VerifyMessage>("registry-verify", [
    { id: `s-${model}-${version}`, timestamp: new Date(), attempts: 1, body },
  ]);
  createExecutionContext();
  await consumeVerify(batch, env);
}

const setAlias = (name: string, alias: string, version: number) =>
  api("PUT", `/api/v1/models/${name}/aliases/${alias}`, { body: { version } });

async function aliasVersion(name: string, alias: string): Promise<number> {
  return (await json<{ version: number }>(await api("GET", `/api/v1/models/${name}/aliases/${alias}`)))
    .version;
}

describe("unverified versions never serve", () => {
  it("PENDING_REGISTRATION: no alias, no stage; READY once verified", async () => {
    const name = uniqueName("pending");
    await createModel(name);
    const ready = await uploadChunks("a.bin", bytesOf(12_000));
    expect((await putRecipe(ready)).status).toBe(201);
    expect((await registerFiles(name, [{ path: "a.bin", file: ready }])).status).toBe(201);
    await expectStatus(await setAlias(name, "champion", 1), 200);

    const deferred = await uploadChunks("b.bin", bytesOf(12_000));
    expect((await putRecipe(deferred, { defer_verification: true })).status).toBe(202);
    const created = await registerFiles(name, [{ path: "b.bin", file: deferred }]);
    expect((await json(created)).status).toBe("PENDING_REGISTRATION");

    await expectStatus(await setAlias(name, "challenger", 2), 409, "VERSION_NOT_READY");
    await expectStatus(await setAlias(name, "champion", 2), 409, "VERSION_NOT_READY");
    expect(await aliasVersion(name, "champion")).toBe(1);
    await expectStatus(await transition(name, 2, { to: "Staging" }), 409, "VERSION_NOT_READY");
    await expectStatus(
      await transition(name, 2, { to: "Production", fast_track: true, comment: "emergency" }),
      409,
      "VERSION_NOT_READY",
    );

    await settle(name, 2);
    expect((await json(await api("GET", `/api/v1/models/${name}/versions/2`))).status).toBe("READY");
    await expectStatus(await setAlias(name, "champion", 2), 200);
    expect(await aliasVersion(name, "champion")).toBe(2);
  });

  it("FAILED_REGISTRATION: no alias, no stage but Archived", async () => {
    const name = uniqueName("failed");
    await createModel(name);
    const file = await uploadChunks("w.bin", bytesOf(12_000));
    const lie = { ...file, digest: `sha256:${await sha256(bytesOf(12_000))}` };
    expect((await putRecipe(lie, { defer_verification: true })).status).toBe(202);
    expect((await registerFiles(name, [{ path: "w.bin", file: lie }])).status).toBe(201);
    await settle(name, 1);
    expect((await json(await api("GET", `/api/v1/models/${name}/versions/1`))).status).toBe(
      "FAILED_REGISTRATION",
    );
    await expectStatus(await setAlias(name, "champion", 1), 409, "VERSION_NOT_READY");
    await expectStatus(await transition(name, 1, { to: "Production", fast_track: true, comment: "x" }), 409);
    await expectStatus(await transition(name, 1, { to: "Archived" }), 200);
  });
});
