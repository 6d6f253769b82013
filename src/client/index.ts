/**
 * `edge-model-registry/client`: a typed client for the registry's HTTP API. Paths, parameters,
 * bodies and answers are typed from the OpenAPI document the server serves (schema.d.ts, generated
 * by `npm run client:gen`); requests go through openapi-fetch. On top of it:
 * - failures are thrown as `RegistryProblem` (status, stable `code`, detail, field errors);
 * - safe requests are retried with backoff, and POSTs whose route honours Idempotency-Key get a
 *   key generated once per call, so every retry of that call is the same logical request;
 * - `pollResolve` polls alias resolution with If-None-Match (304 → unchanged);
 * - `raw` sends what openapi-fetch does not stream (blob bytes, file downloads) through the same
 *   auth, retries and errors.
 *
 * @example
 * const registry = createRegistryClient({ url: "http://localhost:8787", token });
 * const model = await registry.get("/api/v1/models/{name}", { params: { path: { name: "fraud" } } });
 */
import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from "openapi-fetch";
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { problemFromBody } from "./problem";
import { canRetry, labelOf, send } from "./retry";
import type { components, paths } from "./schema";

export { type ProblemField, RegistryProblem } from "./problem";
export { backoff, sleep } from "./retry";
export type { components, paths } from "./schema";

/** The API's named schemas: `Schemas["ModelVersion"]`, `Schemas["Problem"]`, … */
export type Schemas = components["schemas"];

export interface RegistryClientOptions {
  /** Base URL of the server, e.g. http://localhost:8787 (paths in calls start with /api/v1). */
  url: string;
  token?: string | undefined;
  /** Attempts after the first for requests that are safe to repeat (default 3). */
  retries?: number;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Aborts every request of this client (a process shutting down). */
  signal?: AbortSignal | undefined;
}

/** Per-call extras, passed beside params/body: `{ params, retries: 0 }`. */
export interface CallExtras {
  retries?: number;
}

// Copied from openapi-fetch (not exported there): the init argument is optional when no key is required.
type InitParam<Init> =
  RequiredKeysOf<Init> extends never
    ? [(Init & CallExtras & { [key: string]: unknown })?]
    : [Init & CallExtras & { [key: string]: unknown }];

/** What a successful call returns: the 2xx body (`undefined` for 204/304 answers). */
type Ok<T extends Record<string | number, unknown>, Init> = Exclude<
  FetchResponse<T, Init, MediaType>,
  { error: unknown }
>["data"] extends infer D
  ? [D] extends [never]
    ? undefined
    : D
  : never;

type Call<M extends HttpMethod> = <
  P extends PathsWithMethod<paths, M>,
  I extends MaybeOptionalInit<paths[P], M>,
>(
  url: P,
  ...init: InitParam<I>
) => Promise<Ok<paths[P][M] & Record<string | number, unknown>, I>>;

/** POST routes whose handler honours Idempotency-Key; the compiler checks this list against the document. */
type KeyedPosts = {
  [P in PathsWithMethod<paths, "post">]: paths[P]["post"] extends { parameters: { header?: infer H } }
    ? [NonNullable<H>] extends [never]
      ? never
      : "idempotency-key" extends keyof NonNullable<H>
        ? P
        : never
    : never;
}[PathsWithMethod<paths, "post">];
const KEYED_POSTS: Record<KeyedPosts, true> = {
  "/api/v1/models": true,
  "/api/v1/models/{name}/versions": true,
};
/**
 * POSTs a retry cannot harm without a key: the blob check only reads; a second upload session
 * opened by a retry is never used and the stale-upload job sweeps it.
 */
const REPEATABLE_POSTS = new Set<string>(["/api/v1/blobs/check", "/api/v1/uploads"]);

export interface RegistryClient {
  /** The openapi-fetch client underneath, for `{ data, error, response }` handling (errors not thrown). */
  readonly api: Client<paths>;
  readonly url: string;
  get: Call<"get">;
  post: Call<"post">;
  put: Call<"put">;
  patch: Call<"patch">;
  delete: Call<"delete">;
  /**
   * Any request by path under the server (e.g. `/api/v1/blobs/sha256:…`) with the client's auth,
   * retries and errors, for bodies openapi-fetch would buffer or parse: blob bytes up and down.
   * Returns the 2xx/304 response unread; throws RegistryProblem otherwise.
   */
  raw(method: string, path: string, init?: RawInit): Promise<Response>;
  /**
   * One poll of `GET /models/{name}/resolve` with If-None-Match: `changed: false` on 304, else the
   * new resolution and its ETag to send next time.
   */
  pollResolve(name: string, query: ResolveQuery, etag?: string | null): Promise<ResolvePoll>;
}

