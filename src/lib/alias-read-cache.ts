/**
 * An isolate cache for the polled alias reads (MLflow get-by-alias, `GET …/aliases/{alias}` and
 * `GET …/resolve`): a hit answers without a D1 query (issue 13: the D1 round trip is most of such a
 * read's cost). An entry holds the answer already serialized (JSON text, ETag, D1 bookmark), so a
 * hit neither builds nor stringifies anything, and src/routes/hot-reads.ts can answer it before the
 * router runs.
 *
 * Staleness is bounded and documented (README "Side by side with MLflow"):
 * - a change made through this isolate (every change goes through `ledgerFor`, which calls
 *   `forgetModel` when the ledger answers) is seen by the next read at once: read-your-writes;
 * - a change made through another isolate (another Cloudflare location) is seen within
 *   ALIAS_CACHE_TTL_MS, when the entry expires. For resolve this adds to what a D1 read replica
 *   may lag; a client that sends `x-d1-bookmark` bypasses the cache (read-your-writes by bookmark).
 * Only found versions are cached (`load` throws for a missing model or alias, which is read every
 * time), and a read that overlapped a change never fills the cache with what it read.
 */
import { BOOKMARK_HEADER } from "../db/session";
import { etagMatches } from "../domain/etags";

/** How long an alias read may be answered from this isolate's memory. */
export const ALIAS_CACHE_TTL_MS = 1000;
/** Entries kept at most; past it the cache starts again empty (a bound on memory, not an LRU). */
const MAX_ENTRIES = 5000;

/** A found read, serialized once. */
export interface AliasRead {
  /** The 200 answer's JSON text. */
  body: string;
  /** Strong ETag (native alias GET, resolve): pollers get a bodiless 304 while it matches. */
  etag?: string;
  /** resolve: where the D1 session of the read that produced it got to. */
  bookmark?: string | null;
}

interface Entry {
  read: AliasRead;
  expires: number;
}

const entries = new Map<string, Map<string, Entry>>();
let size = 0;
/** Bumped by every change seen in this isolate: a read that overlapped one does not fill the cache. */
let changes = 0;

const keyOf = (kind: string, key: string) => `${kind}\u0000${key}`;

/** The fresh cached read for (`kind`, model, `key`), without loading (synchronous, for hot-reads). */
export function peekAliasRead(kind: string, name: string, key: string): AliasRead | undefined {
  const hit = entries.get(name)?.get(keyOf(kind, key));
  return hit && hit.expires > Date.now() ? hit.read : undefined;
}

/**
 * The cached read for (`kind`, model, `key`), or `load()`'s, kept for ALIAS_CACHE_TTL_MS. `load`
 * throws when there is nothing to answer with (missing model or alias): nothing is kept then.
 */
export async function cachedAliasRead(
  kind: string,
  name: string,
  key: string,
  load: () => Promise<AliasRead>,
): Promise<AliasRead> {
  const hit = peekAliasRead(kind, name, key);
  if (hit) return hit;
  const seen = changes;
  const read = await load();
  if (seen === changes) {
    if (size >= MAX_ENTRIES) {
      entries.clear();
      size = 0;
    }
    let forModel = entries.get(name);
    if (!forModel) {
      forModel = new Map();
      entries.set(name, forModel);
    }
    const k = keyOf(kind, key);
    if (!forModel.has(k)) size++;
    forModel.set(k, { read, expires: Date.now() + ALIAS_CACHE_TTL_MS });
  }
  return read;
}

/**
 * The HTTP answer for a read: 200 with its JSON, or 304 (no body) when `ifNoneMatch` names its
 * ETag. The routes and the hot path both answer through here, so the two cannot drift apart.
 */
export function aliasReadResponse(read: AliasRead, ifNoneMatch: string | null | undefined): Response {
  const headers = new Headers();
  if (read.etag) {
    headers.set("etag", read.etag);
    headers.set("cache-control", "private, no-cache");
  }
  if (read.bookmark) headers.set(BOOKMARK_HEADER, read.bookmark);
  if (read.etag && etagMatches(ifNoneMatch, read.etag)) return new Response(null, { status: 304, headers });
  headers.set("content-type", "application/json");
  return new Response(read.body, { status: 200, headers });
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
