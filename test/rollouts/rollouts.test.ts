import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createToken, json, uniqueName } from "../support/api";
import {
  modelWithVersions,
  move,
  mustStart,
  nodesJoining,
  nodesWhere,
  type Rollout,
  resolvedVersion,
  resolveFor,
  rollouts,
  startRollout,
} from "./support";

let contributor: string;
let approver: string;
let viewer: string;
beforeAll(async () => {
  [contributor, approver, viewer] = await Promise.all([
    createToken("contributor"),
    createToken("approver"),
    createToken("viewer"),
  ]);
});

const events = async (name: string) =>
  (
    await env.DB.prepare("select type from outbox_events where model_name = ? order by sequence")
      .bind(name)
      .all<{ type: string }>()
  ).results.map((r) => r.type);

describe("POST /models/{name}/rollouts", () => {
  it("starts a rollout from the alias's version: 201, one active per alias, audited and announced", async () => {
    const name = uniqueName("ro");
    await modelWithVersions(name, 2, 1);
    const res = await startRollout(name, {
      version: 2,
      weight: 10,
      steps: [10, 50, 100],
      step_interval_s: 600,
      guards: [{ metric: "error_rate", op: "<=", value: 0.01, min_reports: 3 }],
    });
    expect(res.status).toBe(201);
    const body = await json<Rollout>(res);
    expect(body).toMatchObject({
      name,
      alias: "champion",
      from_version: 1,
      version: 2,
      weight: 10,
      status: "active",
      breach: null,
    });
    expect(body.id).toMatch(/^rol_/);
    expect(body.history).toMatchObject([{ action: "started", weight: 10, actor: "admin" }]);

    const again = await startRollout(name, { version: 2 });
    expect(again.status).toBe(409);
    expect((await json(again)).code).toBe("ROLLOUT_ALREADY_ACTIVE");
    expect(await events(name)).toContain("rollout.started");
    const verify = await json(await api("GET", `/api/v1/models/${name}/audit/verify`));
    expect(verify).toMatchObject({ ok: true });
  });

  it("refuses what moving the alias would refuse, and bad plans, with problem+json", async () => {
    const name = uniqueName("ro");
    await modelWithVersions(name, 2, 1);
    const expectCode = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await json(res)).code).toBe(code);
    };
    await expectCode(await startRollout(name, { version: 2 }, viewer), 403, "PERMISSION_DENIED");
    await expectCode(await startRollout(name, { alias: "latest", version: 2 }), 422, "RESERVED_ALIAS");
    await expectCode(await startRollout(name, { alias: "nope", version: 2 }), 404, "ALIAS_NOT_FOUND");
    await expectCode(await startRollout(name, { version: 9 }), 404, "VERSION_NOT_FOUND");
    await expectCode(await startRollout(name, { version: 1 }), 409, "ROLLOUT_SAME_VERSION");
    await expectCode(await startRollout(name, { version: 2, steps: [50, 10] }), 400, "INVALID_ARGUMENT");
    await expectCode(await startRollout(name, { version: 2, weight: 0 }), 400, "INVALID_ARGUMENT");
    await expectCode(await startRollout(name, { version: 2, weight: 101 }), 400, "INVALID_ARGUMENT");
    await expectCode(
      await startRollout(name, { version: 2, guards: [{ metric: "x y", op: "<=", value: 1 }] }),
      400,
      "INVALID_ARGUMENT",
    );
    await expectCode(await startRollout(name, { version: 2, extra: true }), 400, "INVALID_ARGUMENT");
    // A scoped token: another tenant's model and its rollouts do not exist.
    const scoped = await createToken("admin", ["other-*"]);
    await expectCode(await startRollout(name, { version: 2 }, scoped), 404, "MODEL_NOT_FOUND");
    expect(await rollouts(name)).toEqual([]);

    const started = await mustStart(name, { version: 2 });
    await expectCode(await move(started.id, "abort", scoped), 404, "ROLLOUT_NOT_FOUND");
    await expectCode(await move("rol_doesnotexist", "abort"), 404, "ROLLOUT_NOT_FOUND");
    await expectCode(await move("not-an-id", "abort"), 400, "INVALID_ARGUMENT");
    expect((await api("GET", `/api/v1/models/${name}/rollouts`, { token: scoped })).status).toBe(404);
  });

  it("a protected alias needs an approver, as for moving it; an alias serving Production needs approval", async () => {
    const name = uniqueName("ro");
    await modelWithVersions(name, 3, 1);
    expect(
      (await api("PUT", `/api/v1/models/${name}/policy`, { body: { protected_aliases: ["champion"] } }))
        .status,
    ).toBe(200);
    const denied = await startRollout(name, { version: 2 }, contributor);
    expect(denied.status).toBe(403);
    const started = await startRollout(name, { version: 2 }, approver);
    expect(started.status).toBe(201);
    const { id } = await json<Rollout>(started);
    expect((await move(id, "promote", contributor)).status).toBe(403);
    expect((await move(id, "abort", approver)).status).toBe(200);

    // champion → a version in Production: the canary must be approved for Production first.
    const to = (v: number, body: object) =>
      api("POST", `/api/v1/models/${name}/versions/${v}/transitions`, { body });
    expect((await to(1, { to: "Staging" })).status).toBe(200);
    expect((await to(1, { to: "Production", fast_track: true, comment: "bootstrap" })).status).toBe(200);
    const unapproved = await startRollout(name, { version: 3 });
    expect(unapproved.status).toBe(409);
    expect((await json(unapproved)).code).toBe("APPROVAL_REQUIRED");
  });
});

