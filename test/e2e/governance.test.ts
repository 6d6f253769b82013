import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startTestRegistry, type TestRegistry } from "./support/server";

/** The release path a regulated user takes, against the real server (npm start) over HTTP. */
describe("governance over HTTP: gates, N-of-M approval, fast-track, rollback, verified audit", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("walks a model from candidate to Production and back, and the audit chain verifies after a restart", async () => {
    const admin = client(registry);
    const as = (token: string) => client({ url: registry.url, token });
    const newToken = async (name: string, role: string) => {
      const res = await admin("POST", "/api/v1/tokens", { name, role });
      expect(res.status).toBe(201);
      return ((await res.json()) as { token: string }).token;
    };
    const ci = as(await newToken("ci", "contributor"));
    const alice = as(await newToken("alice", "approver"));
    const bob = as(await newToken("bob", "approver"));
    const body = async (res: Response, status: number) => {
      const json = (await res.json()) as Record<string, unknown>;
      expect(res.status, JSON.stringify(json)).toBe(status);
      return json;
    };

    await body(await admin("POST", "/api/v1/models", { name: "e2e-gov" }), 201);
    await body(
      await admin("PUT", "/api/v1/models/e2e-gov/policy", {
        gates: [{ metric: "auc", op: ">=", value: 0.95 }],
        require: ["signature"],
        required_approvals: 2,
      }),
      200,
    );
    const signature = { inputs: [{ name: "amount", type: "double" }] };
    await body(await ci("POST", "/api/v1/models/e2e-gov/versions", { metrics: { auc: 0.9 } }), 201);
    await body(
      await ci("POST", "/api/v1/models/e2e-gov/versions", { metrics: { auc: 0.97 }, signature }),
      201,
    );
    await body(
      await ci("POST", "/api/v1/models/e2e-gov/versions", { metrics: { auc: 0.98 }, signature }),
      201,
    );

    const refused = await body(
      await ci("POST", "/api/v1/models/e2e-gov/versions/1/transitions", { to: "Staging" }),
      422,
    );
    expect(refused.code).toBe("GATE_FAILED");
    expect((refused.failed_gates as { gate: string }[]).map((g) => g.gate)).toEqual([
      "metric:auc>=0.95",
      "require:signature",
    ]);
    await body(await ci("POST", "/api/v1/models/e2e-gov/versions/2/transitions", { to: "Staging" }), 200);
    const request = await body(
      await ci("POST", "/api/v1/models/e2e-gov/versions/2/approval-requests", { comment: "beats v1" }),
      201,
    );
    const approve = (who: typeof admin) => who("POST", `/api/v1/approval-requests/${request.id}/approve`, {});
    expect((await body(await approve(ci), 403)).code).toBe("PERMISSION_DENIED");
    expect(await body(await approve(alice), 200)).toMatchObject({ status: "pending" });
    expect(await body(await approve(bob), 200)).toMatchObject({ status: "approved" });
    expect(await body(await admin("GET", "/api/v1/models/e2e-gov"), 200)).toMatchObject({
      production_version: 2,
    });

    const fast = await body(
      await admin("POST", "/api/v1/models/e2e-gov/versions/3/transitions", {
        to: "Production",
        fast_track: true,
        comment: "incident 4711",
      }),
      200,
    );
    expect(fast).toMatchObject({ stage: "Production", needs_review: true });
    const back = await body(
      await alice("POST", "/api/v1/models/e2e-gov/rollback", { reason: "v3 misfires" }),
      200,
    );
    expect(back).toEqual({ production_version: 2, archived_version: 3 });

    registry = await registry.restart();
    const again = client(registry);
    const verdict = await body(await again("GET", "/api/v1/models/e2e-gov/audit/verify"), 200);
    const audit = await body(await again("GET", "/api/v1/audit?model=e2e-gov&page_size=1000"), 200);
    expect(verdict).toMatchObject({ ok: true, entries: (audit.items as unknown[]).length });
    // the ledger keeps writing the same chain after the restart
    await body(await again("POST", "/api/v1/models/e2e-gov/rollback", { reason: "re-try v3" }), 200);
    expect(await body(await again("GET", "/api/v1/models/e2e-gov/audit/verify"), 200)).toMatchObject({
      ok: true,
    });
  });
});
