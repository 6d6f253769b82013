// `npm run test:mlflow`: the real MLflow 2.12.2 Python client (test/mlflow-py, stdlib unittest)
// against our registry started the way `npm start` starts it, with a real MLflow tracking server
// beside it for runs. The last line is `N passed, N failed`; the exit code is 0 only if all pass.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PEER_DIR, PYTHON, peerAvailable, pythonEnv, ROOT, startMlflowPeer } from "./lib/mlflow-peer.mjs";
import { startRegistry } from "./lib/registry-server.mjs";

if (!peerAvailable()) {
  console.error(`MLflow peer not found at ${PEER_DIR} (set MLFLOW_PEER_DIR)`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const stateDir = mkdtempSync(join(tmpdir(), "registry-state-"));
const outDir = mkdtempSync(join(tmpdir(), "registry-dist-"));
const token = `mlflow-py-${Math.random().toString(36).slice(2)}`;
let registry;
let peer;
let code = 1;
try {
  registry = await startRegistry({ port: 0, stateDir, outDir, token, quiet: true, crons: false });
  peer = await startMlflowPeer();
  code = await new Promise((done) => {
    const child = spawn(PYTHON, [join(ROOT, "test", "mlflow-py", "run.py"), ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: "inherit",
      env: {
        ...process.env,
        ...pythonEnv(),
        REPO_ROOT: ROOT,
        REGISTRY_URL: registry.url,
        REGISTRY_TOKEN: token,
        MLFLOW_PEER_URL: peer.url,
        GIT_PYTHON_REFRESH: "quiet",
      },
    });
    child.on("exit", (status) => done(status ?? 1));
  });
} catch (error) {
  console.error(error);
  console.log("0 passed, 1 failed");
} finally {
  await peer?.stop();
  await registry?.stop();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
}
process.exit(code);
