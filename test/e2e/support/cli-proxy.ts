/**
 * A fault-injecting HTTP proxy on 127.0.0.1 between the CLI and the real registry: it counts
 * requests, can flip one byte of a blob download (a corrupted transfer) and can cut part uploads
 * (a crash/network loss mid-multipart). Everything else is forwarded unchanged.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxyMode {
  /** Flip a byte in the body of `GET /blobs/sha256:<hex>` for this hex. */
  flipBlob?: string;
  /** Let this many part PUTs through, then drop the connection of every later one. */
  partsAllowed?: number;
}

export interface FaultProxy {
  url: string;
  mode: ProxyMode;
  /** "METHOD /path" of every request seen since the last reset. */
  seen: string[];
  reset(mode?: ProxyMode): void;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const state: { mode: ProxyMode; seen: string[]; parts: number } = { mode: {}, seen: [], parts: 0 };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    state.seen.push(`${req.method} ${path.split("?")[0]}`);
    const body = await readBody(req);
    if (req.method === "PUT" && /\/uploads\/[^/]+\/parts\/\d+$/.test(path)) {
      state.parts++;
      if (state.mode.partsAllowed !== undefined && state.parts > state.mode.partsAllowed) {
        res.destroy();
        return;
      }
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && !["host", "connection", "content-length"].includes(k)) headers.set(k, v);
    }
    const upstream = await fetch(`${target}${path}`, {
      method: req.method,
      headers,
      body: body.length > 0 || req.method === "PUT" ? new Uint8Array(body) : undefined,
    });
    const bytes = Buffer.from(await upstream.arrayBuffer());
    if (
      state.mode.flipBlob &&
      req.method === "GET" &&
      path.endsWith(`/blobs/sha256:${state.mode.flipBlob}`)
    ) {
      const i = Math.floor(bytes.length / 2);
      bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(k)) out[k] = v;
    });
    res.writeHead(upstream.status, { ...out, "content-length": String(bytes.length) });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(mode: ProxyMode) {
      state.mode = mode;
    },
    get seen() {
      return state.seen;
    },
    reset(mode = {}) {
      state.mode = mode;
      state.seen = [];
      state.parts = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
