// The Worker's ASSETS binding for `npm start`: the files under public/ answered from Node.
// Miniflare's own asset emulation puts three isolates (proxy, router, asset worker) in front of
// EVERY request, about as much work as a cached read itself (issue 13); Cloudflare does not bill
// those layers to the Worker. So locally only the three Swagger UI files take this detour, and only
// when asked for (GET /docs/assets/* in src/routes/meta).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { Response } from "miniflare";

const TYPES = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Every file under `dir`, by its URL path ("/docs/assets/init.js"). */
function listFiles(dir, root = dir, out = new Map()) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listFiles(path, root, out);
    else out.set(`/${relative(root, path).split("\\").join("/")}`, path);
  }
  return out;
}

/**
 * A Miniflare service-binding handler serving `dir`. Only paths listed at start are served (no
 * path is ever joined from the request, so `..` cannot escape); the rest is a plain 404.
 */
export function staticAssets(dir) {
  const files = listFiles(dir);
  return (request) => {
    const path = files.get(new URL(request.url).pathname);
    if (!path || (request.method !== "GET" && request.method !== "HEAD")) {
      return new Response("Not found", { status: 404 });
    }
    const body = readFileSync(path);
    const headers = {
      "content-type": TYPES[extname(path)] ?? "application/octet-stream",
      "content-length": String(body.byteLength),
      "cache-control": "public, max-age=3600",
    };
    return new Response(request.method === "HEAD" ? null : body, { headers });
  };
}
