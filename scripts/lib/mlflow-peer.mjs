// Starts and stops the real MLflow 2.12.2 server (../shared/peers/mlflow, or MLFLOW_PEER_DIR) on a
// free port with fresh state, for the Python client tests and the importer's tests.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");
/** MLFLOW_PEER_DIR, else ../shared/peers/mlflow beside the checkout (or beside a git worktree's parent). */
export const PEER_DIR = process.env.MLFLOW_PEER_DIR
  ? resolve(ROOT, process.env.MLFLOW_PEER_DIR)
  : (["../shared/peers/mlflow", "../../shared/peers/mlflow"]
      .map((p) => resolve(ROOT, p))
      .find((p) => existsSync(join(p, "start.sh"))) ?? resolve(ROOT, "../shared/peers/mlflow"));
export const PYTHON = "/usr/bin/python3";

/** PYTHONPATH and interpreter for the peer's unmodified `mlflow` package. */
export function pythonEnv() {
  return {
    PYTHONPATH: `${join(PEER_DIR, "src")}:${join(PEER_DIR, "deps")}`,
    PYTHONNOUSERSITE: "1",
    PYTHONDONTWRITEBYTECODE: "1",
  };
}

export function peerAvailable() {
  return existsSync(join(PEER_DIR, "start.sh")) && existsSync(PYTHON);
}

export async function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** A fresh MLflow tracking + registry server with served artifacts; `stop()` ends its process group. */
export async function startMlflowPeer({ workers = 2 } = {}) {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), "mlflow-peer-"));
  const env = { ...process.env, PORT: String(port), STATE_DIR: stateDir, WORKERS: String(workers) };
  execFileSync("bash", [join(PEER_DIR, "start.sh")], { env, stdio: ["ignore", "ignore", "inherit"] });
  return {
    url: `http://127.0.0.1:${port}`,
    stateDir,
    async stop() {
      execFileSync("bash", [join(PEER_DIR, "stop.sh")], { env, stdio: "ignore" });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
