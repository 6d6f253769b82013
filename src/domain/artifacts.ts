/**
 * Artifact rules: size limits, multipart part planning and digest spellings. Pure: no I/O.
 *
 * Two platform limits shape the numbers:
 * - Workers request bodies: 100 MB on the Free and Pro plans (200 MB Business, 500 MB Enterprise).
 *   Every request that carries bytes (a single PUT, one part) must stay below it.
 * - R2 multipart: parts 5 MiB..5 GiB, all of one size except the last, at most 10,000 parts.
 *   Publishing copies the verified bytes with one R2 put, whose limit is 5 GiB.
 */
export const MiB = 1024 * 1024;

export const ARTIFACT_LIMITS = {
  /** Below the 100 MB (= 95.37 MiB) Workers request-body limit of the smallest plans. */
  maxRequestBodyBytes: 95 * MiB,
  /** Largest blob a single `PUT /blobs/sha256:{hex}` accepts. */
  maxSinglePutBytes: 95 * MiB,
  /** R2's minimum for every part but the last. */
  minPartBytes: 5 * MiB,
  /** What the server picks when the client does not ask: 64 parts per GiB. */
  defaultPartBytes: 16 * MiB,
  maxParts: 10_000,
  /** The verified publish is one R2 put (limit 5 GiB); keep a margin under it. */
  maxBlobBytes: 5 * 1024 * MiB - 5 * MiB,
  /** Blobs up to this size go into the edge cache (Workers Cache API objects are limited to 512 MB). */
  maxCachedBytes: 512 * MiB,
  /** Digests per `POST /blobs/check`. */
  checkDigests: 1_000,
} as const;

export interface PartPlan {
  partSize: number;
  partCount: number;
}

/** Splits `size` bytes into equal parts (the last one shorter); `requested` is the client's wish, if any. */
export function planParts(size: number, requested?: number): PartPlan {
  const partSize = Math.min(
    ARTIFACT_LIMITS.maxRequestBodyBytes,
    Math.max(requested ?? ARTIFACT_LIMITS.defaultPartBytes, Math.ceil(size / ARTIFACT_LIMITS.maxParts)),
  );
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** The exact byte count part `n` (1-based) must have, or null when there is no such part. */
export function expectedPartSize(size: number, plan: PartPlan, n: number): number | null {
  if (!Number.isInteger(n) || n < 1 || n > plan.partCount) return null;
  return n < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}

/** `sha256:<hex>` → `<hex>`. Callers validate the spelling with DigestSchema first. */
export const digestHex = (digest: string): string => digest.slice("sha256:".length);

/** RFC 9530 `Repr-Digest` value for a SHA-256 given in hex: `sha-256=:<base64>:`. */
export function reprDigest(hex: string): string {
  const bytes = hex.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? [];
  return `sha-256=:${btoa(String.fromCharCode(...bytes))}:`;
}

/** The strong ETag of a blob: its digest, quoted. */
export const blobEtag = (hex: string): string => `"sha256:${hex}"`;
