/** Reading console query strings leniently: a bad page size is clamped, never a 500. */
import type { Context } from "hono";

export function intParam(c: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name);
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** Builds `path?…` from the current query with some keys replaced (undefined removes a key). */
export function withQuery(c: Context, changes: Record<string, string | undefined>): string {
  const url = new URL(c.req.url);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === "") url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  const q = url.searchParams.toString();
  return q ? `${url.pathname}?${q}` : url.pathname;
}
