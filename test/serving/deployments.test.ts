import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createToken, json, uniqueName } from "../support/api";
import { modelWithVersions, moveAlias } from "./support";

interface Deployment {
  node_id: string;
  alias: string;
  version: number;
  in_sync: boolean;
  drift: string | null;
  digest_mismatch: boolean;
  drift_since: string | null;
  drift_episodes: number;
  stale: boolean;
  expected: { version: number; manifest_digest: string } | null;
  previous: { version: number; manifest_digest: string } | null;
}

const WRONG = `sha256:${"e".repeat(64)}`;

async function report(name: string, body: Record<string, unknown>, token?: string) {
  return api("POST", `/api/v1/models/${name}/deployments`, {
    token,
    body: {
      environment: "production",
      alias: "champion",
      loaded_at: new Date().toISOString(),
      status: "loaded",
      ...body,
    },
  });
}

async function nodes(name: string, query = "") {
  const res = await api("GET", `/api/v1/models/${name}/deployments${query}`);
  expect(res.status).toBe(200);
  return (await json<{ items: Deployment[] }>(res)).items;
}

/** The drift events in the transactional outbox for a model, oldest first. */
async function driftEvents(name: string) {
  const { results } = await env.DB.prepare(
    "select envelope from outbox_events where model_name = ? and type = 'deployment.drift' order by sequence",
  )
    .bind(name)
    .all<{ envelope: string }>();
  return results.map(
    (r) => JSON.parse(r.envelope).data as { state: string; reason: string; node_id: string },
  );
}

async function auditActions(name: string) {
  const { results } = await env.DB.prepare("select action from audit_log where model_name = ? order by id")
    .bind(name)
    .all<{ action: string }>();
  return results.map((r) => r.action);
}

