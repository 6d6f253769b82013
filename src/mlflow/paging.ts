/**
 * Paging and ordering of MLflow searches. Page tokens are MLflow's own: base64 of `{"offset": N}`
 * (what `mlflow server` answers), opaque to clients, passed back as `page_token`.
 */
import { invalidParameter } from "./errors";

export function encodeOffsetToken(offset: number): string {
  return btoa(`{"offset": ${offset}}`);
}

export function decodeOffsetToken(token: string | undefined): number {
  if (token === undefined || token === "") return 0;
  try {
    const parsed = JSON.parse(atob(token)) as { offset?: unknown };
    if (typeof parsed.offset === "number" && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0) {
      return parsed.offset;
    }
  } catch {
    // fall through: any undecodable token is the same client error
  }
  throw invalidParameter(`Invalid page token, could not base64-decode: '${token}'`);
}

/** `max_results`: MLflow's default when absent, refused above MLflow's threshold. */
export function maxResults(raw: string | undefined, fallback: number, threshold: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > threshold) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${threshold}, but got value ${raw}`,
    );
  }
  return n;
}

/** `order_by` clauses such as `name ASC` or `last_updated_timestamp DESC`, checked against `keys`. */
export function parseOrderBy(raw: string | string[] | undefined, keys: string[]): [string, boolean][] {
  const clauses = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return clauses.map((clause) => {
    const m = /^\s*([A-Za-z_]+)\s*(ASC|DESC)?\s*$/i.exec(clause);
    const key = m?.[1]?.toLowerCase() === "timestamp" ? "last_updated_timestamp" : m?.[1]?.toLowerCase();
    if (!m || !key || !keys.includes(key)) {
      throw invalidParameter(
        `Invalid order by key '${clause}' specified. Valid keys are '${keys.join("', '")}'`,
      );
    }
    return [key, (m[2] ?? "ASC").toUpperCase() === "DESC"];
  });
}
