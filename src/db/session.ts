/**
 * Reads through D1's Sessions API, so the registry can run with D1 read replication.
 *
 * With replication on, a plain query may land on a replica that lags the primary. A session keeps
 * its queries sequentially consistent: every query in it sees at least what the previous one saw.
 * A session can be anchored at a *bookmark* (an opaque position in the database's history), and
 * `getBookmark()` tells where the session got to. We hand that bookmark to the client in the
 * `x-d1-bookmark` response header; a client that sends it back on its next request starts a session
 * that is at least as new, so it reads its own writes (and never goes back in time) even if that
 * request is served by another replica. Without a bookmark a read starts `first-unconstrained`:
 * the nearest replica answers, which is what makes a serving node's poll fast at the edge.
 * A writer that wants to read through the primary sends `x-d1-bookmark: first-primary`.
 *
 * Without replication (and locally) sessions behave like the plain binding.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/problem";
import { createDb, type Db } from "./client";

export const BOOKMARK_HEADER = "x-d1-bookmark";

const CONSTRAINTS = ["first-primary", "first-unconstrained"] as const;
type Constraint = (typeof CONSTRAINTS)[number];
/** Bookmarks are opaque; accept what D1 issues (hex groups joined by `-`) and nothing else. */
const BOOKMARK_PATTERN = /^[0-9A-Za-z][0-9A-Za-z-]{0,255}$/;

export interface ReadSession {
  db: Db;
  /** The session's position after the queries made so far (null before the first query). */
  bookmark(): string | null;
}

/** Opens a session at `bookmark` if given (validated), else at `fallback`. */
export function openSession(d1: D1Database, bookmark: string | undefined, fallback: Constraint): ReadSession {
  const anchor = bookmark?.trim() || fallback;
  if (!(CONSTRAINTS as readonly string[]).includes(anchor) && !BOOKMARK_PATTERN.test(anchor)) {
    throw new ApiError("INVALID_ARGUMENT", `${BOOKMARK_HEADER} must be a bookmark this registry issued`, [
      { path: `headers.${BOOKMARK_HEADER}`, message: "not a D1 bookmark" },
    ]);
  }
  const session = d1.withSession(anchor);
  // drizzle's D1 driver only calls prepare() and batch(), which a session has with the same
  // signatures as the database binding; the cast covers the methods a session lacks (exec, dump).
  return { db: createDb(session as unknown as D1Database), bookmark: () => session.getBookmark() };
}

/**
 * The request's session: anchored at the client's `x-d1-bookmark` if it sent one. Reads default to
 * `first-unconstrained` (nearest replica); handlers that write pass `first-primary`.
 */
export function requestSession(
  c: Context<AppEnv>,
  fallback: Constraint = "first-unconstrained",
): ReadSession {
  return openSession(c.env.DB, c.req.header(BOOKMARK_HEADER), fallback);
}

/** Sets the response's `x-d1-bookmark` to where the session got to, for the client to send back. */
export function exposeBookmark(c: Context<AppEnv>, session: ReadSession): void {
  const bookmark = session.bookmark();
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
}
