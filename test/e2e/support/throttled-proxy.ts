/**
 * A slow link on 127.0.0.1 between a serving node and the real registry: blob downloads trickle
 * through at `bytesPerSecond` (headers at once, so the node starts writing), everything else is
 * forwarded unchanged. It lets a test kill a node in the middle of a download deterministically.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ThrottledProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startThrottledProxy(target: string, bytesPerSecond: number): Promise<ThrottledProxy> {
  const chunk = Math.max(1024, Math.floor(bytesPerSecond / 20));
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body: Buffer[] = [];
    for await (const part of req) body.push(part as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && !["host", "connection", "content-length"].includes(k)) headers.set(k, v);
    }
    try {
      const upstream = await fetch(`${target}${req.url ?? "/"}`, {
        method: req.method,
        headers,
        body: body.length > 0 ? Buffer.concat(body) : undefined,
      });
      const bytes = Buffer.from(await upstream.arrayBuffer());
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!["content-encoding", "transfer-encoding", "connection"].includes(k)) out[k] = v;
      });
      res.writeHead(upstream.status, { ...out, "content-length": String(bytes.length) });
      if (!(req.url ?? "").includes("/blobs/sha256:")) return void res.end(bytes);
      for (let i = 0; i < bytes.length && !res.destroyed; i += chunk) {
        res.write(bytes.subarray(i, i + chunk));
        await new Promise((r) => setTimeout(r, 50));
      }
      res.end();
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
