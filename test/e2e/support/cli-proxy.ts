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
  /** Send the body of `GET /blobs/sha256:<hex>` short by 100 bytes (with a matching Content-Length). */
  truncateBlob?: string;
  /** Let this many part PUTs through, then drop the connection of every later one. */
  partsAllowed?: number;
  /** Let this many part PUTs through, then hold every later one unanswered (until the client dies). */
  partsBeforeHang?: number;
  /** Forward this many `POST /uploads/{id}/complete` to the server but lose their answers. */
  dropCompleteAnswers?: number;
  /** Hold every blob download unanswered (a stalled transfer the user interrupts). */
  hangDownloads?: boolean;
}

export interface FaultProxy {
  url: string;
  mode: ProxyMode;
  /** "METHOD /path" of every request seen since the last reset. */
  seen: string[];
  /** Part PUTs the server has answered since the last reset. */
  readonly partsDone: number;
  reset(mode?: ProxyMode): void;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const state = { mode: {} as ProxyMode, seen: [] as string[], parts: 0, partsDone: 0 };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    state.seen.push(`${req.method} ${path.split("?")[0]}`);
    const body = await readBody(req);
    if (state.mode.hangDownloads && req.method === "GET" && path.includes("/blobs/sha256:")) return;
    const isPart = req.method === "PUT" && /\/uploads\/[^/]+\/parts\/\d+$/.test(path);
    if (isPart) {
      state.parts++;
      if (state.mode.partsAllowed !== undefined && state.parts > state.mode.partsAllowed) {
        res.destroy();
        return;
      }
      if (state.mode.partsBeforeHang !== undefined && state.parts > state.mode.partsBeforeHang) return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && !["host", "connection", "content-length"].includes(k)) headers.set(k, v);
    }
    const forwarded = fetch(`${target}${path}`, {
      method: req.method,
      headers,
      body: body.length > 0 || req.method === "PUT" ? new Uint8Array(body) : undefined,
    });
    if (req.method === "POST" && path.endsWith("/complete") && (state.mode.dropCompleteAnswers ?? 0) > 0) {
      // The server goes on verifying; the client loses its connection at once (a timeout).
      state.mode.dropCompleteAnswers = (state.mode.dropCompleteAnswers ?? 0) - 1;
      res.destroy();
      await forwarded.then((r) => r.arrayBuffer()).catch(() => undefined);
      return;
    }
    const upstream = await forwarded;
    let bytes = Buffer.from(await upstream.arrayBuffer());
    if (isPart && upstream.ok) state.partsDone++;
    if (
      state.mode.truncateBlob &&
      req.method === "GET" &&
      path.endsWith(`/blobs/sha256:${state.mode.truncateBlob}`)
    ) {
      bytes = bytes.subarray(0, Math.max(0, bytes.length - 100));
    }
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
    get partsDone() {
      return state.partsDone;
    },
    reset(mode = {}) {
      state.mode = mode;
      state.seen = [];
      state.parts = 0;
      state.partsDone = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
