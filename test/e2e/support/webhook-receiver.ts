import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got. */
export interface ReceivedHook {
  headers: { "webhook-id"?: string; "webhook-timestamp"?: string; "webhook-signature"?: string };
  body: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received(key: string): ReceivedHook[];
  close(): Promise<void>;
}

/**
 * A real HTTP webhook receiver on 127.0.0.1 (something outside our system, so a stand-in is fair).
 * `POST /hooks/<key>` records the request; its answer is chosen by the query:
 *   `?fail=N` → 500 for the first N requests to that key, then 200; `?fail=always` → always 500;
 *   `?redirect=1` → 302 elsewhere; `?hang=1` → never answers; `?big=1` → 500 with an endless body.
 * `GET /log/<key>` returns what `<key>` received (so tests running inside workerd can look).
 * `GET /dns-query?name=&type=` is a stand-in DNS-over-HTTPS resolver (JSON form) for the delivery
 * time rebinding check: see `dnsAnswer`.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const log = new Map<string, ReceivedHook[]>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://receiver");
    const [, kind, key = ""] = url.pathname.split("/");
    if (req.method === "GET" && kind === "dns-query") {
      res.writeHead(200, { "content-type": "application/dns-json" });
      res.end(
        JSON.stringify(dnsAnswer(url.searchParams.get("name") ?? "", url.searchParams.get("type") ?? "")),
      );
      return;
    }
    if (req.method === "GET" && kind === "log") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(log.get(key) ?? []));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (url.searchParams.get("hang")) return; // never answer: the sender must time out
      if (url.searchParams.get("big")) return streamForever(res);
      const seen = log.get(key) ?? [];
      const fail = url.searchParams.get("fail");
      let status = 200;
      if (fail === "always" || (fail !== null && seen.length < Number(fail))) status = 500;
      if (url.searchParams.get("redirect")) status = 302;
      seen.push({ headers: pickHeaders(req.headers), body: Buffer.concat(chunks).toString("utf8"), status });
      log.set(key, seen);
      res.writeHead(status, status === 302 ? { location: "http://169.254.169.254/" } : {});
      res.end(status === 200 ? "ok" : "receiver says no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: (key) => log.get(key) ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pickHeaders(headers: IncomingHttpHeaders): ReceivedHook["headers"] {
  const one = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    "webhook-id": one("webhook-id"),
    "webhook-timestamp": one("webhook-timestamp"),
    "webhook-signature": one("webhook-signature"),
  };
}

/** 500 with a body that never ends (until the client goes away): the sender must stop reading. */
function streamForever(res: import("node:http").ServerResponse) {
  res.writeHead(500, { "content-type": "text/plain" });
  const chunk = "x".repeat(16 * 1024);
  const timer = setInterval(() => res.write(chunk), 1);
  res.on("close", () => clearInterval(timer));
}

/**
 * What the stand-in resolver answers: `*.rebind.test` → 127.0.0.1, `*.mapped.test` → the metadata
 * address in IPv4-mapped IPv6, `*.public.test` → a public address, `*.broken.test` → SERVFAIL,
 * anything else NXDOMAIN.
 */
function dnsAnswer(name: string, type: string) {
  const record = (code: number, data: string) => ({
    Status: 0,
    Answer: [{ name, type: code, TTL: 1, data }],
  });
  if (name.endsWith(".broken.test")) return { Status: 2 };
  if (name.endsWith(".rebind.test")) return type === "A" ? record(1, "127.0.0.1") : { Status: 0 };
  if (name.endsWith(".mapped.test"))
    return type === "AAAA" ? record(28, "::ffff:169.254.169.254") : { Status: 0 };
  if (name.endsWith(".public.test")) return type === "A" ? record(1, "93.184.216.34") : { Status: 0 };
  return { Status: 3 };
}
