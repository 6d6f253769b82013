import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  auditCount,
  createToken,
  expectStatus,
  modelWithVersions,
  promote,
  stageOf,
  transition,
} from "./support";

let approver: string;
let contributor: string;
beforeAll(async () => {
  approver = await createToken("approver");
  contributor = await createToken("contributor");
});

const rollback = (name: string, body: unknown, token?: string) =>
  api("POST", `/api/v1/models/${name}/rollback`, { body, token });

describe("rollback", () => {
  it("with no previous Production answers 409 with a clear message and writes nothing", async () => {
    const { name } = await modelWithVersions(1);
    await promote(name, 1, approver);
    const before = await auditCount(name);
    const body = await expectStatus(await rollback(name, { reason: "bad" }), 409, "NO_PREVIOUS_PRODUCTION");
    expect(body.detail).toMatch(/no previous Production version/);
    expect(await stageOf(name, 1)).toBe("Production");
    expect(await auditCount(name)).toBe(before);
  });

  it("puts the previous Production back, archives the current, audits the reason", async () => {
    const { name } = await modelWithVersions(2);
    await promote(name, 1, approver);
    await promote(name, 2, approver);
    const res = await rollback(name, { reason: "p99 latency regression" }, approver);
    expect(await expectStatus(res, 200)).toEqual({ production_version: 1, archived_version: 2 });
    expect([await stageOf(name, 1), await stageOf(name, 2)]).toEqual(["Production", "Archived"]);
    const entry = await env.DB.prepare(
      "select action, reason, before, after from audit_log where model_name = ? order by seq desc limit 1",
    )
      .bind(name)
      .first<{ action: string; reason: string; before: string; after: string }>();
    expect(entry).toMatchObject({ action: "model.rolled_back", reason: "p99 latency regression" });
    expect(JSON.parse(entry?.after ?? "")).toEqual({ production_version: 1 });
    const event = await env.DB.prepare(
      "select type from outbox_events where model_name = ? order by sequence desc limit 1",
    )
      .bind(name)
      .first<{ type: string }>();
    expect(event?.type).toBe("model.rolled_back");
    // the one rolled back from is now the previous Production: rolling back again undoes it
    expect(await expectStatus(await rollback(name, { reason: "false alarm" }), 200)).toEqual({
      production_version: 2,
      archived_version: 1,
    });
  });

  it("to_version picks another archived version; a non-archived target is refused", async () => {
    const { name } = await modelWithVersions(4);
    await promote(name, 1, approver);
    await promote(name, 2, approver);
    await promote(name, 3, approver);
    expect(await expectStatus(await rollback(name, { reason: "r", to_version: 1 }), 200)).toEqual({
      production_version: 1,
      archived_version: 3,
    });
    await expectStatus(await rollback(name, { reason: "r", to_version: 4 }), 409, "ILLEGAL_TRANSITION");
    await expectStatus(await rollback(name, { reason: "r", to_version: 1 }), 409, "ILLEGAL_TRANSITION");
    await expectStatus(await rollback(name, { reason: "r", to_version: 99 }), 404, "VERSION_NOT_FOUND");
  });

  it("needs the approver role and a reason", async () => {
    const { name } = await modelWithVersions(2);
    await promote(name, 1, approver);
    await promote(name, 2, approver);
    await expectStatus(await rollback(name, { reason: "x" }, contributor), 403, "PERMISSION_DENIED");
    await expectStatus(await rollback(name, {}), 400, "INVALID_ARGUMENT");
    await expectStatus(await rollback(name, { reason: "   " }), 400, "INVALID_ARGUMENT");
    await expectStatus(await rollback(name, { reason: "x", to_version: "1" }), 400, "INVALID_ARGUMENT");
    expect(await stageOf(name, 2)).toBe("Production");
  });

  it("after Production was archived by hand, rollback restores it with nothing to archive", async () => {
    const { name } = await modelWithVersions(1);
    await promote(name, 1, approver);
    await expectStatus(await transition(name, 1, { to: "Archived" }), 200);
    expect(await expectStatus(await rollback(name, { reason: "oops" }), 200)).toEqual({
      production_version: 1,
      archived_version: null,
    });
  });
});
