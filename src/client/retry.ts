/**
 * The transport under the typed client: bearer auth and retries with backoff for the failures a
 * retry can fix (network errors, 429, 5xx), only for requests that are safe to send twice: GET,
 * HEAD, PUT, DELETE, OPTIONS, and POSTs that carry an Idempotency-Key (the server replays the
 * first answer) or are reads by nature (`/blobs/check`).
 */
import { RegistryProblem } from "./problem";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SAFE_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** 200 ms, 400 ms, 800 ms … capped at 5 s, with jitter so parallel requests do not retry in step. */
export function backoff(attempt: number): number {
  return Math.min(5000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

export function canRetry(method: string, headers: Headers, safePost = false): boolean {
  return SAFE_METHODS.has(method) || (method === "POST" && (safePost || headers.has("idempotency-key")));
}

/** Retry-After in seconds (or an HTTP date), capped so a confused server cannot park the client. */
function retryAfter(response: Response, attempt: number): number {
  const value = response.headers.get("retry-after");
  const seconds = value === null ? Number.NaN : Number(value);
  if (Number.isFinite(seconds)) return Math.min(30_000, Math.max(0, seconds * 1000));
  const date = value === null ? Number.NaN : Date.parse(value);
  if (Number.isFinite(date)) return Math.min(30_000, Math.max(0, date - Date.now()));
  return backoff(attempt);
}

/** `METHOD /path` of the request each response answers, for error messages (a Response lacks its method). */
const labels = new WeakMap<Response, string>();
export const labelOf = (response: Response) =>
  labels.get(response) ?? (response.url ? apiPath(response.url) : "request");

/** The path as the API documents it: relative to /api/v1 (`PUT /uploads/{id}/parts/1`). */
const apiPath = (url: string) => new URL(url).pathname.replace(/^\/api\/v1(?=\/)/, "");

export interface SendOptions {
  retries: number;
  fetch: typeof fetch;
  signal?: AbortSignal | undefined;
}

/**
 * Sends `request` (cloned per attempt, so its body can be sent again) and returns the last response;
 * throws a RegistryProblem (status 0, NETWORK) when no response arrived after the last attempt.
 * Non-2xx answers are returned, not thrown: the caller decides what a 404 means.
 */
export async function send(request: Request, options: SendOptions): Promise<Response> {
  const label = `${request.method} ${apiPath(request.url)}`;
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= options.retries;
    let response: Response;
    try {
      response = await options.fetch(last ? request : request.clone());
    } catch (error) {
      if (last || request.signal.aborted) {
        // undici says only "fetch failed"; the cause (ECONNREFUSED, a reset socket…) is what helps.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message;
        throw new RegistryProblem(
          0,
          "NETWORK",
          `${(error as Error).message}${why ? ` (${why})` : ""}`,
          [],
          label,
        );
      }
      await sleep(backoff(attempt));
      continue;
    }
    if (!last && (response.status === 429 || response.status >= 500)) {
      await response.body?.cancel();
      await sleep(retryAfter(response, attempt));
      continue;
    }
    labels.set(response, label);
    return response;
  }
}
