/** `registry models` and `registry versions NAME`: small aligned tables for a terminal. */

import { type Connection, requestJson } from "./http";
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
  next_page_token: string | null;
}

async function all<T>(conn: Connection, path: string, limit: number): Promise<T[]> {
  const items: T[] = [];
  let token: string | null = null;
  do {
    const query = `page_size=${Math.min(1000, limit)}${token ? `&page_token=${encodeURIComponent(token)}` : ""}`;
    const page: Page<T> = await requestJson<Page<T>>(conn, "GET", `${path}?${query}`, { retries: 2 });
    items.push(...page.items);
    token = page.next_page_token;
  } while (token && items.length < limit);
  return items.slice(0, limit);
}

export async function modelsTable(conn: Connection, limit: number): Promise<string> {
  const models = await all<{
    name: string;
    latest_version: number | null;
    production_version: number | null;
    aliases: Record<string, number>;
    updated_at: string;
  }>(conn, "/models", limit);
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
  const versions = await all<{
    version: number;
    stage: string;
    aliases: string[];
    total_size: number;
    metrics: Record<string, number>;
    created_at: string;
  }>(conn, `/models/${encodeURIComponent(name)}/versions`, limit);
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
