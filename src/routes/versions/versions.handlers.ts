import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import { listVersions as listVersionRows, readVersionView } from "../../db/repos/versions-repo";
import { inputExampleProblems } from "../../domain/input-example";
import { LIMITS } from "../../domain/limits";
import { parseSignature } from "../../domain/signature";
import { manifestProblems } from "../../domain/version-record";
import type { AppEnv } from "../../env";
import { followPendingVersion } from "../../jobs/verify-files";
import { ledgerFor, unwrap } from "../../ledger/ledger-client";
import { ApiError } from "../../lib/problem";
import type { CreateVersionInput } from "../../schemas/versions";
import { assertManifestBlobs } from "../../storage/blobs";
import { assertVisible, changeContext, idempotentContext, modelRowOr404 } from "../context";
import { copyInput } from "./version-copy";
import type * as routes from "./versions.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createVersion: Handler<"createVersion"> = async (c) => {
  const { name } = c.req.valid("param");
  assertVisible(c, name);
  const input = await copyInput(c, c.req.valid("json"));
  await checkVersionInput(c.env, input);
  const result = await ledgerFor(c.env, name).createVersion(name, input, await idempotentContext(c, input));
  const version = unwrap(result);
  if (version.status === "PENDING_REGISTRATION") await followPendingVersion(c.env, name, version.version);
  c.header("location", `/api/v1/models/${encodeURIComponent(name)}/versions/${version.version}`);
  return c.json(version, result.ok && result.replayed ? 200 : 201);
};

/** What registration checks before the ledger: manifest, signature, example, size, stored blobs. */
export async function checkVersionInput(env: Env, input: CreateVersionInput): Promise<void> {
  const problems = manifestProblems(input.files);
  if (problems.length > 0) throw new ApiError("INVALID_ARGUMENT", "the file manifest is invalid", problems);
  const signature = parseSignature(input.signature);
  if (signature.errors.length > 0) {
    throw new ApiError("INVALID_ARGUMENT", "the signature is not a valid MLflow signature", signature.errors);
  }
  if (input.input_example !== undefined) {
    const mismatches = inputExampleProblems(input.input_example, signature.signature);
    if (mismatches.length > 0) {
      throw new ApiError(
        "INVALID_ARGUMENT",
        `the input example does not match the signature: ${mismatches.map((m) => m.path.replace(/^input_example\.?/, "") || "input_example").join(", ")}`,
        mismatches,
      );
    }
  }
  const size = new TextEncoder().encode(JSON.stringify(input)).byteLength;
  if (size > LIMITS.versionMetadataBytes) {
    throw new ApiError(
      "PAYLOAD_TOO_LARGE",
      `a version's metadata is limited to ${LIMITS.versionMetadataBytes} bytes of JSON; this one has ${size}`,
    );
  }
  // Blobs are never deleted while referenced, so checking before the ledger call cannot go stale.
  await assertManifestBlobs(env, input.files);
}

export const listVersions: Handler<"listVersions"> = async (c) => {
  const { name } = c.req.valid("param");
  const { page_size, page_token } = c.req.valid("query");
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  return c.json(await listVersionRows(db, model, page_size, page_token), 200);
};

export const getVersion: Handler<"getVersion"> = async (c) => {
  const { name, version } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  const found = await readVersionView(db, model, version);
  if (!found) throw new ApiError("VERSION_NOT_FOUND", `model '${name}' has no version ${version}`);
  return c.json(found, 200);
};

export const updateVersion: Handler<"updateVersion"> = async (c) => {
  const { name, version } = c.req.valid("param");
  assertVisible(c, name);
  const { description } = c.req.valid("json");
  const result = await ledgerFor(c.env, name).updateVersion(name, version, description, changeContext(c));
  return c.json(unwrap(result), 200);
};

export const setVersionTag: Handler<"setVersionTag"> = async (c) => {
  const { name, version, key } = c.req.valid("param");
  assertVisible(c, name);
  const { value } = c.req.valid("json");
  const result = await ledgerFor(c.env, name).setVersionTag(name, version, key, value, changeContext(c));
  return c.json(unwrap(result), 200);
};

export const deleteVersionTag: Handler<"deleteVersionTag"> = async (c) => {
  const { name, version, key } = c.req.valid("param");
  assertVisible(c, name);
  const result = await ledgerFor(c.env, name).deleteVersionTag(name, version, key, changeContext(c));
  return c.json(unwrap(result), 200);
};
