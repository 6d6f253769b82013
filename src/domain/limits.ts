/**
 * Size limits on metadata. They keep a row well under D1's 2 MB row limit, keep reads fast, and
 * turn abuse (10 MB descriptions, 10,000 tags) into a clear 4xx instead of a storage error.
 */
export const LIMITS = {
  /** Whole JSON request body; larger bodies get 413 before they are parsed. */
  jsonBodyBytes: 4 * 1024 * 1024,
  /** All metadata of one version once serialised (params, metrics, card, signature, manifest…). */
  versionMetadataBytes: 1024 * 1024,
  descriptionChars: 20_000,
  tagsPerObject: 100,
  tagKeyChars: 250,
  tagValueChars: 5_000,
  params: 1_000,
  paramValueChars: 6_000,
  metrics: 1_000,
  slices: 200,
  datasets: 50,
  files: 10_000,
  filePathChars: 1_024,
  pageSizeMax: 1_000,
  pageSizeDefault: 100,
  tokenNameChars: 100,
  scopesPerToken: 50,
  /** Nesting of a free-form JSON field (model card, signature): `{"a":{"b":1}}` is depth 2. */
  jsonFieldDepth: 32,
  /** Nesting of a whole JSON request body, checked before any route sees it. */
  jsonBodyDepth: 64,
} as const;
