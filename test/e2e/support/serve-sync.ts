import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");
const SERVE_SYNC = join(ROOT, "scripts", "serve-sync.mjs");

export interface Node {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
  /** Resolves with the first log line matching `pred` (after those already seen). */
  waitFor(
    pred: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

/** Starts the reference serving node as a child process, the way an operator runs it. */
export function serveSync(url: string, token: string, ref: string, dir: string, args: string[] = []): Node {
  const child = spawn(
    process.execPath,
    [SERVE_SYNC, ref, dir, "--url", url, "--node-id", "node-1", ...args],
    {
      env: { ...process.env, REGISTRY_TOKEN: token },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  child.stdout?.on("data", (data: Buffer) => {
    buffer += data.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const waitFor: Node["waitFor"] = async (pred, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = lines.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out; log:\n${lines.map((l) => JSON.stringify(l)).join("\n")}\n${stderr}`);
  };
  return { child, lines, exited, waitFor };
}