describe("deployment reports", () => {
  it("lists what each node runs against what its alias says, in sync", async () => {
    const name = uniqueName("dep");
    const [v1] = await modelWithVersions(name, 2, 1);
    const res = await report(name, { node_id: "n1", version: 1, manifest_digest: v1?.manifest_digest });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-d1-bookmark")).toBeTruthy();
    expect(await json(res)).toMatchObject({ node_id: "n1", in_sync: true, drift: null, stale: false });
    const [n1] = await nodes(name);
    expect(n1).toMatchObject({ node_id: "n1", alias: "champion", version: 1, in_sync: true });
    expect(n1?.expected).toEqual({ version: 1, manifest_digest: v1?.manifest_digest });
  });

  it("flags a node whose digest does not match its version (corruption or a manual copy)", async () => {
    const name = uniqueName("dep");
    await modelWithVersions(name, 1, 1);
    const res = await report(name, { node_id: "n1", version: 1, manifest_digest: WRONG });
    expect(res.status).toBe(200);
    const [n1] = await nodes(name);
    expect(n1).toMatchObject({ in_sync: false, drift: "digest_mismatch", digest_mismatch: true });
    expect(n1?.drift_since).not.toBeNull();
    expect((await driftEvents(name)).map((e) => [e.state, e.reason])).toEqual([
      ["started", "digest_mismatch"],
    ]);
  });

  it("raises deployment.drift once per episode, again after it resolves and recurs", async () => {
    const name = uniqueName("dep");
    const [v1, v2] = await modelWithVersions(name, 2, 1);
    const good = { node_id: "n1", version: 1, manifest_digest: v1?.manifest_digest };
    for (let i = 0; i < 3; i++) expect((await report(name, good)).status).toBe(200);
    expect(await driftEvents(name)).toEqual([]);

    // The alias moves; the node keeps reporting v1: one episode, however often it reports.
    await moveAlias(name, "champion", 2);
    for (let i = 0; i < 4; i++) await report(name, good);
    expect((await nodes(name))[0]).toMatchObject({ drift: "version_mismatch", drift_episodes: 1 });
    expect((await driftEvents(name)).map((e) => e.state)).toEqual(["started"]);

    // It catches up: the episode closes (one resolved event), heartbeats after that add nothing.
    const caughtUp = { node_id: "n1", version: 2, manifest_digest: v2?.manifest_digest };
    for (let i = 0; i < 3; i++) await report(name, caughtUp);
    expect((await driftEvents(name)).map((e) => e.state)).toEqual(["started", "resolved"]);
    const [n1] = await nodes(name);
    expect(n1).toMatchObject({ in_sync: true, drift_since: null, version: 2 });
    expect(n1?.previous).toEqual({ version: 1, manifest_digest: v1?.manifest_digest });

    // It drifts again (a manual copy over v2): a new episode, a new event.
    for (let i = 0; i < 2; i++) await report(name, { ...caughtUp, manifest_digest: WRONG });
    const events = await driftEvents(name);
    expect(events.map((e) => [e.state, e.reason])).toEqual([
      ["started", "version_mismatch"],
      ["resolved", "version_mismatch"],
      ["started", "digest_mismatch"],
    ]);
    expect((await nodes(name))[0]?.drift_episodes).toBe(2);

    // Only episode edges reach the audit log, not the 15 polls.
    const deploymentAudit = (await auditActions(name)).filter((a) => a.startsWith("deployment."));
    expect(deploymentAudit).toEqual([
      "deployment.drift_started",
      "deployment.drift_resolved",
      "deployment.drift_started",
    ]);
  });

  it("concurrent drifting reports from one node open exactly one episode (the ledger serialises)", async () => {
    const name = uniqueName("dep");
    await modelWithVersions(name, 1, 1);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => report(name, { node_id: "racer", version: 1, manifest_digest: WRONG })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect((await driftEvents(name)).map((e) => e.state)).toEqual(["started"]);
    expect((await nodes(name))[0]?.drift_episodes).toBe(1);
  });

  it("keeps drift state per node: one node drifting does not touch another", async () => {
    const name = uniqueName("dep");
    const [v1] = await modelWithVersions(name, 1, 1);
    await report(name, { node_id: "a", version: 1, manifest_digest: v1?.manifest_digest });
    await report(name, { node_id: "b", version: 1, manifest_digest: WRONG });
    await report(name, { node_id: "c", version: 9, manifest_digest: WRONG });
    const list = await nodes(name);
    expect(list.map((n) => [n.node_id, n.drift])).toEqual([
      ["a", null],
      ["b", "digest_mismatch"],
      ["c", "unknown_version"],
    ]);
    expect((await driftEvents(name)).map((e) => e.node_id)).toEqual(["b", "c"]);
  });

  it("follows the environment's name when a node reports no alias", async () => {
    const name = uniqueName("dep");
    const [v1, v2] = await modelWithVersions(name, 2, 1);
    await moveAlias(name, "canary", 2);
    const body = { node_id: "c1", environment: "canary", alias: undefined };
    await report(name, { ...body, version: 2, manifest_digest: v2?.manifest_digest });
    await report(name, {
      node_id: "p1",
      environment: "production",
      alias: undefined,
      version: 1,
      manifest_digest: v1?.manifest_digest,
    });
    const list = await nodes(name);
    expect(list.map((n) => [n.node_id, n.alias, n.drift])).toEqual([
      ["c1", "canary", null],
      ["p1", "production", "no_target"],
    ]);
  });

  it("marks nodes silent longer than stale_after as stale", async () => {
    const name = uniqueName("dep");
    const [v1] = await modelWithVersions(name, 1, 1);
    await report(name, { node_id: "n1", version: 1, manifest_digest: v1?.manifest_digest });
    expect((await nodes(name))[0]?.stale).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await nodes(name, "?stale_after=1"))[0]?.stale).toBe(true);
    expect((await nodes(name, "?stale_after=600"))[0]?.stale).toBe(false);
  });

  it("serving tokens may report and read; viewers may not report; bad reports are 400 and write nothing", async () => {
    const name = uniqueName("dep");
    const [v1] = await modelWithVersions(name, 1, 1);
    const ok = { node_id: "n1", version: 1, manifest_digest: v1?.manifest_digest };
    expect((await report(name, ok, await createToken("serving"))).status).toBe(200);
    const viewer = await report(name, ok, await createToken("viewer"));
    expect(viewer.status).toBe(403);
    expect((await report(name, ok, await createToken("serving", ["other-*"]))).status).toBe(404);
    const bad = [
      { ...ok, node_id: "../etc" },
      { ...ok, version: 0 },
      { ...ok, manifest_digest: "sha256:XYZ" },
      { ...ok, status: "running" },
      { ...ok, loaded_at: "yesterday" },
      { ...ok, extra: 1 },
      { ...ok, node_id: "n2", environment: "prod env" },
    ];
    for (const body of bad) {
      const res = await report(name, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await nodes(name)).map((n) => n.node_id)).toEqual(["n1"]);
    expect((await report(uniqueName("absent"), ok)).status).toBe(404);
  });
});

describe("GET /deployments/summary", () => {
  it("counts nodes in sync, drifted, mismatched and stale per model; scoped tokens see only theirs", async () => {
    const prefix = uniqueName("fleet");
    const a = `${prefix}-a`;
    const b = `${prefix}-b`;
    const [a1] = await modelWithVersions(a, 1, 1);
    const [b1] = await modelWithVersions(b, 1, 1);
    await report(a, { node_id: "x", version: 1, manifest_digest: a1?.manifest_digest });
    await report(a, { node_id: "y", version: 1, manifest_digest: WRONG });
    await report(b, { node_id: "z", version: 1, manifest_digest: b1?.manifest_digest });

    const scoped = await createToken("viewer", [`${prefix}-a`]);
    const res = await api("GET", "/api/v1/deployments/summary", { token: scoped });
    expect(res.status).toBe(200);
    const summary = await json<{ totals: Record<string, number>; items: { name: string }[] }>(res);
    expect(summary.items).toEqual([
      { name: a, nodes: 2, in_sync: 1, drifted: 1, digest_mismatch: 1, stale: 0 },
    ]);
    expect(summary.totals).toEqual({ nodes: 2, in_sync: 1, drifted: 1, digest_mismatch: 1, stale: 0 });

    const all = await json<{ items: { name: string }[] }>(await api("GET", "/api/v1/deployments/summary"));
    expect(all.items.filter((i) => i.name.startsWith(prefix)).map((i) => i.name)).toEqual([a, b]);
  });
});
