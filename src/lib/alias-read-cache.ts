/**
 * An isolate cache for the polled alias reads (MLflow get-by-alias, `GET …/aliases/{alias}`):
 * a hit answers without a D1 query (issue 13: the D1 round trip is most of such a read's cost).
 *
 * Staleness is bounded and documented (README "Side by side with MLflow"):
 * - a change made through this isolate (every change goes through `ledgerFor`, which calls
 *   `forgetModel` when the ledger answers) is seen by the next read at once: read-your-writes;
 * - a change made through another isolate (another Cloudflare location) is seen within
 *   ALIAS_CACHE_TTL_MS, when the entry expires.
 * Only found versions are cached (a missing model or alias is read every time), and a read that
 * overlapped a change never fills the cache with what it read.
 */

/** How long an alias read may be answered from this isolate's memory. */
export const ALIAS_CACHE_TTL_MS = 1000;
/** Entries kept at most; past it the cache starts again empty (a bound on memory, not an LRU). */
const MAX_ENTRIES = 5000;

interface Entry {
  value: unknown;
  expires: number;
}

const entries = new Map<string, Map<string, Entry>>();
let size = 0;
/** Bumped by every change seen in this isolate: a read that overlapped one does not fill the cache. */
let changes = 0;

/**
 * The cached answer for (`kind`, model, alias), or `load()`'s, kept for ALIAS_CACHE_TTL_MS when
 * `keep(value)` says it is a found version.
 */
export async function cachedAliasRead<T>(
  kind: string,
  name: string,
  alias: string,
  load: () => Promise<T>,
  keep: (value: T) => boolean,
): Promise<T> {
  const key = `${kind}\u0000${alias}`;
  const now = Date.now();
  const hit = entries.get(name)?.get(key);
  if (hit && hit.expires > now) return hit.value as T;
  const seen = changes;
  const value = await load();
  if (seen === changes && keep(value)) {
    if (size >= MAX_ENTRIES) {
      entries.clear();
      size = 0;
    }
    let forModel = entries.get(name);
    if (!forModel) {
      forModel = new Map();
      entries.set(name, forModel);
    }
    if (!forModel.has(key)) size++;
    forModel.set(key, { value, expires: now + ALIAS_CACHE_TTL_MS });
  }
  return value;
}

/** A change to the model went through this isolate: its cached reads are gone. */
export function forgetModel(name: string): void {
  changes++;
  const forModel = entries.get(name);
  if (forModel) {
    size -= forModel.size;
    entries.delete(name);
  }
}
