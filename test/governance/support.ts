/** Helpers for governance tests: versions with metadata, transitions, policies, raw audit reads. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";

export const GOOD = {
  metrics: { auc: 0.97 },
  slices: { "segment=high_value": { auc: 0.96 } },
  datasets: [{ uri: "s3://data/txn", version: "2026-01" }],
  signature: { inputs: [{ name: "amount", type: "double" }], outputs: [{ type: "double" }] },
  model_card: { intended_use: "fraud screening" },
};

export async function newVersion(name: string, body: unknown = GOOD, token?: string): Promise<number> {
  const res = await api("POST", `/api/v1/models/${name}/versions`, { body, token });
  if (res.status !== 201) throw new Error(`createVersion: ${res.status} ${await res.text()}`);
  return (await json<{ version: number }>(res)).version;
}

/** A fresh model with `count` versions registered by the admin. */
export async function modelWithVersions(count: number, prefix = "gov") {
  const name = uniqueName(prefix);
  await createModel(name);
  const versions: number[] = [];
  for (let i = 0; i < count; i++) versions.push(await newVersion(name));
  return { name, versions };
}

export function transition(name: string, version: number, body: Record<string, unknown>, token?: string) {
  return api("POST", `/api/v1/models/${name}/versions/${version}/transitions`, { body, token });
}

export async function expectStatus(res: Response, status: number, code?: string) {
  const body = await json(res);
  expect({ status: res.status, code: body.code }, JSON.stringify(body)).toEqual({
    status,
    code: code ?? body.code,
  });
  return body;
}

export async function stageOf(name: string, version: number): Promise<string> {
  const res = await api("GET", `/api/v1/models/${name}/versions/${version}`);
  return (await json<{ stage: string }>(res)).stage;
}

/** The number of audit entries on the model's chain, straight from D1. */
export async function auditCount(name: string): Promise<number> {
  const row = await env.DB.prepare(
    "select count(*) as n from audit_log where chain = (select id from models where name = ?)",
  )
    .bind(name)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Puts a version into Production the regular way: Staging, request, approval by an approver. */
export async function promote(name: string, version: number, approver: string) {
  await expectStatus(await transition(name, version, { to: "Staging" }), 200);
  const req = await api("POST", `/api/v1/models/${name}/versions/${version}/approval-requests`, {
    body: { comment: "ship it" },
  });
  const { id } = await expectStatus(req, 201);
  await expectStatus(
    await api("POST", `/api/v1/approval-requests/${id}/approve`, { token: approver, body: {} }),
    200,
  );
  expect(await stageOf(name, version)).toBe("Production");
}

export { api, createModel, createToken, json, uniqueName };
