/**
 * Chunked files (issue 16): a file is a recipe of chunk blobs plus its own SHA-256. Registering a
 * recipe checks that every chunk is a stored blob of the declared size; the file counts as stored
 * only after the server has streamed the chunks in order through `crypto.DigestStream` and found the
 * declared digest (Invariant 2). Small files are hashed while the request waits, large ones (or on
 * request) by the `registry-verify` queue (src/jobs/verify-files.ts).
 */
import { CHUNK_LIMITS } from "../chunking/bounds";
import { createDb } from "../db/client";
import {
  findRecipe,
  type RecipeChunk,
  type RecipeStatus,
  recipeChunks,
  settleRecipe,
  writeRecipe,
} from "../db/repos/recipes-repo";
import { digestHex } from "../domain/artifacts";
import { toHex } from "../lib/crypto";
import { ApiError, type FieldError } from "../lib/problem";
import type { RecipeView } from "../schemas/recipes";
import { blobSize, mapLimited } from "./blobs";
import { readBlob } from "./replica";

export interface RecipeInput {
  hex: string;
  size: number;
  layout: string;
  chunks: { digest: string; size: number }[];
  deferVerification: boolean;
}

export interface RecipeOutcome {
  digest: string;
  size: number;
  status: RecipeStatus;
  chunk_count: number;
  /** False when the file was already stored (as a recipe or a single blob): nothing was written. */
  created: boolean;
}

/** What the verify queue carries (docs/storage.md). */
export type VerifyMessage =
  | { kind: "verify-file"; hex: string }
  | { kind: "settle-version"; model: string; version: number }
  // Two copies of what serves: copy a model's serving objects to the replica; re-hash and repair one.
  | { kind: "replicate-model"; model: string }
  | { kind: "scrub-object"; hex: string };

function withOffsets(chunks: RecipeInput["chunks"]): RecipeChunk[] {
  let offset = 0;
  return chunks.map((c) => {
    const row = { chunkHex: digestHex(c.digest), offset, size: c.size };
    offset += c.size;
    return row;
  });
}

async function assertChunksStored(env: Env, chunks: RecipeInput["chunks"]): Promise<void> {
  const unique = [...new Set(chunks.map((c) => c.digest))];
  const sizes = await mapLimited(unique, 32, (d) => blobSize(env, digestHex(d)));
  const stored = new Map(unique.map((d, i) => [d, sizes[i] ?? null]));
  const missing = unique.filter((d) => stored.get(d) === null);
  if (missing.length > 0) {
    throw new ApiError(
      "BLOB_MISSING",
      `${missing.length} chunk(s) are not uploaded: ${missing.slice(0, 3).join(", ")}`,
      chunks.flatMap((c, i) =>
        stored.get(c.digest) === null ? [{ path: `chunks.${i}.digest`, message: `no blob ${c.digest}` }] : [],
      ),
    );
  }
  const wrong: FieldError[] = chunks.flatMap((c, i) =>
    stored.get(c.digest) === c.size
      ? []
      : [
          {
            path: `chunks.${i}.size`,
            message: `declared ${c.size} bytes; the blob has ${stored.get(c.digest)}`,
          },
        ],
  );
  if (wrong.length > 0)
    throw new ApiError("BLOB_SIZE_MISMATCH", "declared chunk sizes differ from the stored blobs", wrong);
}

