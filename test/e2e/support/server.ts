import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain .mjs shared with npm start and the benchmarks
import { startRegistry } from "../../../scripts/lib/registry-server.mjs";

export interface TestRegistry {
  url: string;
  token: string;
  stateDir: string;
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same state (a crash/restart). */
  restart(): Promise<TestRegistry>;
}

/**
 * A real registry server, started the way `npm start` starts it, on a free port with fresh state
 * in a temp dir and its own build directory (so parallel runs do not clobber dist/).
 */
export async function startTestRegistry(
  options: { stateDir?: string; token?: string } = {},
): Promise<TestRegistry> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "registry-state-"));
  const outDir = mkdtempSync(join(tmpdir(), "registry-dist-"));
  const token = options.token ?? `e2e-admin-${Math.random().toString(36).slice(2)}`;
  const server = await startRegistry({ port: 0, stateDir, outDir, token, quiet: true, crons: false });
  return {
    url: server.url,
    token,
    stateDir,
    async stop() {
      await server.stop();
      rmSync(outDir, { recursive: true, force: true });
    },
    async restart() {
      await server.stop();
      rmSync(outDir, { recursive: true, force: true });
      return startTestRegistry({ stateDir, token });
    },
  };
}

/** A tiny HTTP client bound to a registry and its admin token. */
export function client(registry: { url: string; token: string }) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${registry.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${registry.token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}
