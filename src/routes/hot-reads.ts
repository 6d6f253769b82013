/**
 * The polled alias reads answered before the router (issue 13): MLflow get-by-alias,
 * `GET /api/v1/models/{name}/aliases/{alias}` and `GET /api/v1/models/{name}/resolve?alias=…`.
 *
 * Serving nodes poll these every few seconds, so their cost per request is the bill. When
 * everything such a request needs is already in this isolate — a fresh token-cache entry for its
 * bearer secret (src/middleware/token-cache.ts) and a fresh serialized answer for exactly what it
 * asks (src/lib/alias-read-cache.ts) — it is answered here, synchronously, without the router, the
 * middleware chain or schema validation. Anything else (another method or path, a percent-encoded
 * or extra parameter, a request body, a bookmark, an unknown/uncached token, a role or scope that
 * would be refused, a cache miss) returns undefined and takes the full path, which checks
 * everything, answers errors and fills the caches.
 *
 * Why answering here is the same answer: a cache entry exists only for a (model, alias) a full
 * request validated and found; the token entry is what `authenticate` cached for that secret; the
 * role and scope checks below are the routes' (`read`, `assertVisible`); both paths build the
 * response with `aliasReadResponse` and set `x-request-id` the same way (test/routes/hot-reads).
 */
import { BOOKMARK_HEADER } from "../db/session";
import { satisfies } from "../domain/roles";
import { inScope } from "../domain/scopes";
import { aliasReadResponse, peekAliasRead } from "../lib/alias-read-cache";
import { bearerSecret } from "../middleware/auth";
import { requestIdFor } from "../middleware/request-id";
import { peekActor } from "../middleware/token-cache";
import { MAX_URL_CHARS } from "../middleware/url-limit";
import { resolveKey } from "./resolve/resolve.handlers";

// No `%` anywhere: a percent-encoded name or alias is left to the router's decoding.
const NATIVE = /^\/api\/v1\/models\/([^/%]+)\/aliases\/([^/%]+)$/;
const RESOLVE = /^\/api\/v1\/models\/([^/%]+)\/resolve$/;
const MLFLOW = "/api/2.0/mlflow/registered-models/alias";

/** `search` (after `?`) as exactly the `wanted` parameters, each once and plain; else undefined. */
function plainQuery(search: string, wanted: readonly string[]): Map<string, string> | undefined {
  if (search === "" || /[%+]/.test(search)) return undefined;
  const params = new Map<string, string>();
  for (const pair of search.split("&")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) return undefined;
    const key = pair.slice(0, eq);
    if (!wanted.includes(key) || params.has(key)) return undefined;
    params.set(key, pair.slice(eq + 1));
  }
  return params.size === wanted.length ? params : undefined;
}

/** The answer to a cached polled alias read, or undefined to take the full path. */
export function hotRead(request: Request): Response | undefined {
  if (request.method !== "GET" || request.body !== null || request.url.length > MAX_URL_CHARS) return;
  const url = request.url;
  // Origin-form only: the path starts at the first `/` after `scheme://host`.
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  if (pathStart < 0) return;
  const queryStart = url.indexOf("?", pathStart);
  if (url.includes("#", pathStart)) return;
  const path = queryStart < 0 ? url.slice(pathStart) : url.slice(pathStart, queryStart);
  const search = queryStart < 0 ? "" : url.slice(queryStart + 1);

  let kind: string;
  let name: string;
  let key: string;
  const native = NATIVE.exec(path);
  const resolve = native ? null : RESOLVE.exec(path);
  if (native?.[1] && native[2] && search === "") {
    [kind, name, key] = ["native", native[1], native[2]];
  } else if (resolve?.[1]) {
    const alias = plainQuery(search, ["alias"])?.get("alias");
    if (!alias || request.headers.has(BOOKMARK_HEADER)) return;
    [kind, name, key] = ["resolve", resolve[1], resolveKey(alias, undefined, undefined)];
  } else if (path === MLFLOW) {
    const query = plainQuery(search, ["name", "alias"]);
    const [n, alias] = [query?.get("name"), query?.get("alias")];
    if (!n || !alias) return;
    [kind, name, key] = ["mlflow", n, alias];
  } else return;

  const secret = bearerSecret(request.headers.get("authorization"));
  const actor = secret === undefined ? undefined : peekActor(secret);
  if (!actor || !satisfies(actor.role, "read") || !inScope(actor.scopes, name)) return;
  const read = peekAliasRead(kind, name, key);
  if (!read) return;
  const response = aliasReadResponse(read, request.headers.get("if-none-match"));
  response.headers.set("x-request-id", requestIdFor(request.headers.get("x-request-id")));
  return response;
}