export async function registerRecipe(
  env: Env,
  input: RecipeInput,
  actor: string,
  now: number,
): Promise<RecipeOutcome> {
  const digest = `sha256:${input.hex}`;
  const total = input.chunks.reduce((sum, c) => sum + c.size, 0);
  if (total !== input.size) {
    throw new ApiError(
      "INVALID_ARGUMENT",
      `the chunks add up to ${total} bytes, not the declared ${input.size}`,
      [{ path: "chunks", message: "chunk sizes must add up to size" }],
    );
  }
  const db = createDb(env.DB);
  const answer = (status: RecipeStatus, created: boolean, count = input.chunks.length): RecipeOutcome => ({
    digest,
    size: input.size,
    status,
    chunk_count: count,
    created,
  });
  const existing = await findRecipe(db, input.hex);
  if (existing && existing.status !== "failed") return answer(existing.status, false, existing.chunkCount);
  if ((await blobSize(env, input.hex)) === input.size) return answer("verified", false, 1);
  await assertChunksStored(env, input.chunks);
  try {
    await writeRecipe(
      db,
      {
        hex: input.hex,
        size: input.size,
        chunkCount: input.chunks.length,
        layout: input.layout,
        status: "pending",
        detail: null,
        createdBy: actor,
        createdAt: now,
        verifiedAt: null,
      },
      withOffsets(input.chunks),
    );
  } catch (error) {
    // A concurrent PUT of the same file won the insert: answer with its state.
    const raced = await findRecipe(db, input.hex);
    if (raced) return answer(raced.status, false, raced.chunkCount);
    throw error;
  }
  // Deferred: hashed when a version naming the file is settled (or by the cron sweep), so a client
  // can register the version at once. Large: hashed by the queue right away.
  if (input.deferVerification) return answer("pending", true);
  if (input.size > CHUNK_LIMITS.inlineVerifyBytes) {
    await env.VERIFY.send({ kind: "verify-file", hex: input.hex } satisfies VerifyMessage);
    return answer("pending", true);
  }
  const status = (await verifyRecipe(env, input.hex, Date.now())) ?? "pending";
  if (status === "failed") {
    throw new ApiError("DIGEST_MISMATCH", `the chunks do not hash to ${digest}; the file is not stored`);
  }
  return answer(status, true);
}

/** Reads one chunk's bytes (the replica's when the primary copy is gone or bad), or null. */
export async function readChunk(
  env: Env,
  hex: string,
  range?: { offset: number; length: number },
): Promise<ReadableStream<Uint8Array> | null> {
  return (await readBlob(env, hex, range ? { range } : {}))?.body ?? null;
}

/**
 * Hashes the assembled file (chunks in order, through DigestStream) and settles its recipe:
 * `verified` when the bytes are exactly the declared size and digest, `failed` otherwise. Idempotent.
 */
export async function verifyRecipe(env: Env, hex: string, now: number): Promise<RecipeStatus | null> {
  const db = createDb(env.DB);
  const recipe = await findRecipe(db, hex);
  if (!recipe) return null;
  if (recipe.status !== "pending") return recipe.status;
  const digester = new crypto.DigestStream("SHA-256");
  let bytes = 0;
  let problem: string | null = null;
  const chunks = await recipeChunks(db, hex);
  const open = (i: number) => {
    const chunk = chunks[i];
    return chunk ? readBlob(env, chunk.chunkHex) : Promise.resolve(null);
  };
  let next = open(0);
  for (let i = 0; i < chunks.length; i++) {
    const read = await next;
    // The next chunk's GET is under way while this one is hashed: R2's time to first byte overlaps
    // the hashing instead of adding up once per chunk (only one body is read at a time).
    next = open(i + 1);
    // Marks a failed read-ahead handled; awaiting `next` on the next turn still throws it.
    next.catch(() => undefined);
    if (!read) {
      problem = `chunk sha256:${chunks[i]?.chunkHex} is missing`;
      break;
    }
    bytes += read.size;
    // A native pipe: the bytes go from R2 into the digest without a JavaScript turn per piece.
    await read.body.pipeTo(digester, { preventClose: true });
  }
  await (await next.catch(() => null))?.body.cancel();
  await digester.getWriter().close();
  const actual = toHex(await digester.digest);
  if (!problem && bytes !== recipe.size) problem = `the chunks hold ${bytes} bytes, not ${recipe.size}`;
  if (!problem && actual !== hex) problem = `the chunks hash to sha256:${actual}, not sha256:${hex}`;
  await settleRecipe(db, hex, problem ? "failed" : "verified", problem, now);
  return (await findRecipe(db, hex))?.status ?? null;
}

/** A stored file's recipe for a serving node; a single blob is a recipe of one chunk. */
export async function readRecipe(env: Env, hex: string): Promise<RecipeView> {
  const digest = `sha256:${hex}`;
  const db = createDb(env.DB);
  const recipe = await findRecipe(db, hex);
  if (recipe) {
    const chunks = await recipeChunks(db, hex);
    return {
      digest,
      size: recipe.size,
      status: recipe.status,
      layout: recipe.layout,
      detail: recipe.detail,
      chunks: chunks.map((c) => ({ digest: `sha256:${c.chunkHex}`, offset: c.offset, size: c.size })),
    };
  }
  const size = await blobSize(env, hex);
  if (size === null) throw new ApiError("BLOB_NOT_FOUND", `no file ${digest}`);
  return {
    digest,
    size,
    status: "verified",
    layout: "blob",
    detail: null,
    chunks: [{ digest, offset: 0, size }],
  };
}
