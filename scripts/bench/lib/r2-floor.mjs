// The platform floor for artifact throughput: a bare Worker on the same runtime (Miniflare/workerd)
// whose only job is to stream a request body into R2 (with the same verified `sha256` put the
// registry uses) and an R2 object back out. No auth, no D1, no routing framework.
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";

const script = `
export default {
  async fetch(request, env) {
    const key = new URL(request.url).pathname.slice(1);
    if (request.method === "PUT") {
      const length = Number(request.headers.get("content-length"));
      const fixed = new FixedLengthStream(length);
      request.body.pipeTo(fixed.writable);
      const sha256 = request.headers.get("x-sha256") ?? undefined;
      await env.B.put(key, fixed.readable, sha256 ? { sha256 } : {});
      return new Response(null, { status: 201 });
    }
    const object = await env.B.get(key);
    return object ? new Response(object.body, { headers: { "content-length": String(object.size) } }) : new Response(null, { status: 404 });
  },
};`;

/** Starts the bare Worker on a free port with R2 state under `stateDir`. */
export async function startR2Floor(stateDir) {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script,
      r2Buckets: ["B"],
      host: "127.0.0.1",
      port: 0,
      cf: false,
      resourcePersistencePath: stateDir,
      log: new Log(LogLevel.WARN),
    }),
  );
  const url = (await mf.ready).href.replace(/\/$/, "");
  return { url, stop: () => mf.dispose() };
}
