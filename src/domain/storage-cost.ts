/**
 * R2 Standard storage at Cloudflare's published prices (developers.cloudflare.com/r2/pricing,
 * December 2026): $0.015 per GB-month stored, $4.50 per million Class A operations (writes). Pure.
 */
export const R2_PRICES = { storagePerGbMonth: 0.015, classAPerMillion: 4.5, classBPerMillion: 0.36 } as const;

/** Monthly storage cost of `bytes` (decimal GB, as R2 bills), rounded to a tenth of a cent. */
export const monthlyStorageUsd = (bytes: number): number =>
  Math.round((bytes / 1e9) * R2_PRICES.storagePerGbMonth * 1000) / 1000;

/** What writing `objects` objects once costs in Class A operations. */
export const putCostUsd = (objects: number): number =>
  Math.round((objects / 1e6) * R2_PRICES.classAPerMillion * 10000) / 10000;
