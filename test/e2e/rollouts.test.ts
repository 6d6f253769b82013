/**
 * Progressive rollouts end to end on the real server: two `serve-sync` nodes follow
 * fraud@champion; a rollout puts one on the canary, that node reports bad health, and both serve
 * the stable version again without anyone acting (the guard rolls back within the report).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Node, serveSync } from "./support/serve-sync";
import { client, startTestRegistry, type TestRegistry } from "./support/server";

const sha = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

describe("a guarded rollout with two serve-sync nodes", () => {
  let registry: TestRegistry;
  let call: ReturnType<typeof client>;
  let servingToken: string;
  const nodes: Node[] = [];

  beforeAll(async () => {
    registry = await startTestRegistry();
    call = client(registry);
    const res = await call("POST", "/api/v1/tokens", { name: "edge", role: "serving" });
    servingToken = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    for (const n of nodes) n.child.kill("SIGINT");
    await Promise.all(nodes.map((n) => n.exited));
    await registry?.stop();
  });

  async function register(name: string) {
    const bytes = randomBytes(8 * 1024);
    const digest = sha(bytes);
    const put = await fetch(`${registry.url}/api/v1/blobs/${digest}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${registry.token}`, "content-type": "application/octet-stream" },
      body: new Uint8Array(bytes),
    });
    expect([200, 201]).toContain(put.status);
    const res = await call("POST", `/api/v1/models/${name}/versions`, {
      files: [{ path: "model.bin", digest, size: bytes.byteLength }],
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { version: number; manifest_digest: string };
  }

  /** Asks the server which version a node id would get now (what serve-sync itself will ask). */
  const answerFor = async (name: string, node: string) =>
    (
      (await (await call("GET", `/api/v1/models/${name}/resolve?alias=champion&node_id=${node}`)).json()) as {
        version: number;
      }
    ).version;

  it("one node lands on the canary, reports bad health, and both serve the stable version again", async () => {
    const name = "e2e-rollout";
    expect((await call("POST", "/api/v1/models", { name })).status).toBe(201);
    const v1 = await register(name);
    const v2 = await register(name);
    expect((await call("PUT", `/api/v1/models/${name}/aliases/champion`, { version: 1 })).status).toBe(200);

    const guard = { metric: "error_rate", op: "<=", value: 0.01, min_reports: 1 };
    const started = await call("POST", `/api/v1/models/${name}/rollouts`, {
      alias: "champion",
      version: 2,
      weight: 50,
      steps: [50, 100],
      step_interval_s: 3600,
      guards: [guard],
    });
    expect(started.status).toBe(201);
    const rollout = (await started.json()) as { id: string };

    // Two node ids the rollout splits: one on the canary, one stable.
    let canaryId = "";
    let stableId = "";
    for (let i = 0; !(canaryId && stableId); i++) {
      const id = `edge-${i}`;
      if ((await answerFor(name, id)) === 2) canaryId ||= id;
      else stableId ||= id;
    }

    const healthOf = (id: string) => join(mkdtempSync(join(tmpdir(), `health-${id}-`)), "metrics.json");
    const canaryHealth = healthOf(canaryId);
    const stableHealth = healthOf(stableId);
    writeFileSync(canaryHealth, JSON.stringify({ error_rate: 0.001 }));
    writeFileSync(stableHealth, JSON.stringify({ error_rate: 0.001 }));
    const start = (id: string, health: string) => {
      const dir = mkdtempSync(join(tmpdir(), `serve-${id}-`));
      const args = ["--node-id", id, "--interval", "0.2", "--report-every", "0.2", "--metrics-file", health];
      const node = serveSync(registry.url, servingToken, `${name}@champion`, dir, args);
      nodes.push(node);
      return { node, dir };
    };
    const canary = start(canaryId, canaryHealth);
    const stable = start(stableId, stableHealth);

    await canary.node.waitFor((l) => l.event === "swapped" && l.version === 2);
    await stable.node.waitFor((l) => l.event === "swapped" && l.version === 1);
    await canary.node.waitFor((l) => l.event === "reported" && l.version === 2 && l.canary === true);
    // Healthy canary: the rollout stays active.
    const listed = async () =>
      (
        (await (await call("GET", `/api/v1/models/${name}/rollouts`)).json()) as {
          items: { id: string; status: string; breach: { nodes: string[]; value: number } | null }[];
        }
      ).items[0];
    expect(await listed()).toMatchObject({ id: rollout.id, status: "active" });

    // The canary's serving system notices errors; its next report carries them.
    writeFileSync(canaryHealth, JSON.stringify({ error_rate: 0.3 }));
    await canary.node.waitFor((l) => l.event === "swapped" && l.version === 1, 30_000);
    const after = await listed();
    expect(after).toMatchObject({ status: "rolled_back", breach: { nodes: [canaryId], value: 0.3 } });
    expect(readlinkSync(join(canary.dir, "current"))).toContain(v1.manifest_digest.slice(7));
    expect(readlinkSync(join(stable.dir, "current"))).toContain(v1.manifest_digest.slice(7));
    // The stable node never ran the canary.
    expect(stable.node.lines.filter((l) => l.event === "swapped").map((l) => l.version)).toEqual([1]);
    await canary.node.waitFor((l) => l.event === "reported" && l.version === 1 && l.canary === null);

    const fleet = (await (await call("GET", `/api/v1/models/${name}/deployments`)).json()) as {
      items: { node_id: string; version: number; in_sync: boolean }[];
    };
    expect(fleet.items.map((i) => [i.node_id, i.version, i.in_sync]).sort()).toEqual(
      [
        [canaryId, 1, true],
        [stableId, 1, true],
      ].sort(),
    );
    expect(v2.version).toBe(2);
  });
});
