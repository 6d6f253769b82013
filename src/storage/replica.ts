/**
 * Two copies of what serves (issue 16): the primary bucket `BLOBS` and `BLOBS_REPLICA` (another
 * location hint or jurisdiction when deployed) hold the same content-addressed keys. Every object
 * is written by a put that R2 verifies against the content address (`sha256` option), so R2's stored
 * SHA-256 checksum of an intact object IS its address: a read compares the two (free, metadata only)
 * and falls back to the other copy when an object is missing or carries other bytes. The scrub
 * (src/jobs/scrub.ts) re-hashes the bytes themselves and repairs from the good copy.
 */
import { toHex } from "../lib/crypto";
import { ApiError } from "../lib/problem";
import { blobKey } from "./blob-keys";

export type Copy = "primary" | "replica";
export const BOTH: readonly Copy[] = ["primary", "replica"];

const bucket = (env: Env, copy: Copy): R2Bucket => (copy === "primary" ? env.BLOBS : env.BLOBS_REPLICA);

/** True when R2's stored SHA-256 (set by every verified put) is the content address `hex`. */
export function holdsDigest(object: R2Object, hex: string): boolean {
  const sha = object.checksums.sha256;
  return sha !== undefined && toHex(sha) === hex;
}

export interface BlobRead {
  body: ReadableStream<Uint8Array>;
  /** The whole object's size (also for a ranged read). */
  size: number;
  copy: Copy;
}

/**
 * THE read of a stored object's bytes (whole or one range): the first of `copies` whose object
 * exists and holds its address. Downloads, chunk streaming and verification all read through here.
 * A read the replica answered sends the object to the scrub queue, so the primary is repaired soon.
 */
export async function readBlob(
  env: Env,
  hex: string,
  opts: {
    range?: { offset: number; length: number };
    copies?: readonly Copy[];
    /** The caller already found the primary missing or bad (it reads the replica alone). */
    afterPrimary?: boolean;
  } = {},
): Promise<BlobRead | null> {
  const copies = opts.copies ?? BOTH;
  for (const copy of copies) {
    const object = await bucket(env, copy).get(blobKey(hex), opts.range ? { range: opts.range } : undefined);
    if (!object) continue;
    if (!holdsDigest(object, hex)) {
      await object.body.cancel();
      console.warn(`${copy} copy of sha256:${hex} does not hold its digest; trying the other copy`);
      continue;
    }
    if (copy === "replica" && (opts.afterPrimary || copies.includes("primary")))
      await requestRepair(env, hex);
    return { body: object.body, size: object.size, copy };
  }
  return null;
}

/** Metadata of the first intact copy: the size without the bytes (HEAD and ranged downloads). */
export async function headBlob(
  env: Env,
  hex: string,
  copies: readonly Copy[] = BOTH,
): Promise<{ size: number; copy: Copy } | null> {
  for (const copy of copies) {
    const object = await bucket(env, copy).head(blobKey(hex));
    if (object && holdsDigest(object, hex)) return { size: object.size, copy };
  }
  return null;
}

async function requestRepair(env: Env, hex: string): Promise<void> {
  await env.VERIFY.send({ kind: "scrub-object", hex }).catch((error: unknown) => {
    console.warn(`could not queue the repair of sha256:${hex}`, error);
  });
}

/** R2 reports a checksum mismatch as an error whose message names the checksum (code 10037). */
const isChecksumError = (error: unknown) =>
  error instanceof Error && /checksum|digest|10037/i.test(error.message);

/**
 * Writes `body` (exactly `size` bytes) to `copy` at the address `hex`, verified by R2 (`sha256`):
 * bytes that do not hash to `hex` are refused (DIGEST_MISMATCH) and nothing is written. `replacing`
 * names the etag of a bad object this write may replace; otherwise an existing object is never
 * overwritten. False when the condition failed (someone else wrote first).
 */
export async function putCopy(
  env: Env,
  copy: Copy,
  hex: string,
  body: ReadableStream<Uint8Array>,
  size: number,
  replacing?: string,
): Promise<boolean> {
  const fixed = new FixedLengthStream(size);
  const piping = body.pipeTo(fixed.writable).catch(() => undefined);
  try {
    const written = await bucket(env, copy).put(blobKey(hex), fixed.readable, {
      sha256: hex,
      onlyIf: replacing ? { etagMatches: replacing } : { etagDoesNotMatch: "*" },
      httpMetadata: { contentType: "application/octet-stream" },
    });
    return written !== null;
  } catch (error) {
    if (isChecksumError(error)) {
      throw new ApiError(
        "DIGEST_MISMATCH",
        `the bytes do not hash to sha256:${hex}; the ${copy} copy was not written`,
      );
    }
    throw error;
  } finally {
    await piping;
  }
}

export type CopyState =
  | { state: "missing" }
  | { state: "bad"; etag: string }
  | { state: "good"; size: number };

/** Re-hashes one copy's bytes (not only its metadata): the scrub's look at an object. */
export async function hashCopy(env: Env, copy: Copy, hex: string): Promise<CopyState> {
  const object = await bucket(env, copy).get(blobKey(hex));
  if (!object) return { state: "missing" };
  const digester = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digester);
  const actual = toHex(await digester.digest);
  return actual === hex ? { state: "good", size: object.size } : { state: "bad", etag: object.etag };
}

/**
 * Copies `hex` from one copy to the other; R2 verifies the digest on write. False when the source
 * is not intact or the target changed meanwhile. `replacing`: the etag of a bad target object.
 */
export async function copyBetween(
  env: Env,
  from: Copy,
  to: Copy,
  hex: string,
  replacing?: string,
): Promise<boolean> {
  const source = await readBlob(env, hex, { copies: [from] });
  if (!source) return false;
  return putCopy(env, to, hex, source.body, source.size, replacing);
}

/**
 * Makes sure the replica holds `hex` (the replication job): nothing to do when an intact copy is
 * there, else a verified copy from the primary (replacing a bad replica object).
 */
export async function ensureReplica(env: Env, hex: string): Promise<"present" | "copied" | "unavailable"> {
  const existing = await env.BLOBS_REPLICA.head(blobKey(hex));
  if (existing && holdsDigest(existing, hex)) return "present";
  const copied = await copyBetween(env, "primary", "replica", hex, existing?.etag);
  return copied ? "copied" : "unavailable";
}

/** Deletes both copies (blob GC: nothing references the object any more). */
export async function deleteBothCopies(env: Env, hex: string): Promise<void> {
  await Promise.all(BOTH.map((copy) => bucket(env, copy).delete(blobKey(hex))));
}
