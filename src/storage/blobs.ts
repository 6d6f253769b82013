/**
 * Content-addressed blobs in R2: verified single puts, existence checks and the manifest check that
 * version registration runs. R2 is the truth about which blobs exist; nothing here deletes a blob
 * (garbage collection of unreferenced blobs is a later job and must skip referenced digests).
 */
import { createDb } from "../db/client";
import { recipeStatuses } from "../db/repos/recipes-repo";
import { ARTIFACT_LIMITS, digestHex } from "../domain/artifacts";
import type { FileEntry } from "../domain/version-record";
import { ApiError, type FieldError } from "../lib/problem";
import { blobKey } from "./blob-keys";

export interface BlobWrite {
  digest: string;
  size: number;
  /** False when the blob already existed: a no-op success, nothing was overwritten. */
  created: boolean;
}

/** R2 reports a checksum mismatch as an error whose message names the checksum (code 10037). */
const isChecksumError = (error: unknown) =>
  error instanceof Error && /checksum|digest|10037/i.test(error.message);

/**
 * Stores `body` (exactly `length` bytes) at the content address `hex`, only if its SHA-256 is `hex`.
 * R2 checks the digest itself (`sha256` option) before the object becomes visible, and
 * `etagDoesNotMatch: "*"` makes the put a no-op when the blob exists, so concurrent uploads of the
 * same bytes end with one blob and nothing is ever overwritten. No HEAD first (issue 16): the
 * condition already covers an existing blob, and clients ask `/blobs/check` before they send, so a
 * HEAD per put was one R2 operation and one round trip per chunk for the rare case.
 */
export async function putVerifiedBlob(
  env: Env,
  hex: string,
  body: ReadableStream<Uint8Array>,
  length: number,
): Promise<BlobWrite> {
  const key = blobKey(hex);
  const digest = `sha256:${hex}`;
  // A FixedLengthStream gives R2 the length it needs and fails the put if the body is short or long.
  const fixed = new FixedLengthStream(length);
  // Aborted when R2 declines the put (blob already there) without reading the rest of the body.
  const stop = new AbortController();
  const piping = body.pipeTo(fixed.writable, { signal: stop.signal }).catch(() => undefined);
  try {
    const stored = await env.BLOBS.put(key, fixed.readable, {
      sha256: hex,
      onlyIf: { etagDoesNotMatch: "*" },
      httpMetadata: { contentType: "application/octet-stream" },
    });
    if (stored) return { digest, size: stored.size, created: true };
    stop.abort();
    const winner = await env.BLOBS.head(key);
    return { digest, size: winner?.size ?? length, created: false };
  } catch (error) {
    stop.abort();
    if (isChecksumError(error)) {
      throw new ApiError("DIGEST_MISMATCH", `the bytes do not hash to ${digest}; nothing was stored`);
    }
    if (error instanceof Error && /length|size|stream/i.test(error.message)) {
      throw new ApiError("INVALID_ARGUMENT", `the body did not have the declared ${length} bytes`);
    }
    throw error;
  } finally {
    await piping;
  }
}

/** Size of a stored blob, or null when there is none. */
export async function blobSize(env: Env, hex: string): Promise<number | null> {
  return (await env.BLOBS.head(blobKey(hex)))?.size ?? null;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Which of `digests` are not stored (deduplicated, in the order asked). */
export async function missingBlobs(env: Env, digests: string[]): Promise<string[]> {
  const unique = [...new Set(digests)].slice(0, ARTIFACT_LIMITS.checkDigests);
  const sizes = await mapLimited(unique, 32, (d) => blobSize(env, digestHex(d)));
  const missing = unique.filter((_, i) => sizes[i] === null);
  if (missing.length === 0) return missing;
  // Issue 16: a file stored in chunks is present once its recipe is stored (and not failed).
  const recipes = await recipeStatuses(createDb(env.DB), missing.map(digestHex));
  return missing.filter((d) => {
    const status = recipes.get(digestHex(d))?.status;
    return status === undefined || status === "failed";
  });
}

/**
 * Issue 16: a file with no single blob may be stored in chunks. A recipe still being hashed counts
 * (the version is registered PENDING_REGISTRATION); one whose chunks failed the hash does not.
 */
async function addRecipeSizes(env: Env, files: FileEntry[], sizes: Map<string, number | null>) {
  const unblobbed = [...sizes].filter(([, size]) => size === null).map(([d]) => digestHex(d));
  if (unblobbed.length === 0) return;
  const recipes = await recipeStatuses(createDb(env.DB), unblobbed);
  const failed: FieldError[] = [];
  files.forEach((f, i) => {
    const recipe = recipes.get(digestHex(f.digest));
    if (recipe?.status === "failed") {
      failed.push({
        path: `files.${i}.digest`,
        message: `'${f.path}': ${recipe.detail ?? "failed verification"}`,
      });
    }
  });
  if (failed.length > 0) {
    throw new ApiError("DIGEST_MISMATCH", "some files' chunks did not hash to their digest", failed);
  }
  for (const [hex, recipe] of recipes) sizes.set(`sha256:${hex}`, recipe.size);
}

/**
 * Version registration: every manifest file must name a stored blob (409 BLOB_MISSING listing the
 * digests) of exactly the declared size (422 BLOB_SIZE_MISMATCH naming the paths).
 */
export async function assertManifestBlobs(env: Env, files: FileEntry[]): Promise<void> {
  if (files.length === 0) return;
  const unique = [...new Set(files.map((f) => f.digest))];
  const sizes = new Map<string, number | null>();
  const found = await mapLimited(unique, 32, (d) => blobSize(env, digestHex(d)));
  unique.forEach((d, i) => {
    sizes.set(d, found[i] ?? null);
  });
  await addRecipeSizes(env, files, sizes);
  const missing = unique.filter((d) => sizes.get(d) === null);
  if (missing.length > 0) {
    const errors: FieldError[] = files.flatMap((f, i) =>
      sizes.get(f.digest) === null ? [{ path: `files.${i}.digest`, message: `no blob ${f.digest}` }] : [],
    );
    throw new ApiError(
      "BLOB_MISSING",
      `${missing.length} manifest blob(s) are not uploaded: ${missing.slice(0, 3).join(", ")}`,
      errors,
    );
  }
  const wrongSize: FieldError[] = [];
  files.forEach((f, i) => {
    const stored = sizes.get(f.digest);
    if (stored !== f.size) {
      wrongSize.push({
        path: `files.${i}.size`,
        message: `'${f.path}' declares ${f.size} bytes; the blob has ${stored}`,
      });
    }
  });
  if (wrongSize.length > 0) {
    throw new ApiError("BLOB_SIZE_MISMATCH", "declared file sizes differ from the stored blobs", wrongSize);
  }
}