describe("what a rollout locks while it runs", () => {
  it("the alias and both versions: PUT/DELETE alias and MLflow version delete are refused, serving cannot steer", async () => {
    const name = uniqueName("ro");
    await modelWithVersions(name, 3, 1);
    const serving = await createToken("serving");
    expect((await startRollout(name, { version: 2 }, serving)).status).toBe(403);
    const rollout = await mustStart(name, { version: 2 });
    expect((await move(rollout.id, "abort", serving)).status).toBe(403);
    expect((await api("GET", `/api/v1/models/${name}/rollouts`, { token: serving })).status).toBe(200);

    const del = await api("DELETE", `/api/v1/models/${name}/aliases/champion`);
    expect(del.status).toBe(409);
    expect((await json(del)).code).toBe("ROLLOUT_IN_PROGRESS");
    for (const version of ["1", "2"]) {
      const res = await api("DELETE", "/api/2.0/mlflow/model-versions/delete", { body: { name, version } });
      expect(res.status).toBe(409);
      expect((await json<{ error_code: string }>(res)).error_code).toBe("RESOURCE_CONFLICT");
    }
    // A version outside the rollout is not locked.
    expect(
      (await api("DELETE", "/api/2.0/mlflow/model-versions/delete", { body: { name, version: "3" } })).status,
    ).toBe(200);
    expect((await move(rollout.id, "abort")).status).toBe(200);
    expect((await api("DELETE", `/api/v1/models/${name}/aliases/champion`)).status).toBe(204);
  });
});