export interface RawInit {
  body?: BodyInit | null;
  headers?: Record<string, string>;
  retries?: number;
  signal?: AbortSignal;
}

export type ResolveQuery = NonNullable<paths["/api/v1/models/{name}/resolve"]["get"]["parameters"]["query"]>;
export type ResolvePoll =
  | { changed: false; etag: string }
  | { changed: true; etag: string; resolution: Schemas["Resolution"] };

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const url = options.url.replace(/\/+$/, "");
  const underlying = options.fetch ?? fetch;
  const { signal } = options;
  // The client's signal joins a request's own (a `raw` call's), so either can abort it.
  const baseFetch: typeof fetch = signal
    ? (input, init) =>
        underlying(input, {
          ...init,
          signal: input instanceof Request ? AbortSignal.any([signal, input.signal]) : signal,
        })
    : (input, init) => underlying(input, init);
  const defaultRetries = options.retries ?? 3;
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  // Decided per request in the middleware (which knows the route template), read by the transport.
  const retryable = new WeakSet<Request>();

  const api = createClient<paths>({
    baseUrl: url,
    headers: auth,
    fetch: (request: Request) => {
      const extra = (request as Request & CallExtras).retries;
      return send(request, {
        fetch: baseFetch,
        retries: retryable.has(request) ? (extra ?? defaultRetries) : 0,
      });
    },
  });
  api.use({
    onRequest({ request, schemaPath }) {
      if (request.method === "POST" && schemaPath in KEYED_POSTS && !request.headers.has("idempotency-key")) {
        // One key per logical call: retries reuse this Request, so the server replays, never doubles.
        request.headers.set("idempotency-key", crypto.randomUUID());
      }
      if (canRetry(request.method, request.headers, REPEATABLE_POSTS.has(schemaPath))) retryable.add(request);
      return request;
    },
  });

  const call =
    (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE") =>
    async (path: string, ...init: unknown[]) => {
      const result = (await (api[method] as (p: string, ...i: unknown[]) => Promise<FetchLike>)(
        path,
        ...init,
      )) as FetchLike;
      const { response } = result;
      if (response.ok || response.status === 304) return result.data;
      throw problemFromBody(labelOf(response), response, result.error);
    };

  async function raw(method: string, path: string, init: RawInit = {}): Promise<Response> {
    const headers = new Headers({ ...auth, ...init.headers });
    const body = init.body ?? null;
    const request = new Request(`${url}${path}`, {
      method,
      headers,
      body,
      signal: init.signal ?? null,
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);
    // A stream cannot be sent twice; everything else follows the same rules as typed calls.
    const retries =
      body instanceof ReadableStream || !canRetry(method, headers) ? 0 : (init.retries ?? defaultRetries);
    const response = await send(request, { fetch: baseFetch, retries });
    if (response.ok || response.status === 304) return response;
    throw problemFromBody(labelOf(response), response, await response.text());
  }

  async function pollResolve(name: string, query: ResolveQuery, etag?: string | null): Promise<ResolvePoll> {
    const { data, error, response } = await api.GET("/api/v1/models/{name}/resolve", {
      params: { path: { name }, query, header: etag ? { "if-none-match": etag } : {} },
    });
    if (response.status === 304) return { changed: false, etag: etag ?? "" };
    if (!data) throw problemFromBody(labelOf(response), response, error);
    return { changed: true, etag: response.headers.get("etag") ?? "", resolution: data };
  }

  return {
    api,
    url,
    get: call("GET") as Call<"get">,
    post: call("POST") as Call<"post">,
    put: call("PUT") as Call<"put">,
    patch: call("PATCH") as Call<"patch">,
    delete: call("DELETE") as Call<"delete">,
    raw,
    pollResolve,
  };
}

/**
 * For calls through `api` that need the response as well (status, headers): throws the failure as a
 * RegistryProblem, else returns the success variant, whose `data` is typed.
 */
export function ok<T extends FetchLike>(result: T): Extract<T, { error?: never }> {
  const { response } = result;
  if (response.ok || response.status === 304) return result as Extract<T, { error?: never }>;
  throw problemFromBody(labelOf(response), response, result.error);
}

interface FetchLike {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Path segment encoding for model names, aliases and manifest paths (each segment separately). */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
