/** `registry models` and `registry versions NAME`: small aligned tables for a terminal. */

import { type Connection, registry } from "./http";
import { formatBytes } from "./parts";

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

interface Page<T> {
  items: T[];
  next_page_token?: string | null;
}

/** Follows `next_page_token` until `limit` items; `page` fetches one page of the typed API. */
async function all<T>(
  limit: number,
  page: (query: { page_size: number; page_token?: string }) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | null | undefined = null;
  do {
    const next: Page<T> = await page({
      page_size: Math.min(1000, limit),
      ...(token ? { page_token: token } : {}),
    });
    items.push(...next.items);
    token = next.next_page_token;
  } while (token && items.length < limit);
  return items.slice(0, limit);
}

export async function modelsTable(conn: Connection, limit: number): Promise<string> {
  const models = await all(limit, (query) => registry(conn).get("/api/v1/models", { params: { query } }));
  return table(
    ["NAME", "LATEST", "PRODUCTION", "ALIASES", "UPDATED"],
    models.map((m) => [
      m.name,
      String(m.latest_version ?? "-"),
      String(m.production_version ?? "-"),
      Object.entries(m.aliases ?? {})
        .map(([a, v]) => `${a}=${v}`)
        .join(","),
      m.updated_at,
    ]),
  );
}

export async function versionsTable(conn: Connection, name: string, limit: number): Promise<string> {
  const versions = await all(limit, (query) =>
    registry(conn).get("/api/v1/models/{name}/versions", { params: { path: { name }, query } }),
  );
  return table(
    ["VERSION", "STAGE", "ALIASES", "SIZE", "METRICS", "CREATED"],
    versions.map((v) => [
      String(v.version),
      v.stage,
      v.aliases.join(","),
      formatBytes(v.total_size ?? 0),
      Object.entries(v.metrics)
        .map(([k, x]) => `${k}=${x}`)
        .join(","),
      v.created_at,
    ]),
  );
}