describe("resolve during a rollout", () => {
  it("answers the canary to a weight's share of nodes, the stable version without node_id, on alias GET and MLflow", async () => {
    const name = uniqueName("ro");
    await modelWithVersions(name, 2, 1);
    const { id } = await mustStart(name, { version: 2, weight: 50 });
    const nodes = Array.from({ length: 200 }, (_, i) => `edge-${i}`);
    const versions = await Promise.all(nodes.map((n) => resolvedVersion(name, n)));
    const share = versions.filter((v) => v === 2).length / nodes.length;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.65);
    const [canary] = await nodesWhere(name, true, 50, 1);
    expect(await resolvedVersion(name, canary)).toBe(2);

    expect(await resolvedVersion(name)).toBe(1);
    const alias = await json<{ version: number }>(
      await api("GET", `/api/v1/models/${name}/aliases/champion`),
    );
    expect(alias.version).toBe(1);
    const mlflow = await json<{ model_version: { version: string } }>(
      await api("GET", `/api/2.0/mlflow/registered-models/alias?name=${name}&alias=champion`),
    );
    expect(mlflow.model_version.version).toBe("1");
    // Moving the alias by hand while it rolls out is refused: one outcome, through the rollout.
    const put = await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 2 } });
    expect(put.status).toBe(409);
    expect((await json(put)).code).toBe("ROLLOUT_IN_PROGRESS");

    expect((await move(id, "abort")).status).toBe(200);
    const after = await Promise.all(nodes.map((n) => resolvedVersion(name, n)));
    expect(after.every((v) => v === 1)).toBe(true);
  });

  it("changes a node's ETag only when its answer changes: growing the weight adds nodes, never drops one", async () => {
    const name = uniqueName("ro");
    await modelWithVersions(name, 2, 1);
    const { id } = await mustStart(name, { version: 2, steps: [10, 50, 100] });
    const early = await nodesWhere(name, true, 10, 3);
    // Not "on at 50 and not among `early`": a node on at 10 beyond the first three would be in it.
    const later = await nodesJoining(name, 10, 50, 3);
    const stable = await nodesWhere(name, false, 50, 3);
    const etags = new Map<string, string>();
    for (const node of [...early, ...later, ...stable]) {
      const res = await resolveFor(name, node);
      etags.set(node, res.headers.get("etag") ?? "");
      expect((await json<{ version: number }>(res)).version).toBe(early.includes(node) ? 2 : 1);
    }
    const advanced = await json<Rollout>(await move(id, "advance"));
    expect(advanced.weight).toBe(50);
    for (const node of [...early, ...stable]) {
      expect((await resolveFor(name, node, etags.get(node))).status).toBe(304);
    }
    for (const node of later) {
      const res = await resolveFor(name, node, etags.get(node));
      expect(res.status).toBe(200);
      expect((await json<{ version: number }>(res)).version).toBe(2);
    }
  });

  it("promote moves the alias for everyone; the list shows each rollout with its history", async () => {
    const name = uniqueName("ro");
    await modelWithVersions(name, 3, 1);
    const first = await mustStart(name, { version: 2, steps: [10, 100] });
    expect((await json<Rollout>(await move(first.id, "advance"))).weight).toBe(100);
    const done = await json<Rollout>(await move(first.id, "advance"));
    expect(done.status).toBe("completed");
    const moved = await move(first.id, "abort");
    expect(moved.status).toBe(409);
    expect((await json(moved)).code).toBe("ROLLOUT_NOT_ACTIVE");
    expect(await resolvedVersion(name)).toBe(2);
    expect(await resolvedVersion(name, "any-node")).toBe(2);

    const second = await mustStart(name, { version: 3, weight: 5 });
    const promoted = await json<Rollout>(await move(second.id, "promote"));
    expect(promoted).toMatchObject({ status: "completed", weight: 100 });
    expect(
      (await json<{ version: number }>(await api("GET", `/api/v1/models/${name}/aliases/champion`))).version,
    ).toBe(3);

    const list = await rollouts(name);
    expect(list.map((r) => [r.id, r.status])).toEqual([
      [second.id, "completed"],
      [first.id, "completed"],
    ]);
    expect(list[1]?.history.map((h) => [h.action, h.weight])).toEqual([
      ["started", 10],
      ["advanced", 100],
      ["completed", 100],
    ]);
    const page = await json<{ items: Rollout[]; next_page_token: string | null }>(
      await api("GET", `/api/v1/models/${name}/rollouts?page_size=1`, { token: viewer }),
    );
    expect(page.items.map((r) => r.id)).toEqual([second.id]);
    const next = await json<{ items: Rollout[] }>(
      await api("GET", `/api/v1/models/${name}/rollouts?page_size=1&page_token=${page.next_page_token}`),
    );
    expect(next.items.map((r) => r.id)).toEqual([first.id]);
    expect(await events(name)).toEqual(
      expect.arrayContaining(["rollout.started", "rollout.advanced", "rollout.completed"]),
    );
  });
});
