/**
 * Chunk size bounds, shared by the server (recipe validation) and the CLI (cutting files). Pure.
 *
 * Why these numbers (README "Artifacts", docs/storage.md):
 * - Each chunk is one R2 object: one Class A put to write, one Class B get per uncached read, plus
 *   one D1 row in its recipe. At a 4 MiB average a GiB costs 256 puts ($0.0012 at $4.50/million),
 *   against $0.015 per GiB-month to store it: operations stay well under storage cost.
 * - A chunk travels as ONE verified single PUT, so it must stay below the 95 MiB request-body bound
 *   of the smallest Workers plan (ARTIFACT_LIMITS.maxSinglePutBytes); 16 MiB leaves room for parallel
 *   PUTs without holding much in memory on either side.
 * - Tensor-aware cutting keeps a tensor's bytes in their own chunk(s): a frozen tensor is the same
 *   chunk in every fine-tune. Only tensors under `soloBytes` (norms, biases: kilobytes) are grouped,
 *   with small neighbours only, up to `groupBytes`, so a model with thousands of tiny tensors does not
 *   become thousands of objects. Grouping them with large tensors was measured (bench:storage) to
 *   store 3x the ideal on a fine-tune family, because fine-tunes retrain every norm: one changed norm
 *   then re-stores the megabytes of frozen weights grouped with it. 64 KiB keeps the worst case (a
 *   file made only of 64 KiB tensors) at 16,384 puts per GiB, $0.07 once at $4.50 per million.
 */
export const KiB = 1024;
export const MiB = 1024 * KiB;

export interface ChunkBounds {
  /** Tensors at least this large get chunks of their own; smaller ones are grouped. */
  soloBytes: number;
  /** A group of small neighbouring tensors is cut when it would exceed this. */
  groupBytes: number;
  /** Larger tensors are split into equal pieces no longer than this. */
  maxBytes: number;
  /** Content-defined chunking (other files): minimum, average (target) and maximum chunk sizes. */
  cdcMin: number;
  cdcAvg: number;
  cdcMax: number;
}

export const DEFAULT_BOUNDS: ChunkBounds = {
  soloBytes: 64 * KiB,
  groupBytes: 4 * MiB,
  maxBytes: 16 * MiB,
  cdcMin: 1 * MiB,
  cdcAvg: 4 * MiB,
  cdcMax: 16 * MiB,
};

export const CHUNK_LIMITS = {
  /** Largest chunk the server accepts in a recipe: one verified single PUT. */
  maxChunkBytes: 95 * MiB,
  /** Chunks per recipe: a 6 GiB file at 4 MiB is ~1,500; 100,000 leaves room for small bounds. */
  maxChunks: 100_000,
  /**
   * Files up to this size are hashed while the recipe request waits; larger ones by the verify queue.
   * 256 MiB hashes in well under a second of CPU (DigestStream is native).
   */
  inlineVerifyBytes: 256 * MiB,
} as const;

/** A byte range of a file: [offset, offset + length). */
export interface Span {
  offset: number;
  length: number;
}

/** Checks bounds a caller passes in (tests and the bench use small ones). */
export function validBounds(b: ChunkBounds): boolean {
  return (
    b.cdcMin > 0 &&
    b.soloBytes > 0 &&
    b.cdcMin <= b.cdcAvg &&
    b.cdcAvg <= b.cdcMax &&
    b.groupBytes > 0 &&
    b.groupBytes <= b.maxBytes &&
    b.maxBytes <= CHUNK_LIMITS.maxChunkBytes &&
    b.cdcMax <= CHUNK_LIMITS.maxChunkBytes
  );
}
