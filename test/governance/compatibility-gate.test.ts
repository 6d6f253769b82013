/** Issue #19: the policy's signature_compatibility gate, judged against Production and the previous version. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  auditCount,
  createModel,
  createToken,
  expectStatus,
  GOOD,
  json,
  newVersion,
  promote,
  stageOf,
  transition,
  uniqueName,
} from "./support";

let approver: string;
beforeAll(async () => {
  approver = await createToken("approver");
});

const SIG_V1 = { inputs: [{ name: "amount", type: "double" }], outputs: [{ type: "double" }] };
/** A new required input breaks callers. */
const SIG_BREAKING = {
  inputs: [
    { name: "amount", type: "double" },
    { name: "country", type: "string" },
  ],
  outputs: [{ type: "double" }],
};
/** An optional input does not. */
const SIG_COMPATIBLE = {
  inputs: [
    { name: "amount", type: "double" },
    { name: "country", type: "string", required: false },
  ],
  outputs: [{ type: "double" }],
};

async function setPolicy(name: string, policy: Record<string, unknown>) {
  await expectStatus(await api("PUT", `/api/v1/models/${name}/policy`, { body: policy }), 200);
}

/** v1 in Production with SIG_V1; then one more version with `signature`. */
async function withProduction(signature: unknown) {
  const name = uniqueName("compat");
  await createModel(name);
  await newVersion(name, { ...GOOD, signature: SIG_V1 });
  await promote(name, 1, approver);
  const v2 = await newVersion(name, { ...GOOD, signature });
  return { name, v2 };
}

describe("signature_compatibility: no_breaking", () => {
  it("refuses None→Staging of a breaking change, naming the gate; writes nothing", async () => {
    const { name, v2 } = await withProduction(SIG_BREAKING);
    await setPolicy(name, { signature_compatibility: "no_breaking" });
    const before = await auditCount(name);
    const body = await expectStatus(await transition(name, v2, { to: "Staging" }), 422, "GATE_FAILED");
    const gates = (body.failed_gates as { gate: string; message: string }[]).map((g) => g.gate);
    // v1 is both Production and the previous version: one comparison, one failed gate.
    expect(gates).toEqual(["signature:no_breaking@production"]);
    expect(JSON.stringify(body.failed_gates)).toContain("country");
    expect(await stageOf(name, v2)).toBe("None");
    expect(await auditCount(name)).toBe(before);
  });

  it("lets a compatible change through, and lists metric gates beside the compatibility gate", async () => {
    const { name, v2 } = await withProduction(SIG_COMPATIBLE);
    await setPolicy(name, { signature_compatibility: "no_breaking" });
    await expectStatus(await transition(name, v2, { to: "Staging" }), 200);

    const v3 = await newVersion(name, { ...GOOD, metrics: { auc: 0.5 }, signature: SIG_BREAKING });
    await setPolicy(name, {
      signature_compatibility: "no_breaking",
      gates: [{ metric: "auc", op: ">=", value: 0.9 }],
    });
    const body = await expectStatus(await transition(name, v3, { to: "Staging" }), 422, "GATE_FAILED");
    // v2 (previous) has the optional column, so the required one is a retype: breaking against both.
    expect((body.failed_gates as { gate: string }[]).map((g) => g.gate)).toEqual([
      "metric:auc>=0.9",
      "signature:no_breaking@production",
      "signature:no_breaking@previous",
    ]);
  });

  it("judges the previous version too when there is no Production", async () => {
    const name = uniqueName("compat");
    await createModel(name);
    await newVersion(name, { ...GOOD, signature: SIG_V1 });
    const v2 = await newVersion(name, { ...GOOD, signature: SIG_BREAKING });
    await setPolicy(name, { signature_compatibility: "no_breaking" });
    const body = await expectStatus(await transition(name, v2, { to: "Staging" }), 422, "GATE_FAILED");
    expect((body.failed_gates as { gate: string }[]).map((g) => g.gate)).toEqual([
      "signature:no_breaking@previous",
    ]);
    // Under "any" the same edge passes.
    await setPolicy(name, { signature_compatibility: "any" });
    await expectStatus(await transition(name, v2, { to: "Staging" }), 200);
  });

  it("guards the road to Production: the approval request and a fast-track", async () => {
    const { name, v2 } = await withProduction(SIG_BREAKING);
    await expectStatus(await transition(name, v2, { to: "Staging" }), 200); // policy "any" so far
    await setPolicy(name, { signature_compatibility: "no_breaking" });
    const req = await api("POST", `/api/v1/models/${name}/versions/${v2}/approval-requests`, { body: {} });
    const body = await expectStatus(req, 422, "GATE_FAILED");
    expect((body.failed_gates as { gate: string }[])[0]?.gate).toBe("signature:no_breaking@production");
    const fast = await transition(name, v2, { to: "Production", fast_track: true, comment: "incident" });
    await expectStatus(fast, 422, "GATE_FAILED");
    expect(await stageOf(name, 1)).toBe("Production");
  });
});

describe("signature_compatibility: no_breaking_without_approval", () => {
  it("lets a breaking change into Staging and to Production only through an approval that shows the report", async () => {
    const { name, v2 } = await withProduction(SIG_BREAKING);
    await setPolicy(name, { signature_compatibility: "no_breaking_without_approval" });
    await expectStatus(await transition(name, v2, { to: "Staging" }), 200);
    // The fast-track skips approvers: refused, named.
    const fast = await transition(name, v2, { to: "Production", fast_track: true, comment: "hurry" });
    const refused = await expectStatus(fast, 422, "GATE_FAILED");
    expect((refused.failed_gates as { gate: string }[])[0]?.gate).toBe("signature:no_breaking@production");
    // The approval request carries the compatibility report for the approvers.
    const req = await api("POST", `/api/v1/models/${name}/versions/${v2}/approval-requests`, { body: {} });
    const request = await expectStatus(req, 201);
    const compat = request.compatibility as {
      breaking: boolean;
      comparisons: { against: string; version: number; reasons: string[] }[];
    };
    expect(compat.breaking, JSON.stringify(compat)).toBe(true);
    expect(compat.comparisons[0]).toMatchObject({ against: "production", version: 1 });
    expect(compat.comparisons[0]?.reasons.join(" ")).toContain("country");
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${request.id}/approve`, { token: approver, body: {} }),
      200,
    );
    expect(await stageOf(name, v2)).toBe("Production");
    const event = await env.DB.prepare(
      "select envelope from outbox_events where model_name = ? and type = 'approval.requested' order by sequence desc",
    )
      .bind(name)
      .first<{ envelope: string }>();
    expect(JSON.parse(event?.envelope ?? "{}").data.after.breaking, event?.envelope).toBe(true);
  });

  it("the policy round-trips and refuses an unknown mode", async () => {
    const name = uniqueName("compat");
    await createModel(name);
    await setPolicy(name, { signature_compatibility: "no_breaking_without_approval" });
    const got = await json(await api("GET", `/api/v1/models/${name}/policy`));
    expect(got).toMatchObject({ signature_compatibility: "no_breaking_without_approval", is_default: false });
    const bad = await api("PUT", `/api/v1/models/${name}/policy`, {
      body: { signature_compatibility: "lax" },
    });
    await expectStatus(bad, 400);
  });
});
