/**
 * Entity tags for what serving nodes poll. An alias's tag changes when the alias moves or the
 * version it points to changes, so a poller sees 304 until there is something new to fetch.
 */
export function aliasEtag(version: number, versionUpdatedAt: number, aliasUpdatedAt: number): string {
  return `"a${version}.${versionUpdatedAt.toString(36)}.${aliasUpdatedAt.toString(36)}"`;
}

/** RFC 9110 If-None-Match / If-Match list matching (strong comparison; `*` matches anything). */
export function etagMatches(header: string | undefined | null, etag: string | null): boolean {
  if (!header || etag === null) return false;
  return header
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === "*" || t === etag);
}
