/**
 * R2 key layout (docs/storage.md). Blobs live only under their content address; bytes in flight are
 * staged under a separate prefix so nothing unverified ever appears at `blobs/`.
 */
export const blobKey = (hex: string): string => `blobs/sha256/${hex}`;
export const stagingKey = (uploadId: string): string => `uploads/${uploadId}`;

/**
 * The Workers Cache API key of a blob. Synthetic and free of request headers (Authorization, Range…)
 * so every caller at a location shares one cached copy.
 */
export const blobCacheKey = (hex: string): string => `https://blob-cache.registry.internal/sha256/${hex}`;
