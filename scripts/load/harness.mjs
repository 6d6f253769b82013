// The load-and-fault harness (used by `npm run load` and the e2e suite). N concurrent clients run a
// realistic mix (register, tag, alias moves, reads) against one real server for a bounded time; then
// an oracle checks the record: version numbers gap-free, every acknowledged write present, one audit
// entry per change, no 5xx. With `fault`, the server is restarted mid-load (state kept on disk) and
// nothing acknowledged may be lost.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { progress } from "../bench/lib/measure.mjs";
import { startRegistry } from "../lib/registry-server.mjs";
import { checkOracle } from "./oracle.mjs";

/**
 * @param {{ clients: number, seconds: number, models: number, fault: boolean, showProgress?: boolean }} options
 */
export async function runLoad({ clients, seconds, models: modelCount, fault, showProgress = true }) {
  const stateDir = mkdtempSync(join(tmpdir(), "load-state-"));
  const outDir = mkdtempSync(join(tmpdir(), "load-dist-"));
  const token = "load-admin";
  const start = (build) =>
    startRegistry({ port: 0, stateDir, outDir, token, crons: false, quiet: true, build });
  let server = await start(true);
  let restarting = null;

  /** What the clients were told succeeded: the oracle's expectations. */
  const acked = {
    versions: new Map(),
    tags: [],
    aliases: new Map(),
    /** Alias moves sent after the key's last acknowledged one whose answer never came (the
     * connection dropped in the restart): each may or may not have committed, so the oracle
     * accepts any of them as the final value, and nothing else. */
    aliasesInDoubt: new Map(),
    changes: new Map(),
    fiveHundreds: [],
    errors: 0,
  };
  const models = Array.from({ length: modelCount }, (_, i) => `load-${i}`);
  const countChange = (model) => acked.changes.set(model, (acked.changes.get(model) ?? 0) + 1);

  async function call(method, path, body) {
    if (restarting) await restarting;
    return fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });
  }

  for (const model of models) {
    const res = await call("POST", "/api/v1/models", { name: model });
    if (res.status !== 201) throw new Error(`setup: ${res.status} ${await res.text()}`);
    acked.versions.set(model, []);
    countChange(model);
  }

  /** One operation of client `id`. Each client moves only its own alias and writes unique tag keys,
   * so the oracle knows exactly which value was acknowledged last. */
  async function operate(id, op) {
    const model = models[(id + op) % models.length];
    const roll = Math.random();
    let res;
    if (roll < 0.4) {
      res = await call("POST", `/api/v1/models/${model}/versions`, { metrics: { auc: Math.random() } });
      if (res.status === 201) {
        acked.versions.get(model).push((await res.json()).version);
        countChange(model);
      }
    } else if (roll < 0.55) {
      const key = `c${id}-op${op}`;
      res = await call("PUT", `/api/v1/models/${model}/tags/${key}`, { value: String(op) });
      if (res.status === 200) {
        acked.tags.push({ model, key, value: String(op) });
        countChange(model);
      }
    } else if (roll < 0.7 && acked.versions.get(model).length > 0) {
      const versions = acked.versions.get(model);
      const version = versions[Math.floor(Math.random() * versions.length)];
      const key = `${model}/client${id}`;
      try {
        res = await call("PUT", `/api/v1/models/${model}/aliases/client${id}`, { version });
      } catch (error) {
        acked.aliasesInDoubt.set(key, [...(acked.aliasesInDoubt.get(key) ?? []), version]);
        throw error;
      }
      if (res.status === 200) {
        acked.aliases.set(key, version);
        acked.aliasesInDoubt.delete(key); // this client's earlier moves are settled before it
        countChange(model);
      }
    } else {
      res = await call(
        "GET",
        roll < 0.85 ? `/api/v1/models/${model}` : `/api/v1/models/${model}/versions?page_size=20`,
      );
    }
    if (res.status >= 500) acked.fiveHundreds.push(`${res.status} ${await res.text()}`);
    else await res.arrayBuffer().catch(() => undefined);
  }

  const startedAt = Date.now();
  const deadline = startedAt + seconds * 1000;
  const bar = showProgress ? progress(`load: ${clients} clients${fault ? " + restart" : ""}`, seconds) : null;
  const client = async (id) => {
    for (let op = 0; Date.now() < deadline; op++) {
      try {
        await operate(id, op);
      } catch {
        acked.errors++; // refused/reset while the server restarts: not acknowledged, so not expected
        await new Promise((r) => setTimeout(r, 100));
      }
      bar?.update(Math.min(seconds, Math.round((Date.now() - startedAt) / 1000)));
    }
  };
  const running = Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  if (fault) {
    await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
    restarting = (async () => {
      await server.stop();
      server = await start(false);
    })();
    await restarting;
    restarting = null;
  }
  await running;
  bar?.stop();

  try {
    return await checkOracle({ url: server.url, token, models, acked, stateDir });
  } finally {
    await server.stop();
  }
}
