import { z } from "@hono/zod-openapi";
import { base64url, fromBase64url } from "./crypto";
import { ApiError } from "./problem";

/**
 * Opaque keyset page tokens: base64url JSON of the sort key of the last item served, tied to the
 * ordering it was made for. Keyset (not offset) so pages stay stable while rows are added.
 */
const CursorSchema = z.object({ o: z.string(), k: z.union([z.string(), z.number()]), n: z.string() });
export type Cursor = z.infer<typeof CursorSchema>;

export function encodePageToken(cursor: Cursor): string {
  return base64url(new TextEncoder().encode(JSON.stringify(cursor)));
}

export function decodePageToken(token: string | undefined, order: string): Cursor | null {
  if (token === undefined || token === "") return null;
  try {
    const cursor = CursorSchema.parse(
      JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromBase64url(token))),
    );
    if (cursor.o !== order) throw new Error("order mismatch");
    return cursor;
  } catch {
    throw new ApiError("INVALID_PAGE_TOKEN", "page_token is not one this endpoint issued for this order_by");
  }
}

/**
 * Cuts a list fetched with `limit(pageSize + 1)` into the page and the token for the next one
 * (null on the last page); the extra row only tells that there is more.
 */
export function cutPage<R>(
  rows: R[],
  pageSize: number,
  cursorOf: (last: R) => Cursor,
): { page: R[]; next: string | null } {
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    page,
    next: rows.length > pageSize && last !== undefined ? encodePageToken(cursorOf(last)) : null,
  };
}
