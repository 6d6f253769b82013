/**
 * The registry over HTTP: bearer auth, problem+json errors turned into `RegistryError`s with the
 * server's stable `code`, and retries with backoff for the failures a retry can fix.
 */

export interface Connection {
  /** Base URL of the server, e.g. http://localhost:8787 (the API lives under /api/v1). */
  url: string;
  token?: string;
}

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(detail);
    this.name = "RegistryError";
  }
}

export interface RequestOptions {
  body?: unknown;
  bytes?: Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
  /** Retry network errors, 429 and 5xx (only for requests that are safe to repeat). */
  retries?: number;
  signal?: AbortSignal;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function apiUrl(conn: Connection, path: string): string {
  return `${conn.url.replace(/\/+$/, "")}/api/v1${path}`;
}

/** Sends one request and returns the response if it is 2xx/304; throws `RegistryError` otherwise. */
export async function request(
  conn: Connection,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (conn.token) headers.authorization = `Bearer ${conn.token}`;
  let body: BodyInit | undefined;
  if (options.bytes) {
    body = options.bytes;
    headers["content-type"] ??= "application/octet-stream";
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const retries = options.retries ?? 0;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(apiUrl(conn, path), { method, headers, body, signal: options.signal });
    } catch (error) {
      if (attempt >= retries || options.signal?.aborted) {
        // undici says only "fetch failed"; the cause (ECONNREFUSED, a reset socket…) is what helps.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message;
        throw new RegistryError(
          0,
          "NETWORK",
          `${method} ${path}: ${(error as Error).message}${why ? ` (${why})` : ""}`,
        );
      }
      await sleep(backoff(attempt));
      continue;
    }
    if (response.ok || response.status === 304) return response;
    if (attempt < retries && (response.status === 429 || response.status >= 500)) {
      await response.body?.cancel();
      await sleep(backoff(attempt));
      continue;
    }
    throw await toError(method, path, response);
  }
}

/** A JSON request; the parsed body typed by the caller. */
export async function requestJson<T>(
  conn: Connection,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const response = await request(conn, method, path, options);
  return (await response.json()) as T;
}

/** 200 ms, 400 ms, 800 ms … capped at 5 s, with jitter so parallel parts do not retry in step. */
function backoff(attempt: number): number {
  return Math.min(5000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

async function toError(method: string, path: string, response: Response): Promise<RegistryError> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as {
      code?: string;
      detail?: string;
      errors?: { path: string; message: string }[];
    };
    return new RegistryError(
      response.status,
      problem.code ?? `HTTP_${response.status}`,
      `${method} ${path}: ${problem.detail ?? response.statusText}`,
      problem.errors ?? [],
    );
  } catch {
    return new RegistryError(
      response.status,
      `HTTP_${response.status}`,
      `${method} ${path}: ${response.status} ${text.slice(0, 200)}`,
    );
  }
}

/** Path segment encoding for model names, aliases and manifest paths (each segment separately). */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
