// The floor: a Worker that answers `{}` and does nothing else, on the same Miniflare/workerd as the
// registry (same host, same request logging setting), started in the same run.
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";

export async function startBareWorker() {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      name: "bare",
      modules: true,
      script:
        'export default { fetch() { return new Response("{}", { headers: { "content-type": "application/json" } }); } };',
      host: "127.0.0.1",
      port: 0,
      cf: false,
      logRequests: false,
      log: new Log(LogLevel.WARN),
    }),
  );
  const url = await mf.ready;
  return { url: url.href.replace(/\/$/, ""), mf, stop: () => mf.dispose() };
}
