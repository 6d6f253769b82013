/**
 * Role × route × scope, driven by the OpenAPI document itself (so a new route is swept the day it
 * is added): an admin scoped to `zz-*` calls every operation — /api/v1 and the MLflow API — against
 * another team's model, its version, alias, tags, policy, approval request, token, principal and
 * webhook. Each answer is a refusal that looks like absence (or a list without them), never a 5xx,
 * and the victim's audit chain and the system chain do not move.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createModel, createToken, json, uniqueName } from "../support/api";

type Operation = { method: string; path: string };

async function operations(): Promise<Operation[]> {
  const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
    await api("GET", "/openapi.json"),
  );
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

async function victim() {
  const name = uniqueName("victim");
  await createModel(name);
  await api("POST", `/api/v1/models/${name}/versions`, { body: {} });
  await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } });
  await api("PUT", `/api/v1/models/${name}/tags/k`, { body: { value: "v" } });
  await api("POST", `/api/v1/models/${name}/versions/1/transitions`, { body: { to: "Staging" } });
  const request = await json<{ id: string }>(
    await api("POST", `/api/v1/models/${name}/versions/1/approval-requests`, { body: {} }),
  );
  const token = await json<{ id: string; principal_id: string }>(
    await api("POST", "/api/v1/tokens", { body: { name: `${name}-ci`, role: "admin", scopes: [name] } }),
  );
  const webhook = await json<{ id: string }>(
    await api("POST", "/api/v1/webhooks", {
      body: { url: "https://hooks.example.com/x", events: ["*"], model_pattern: name },
    }),
  );
  return { name, request: request.id, token: token.id, principal: token.principal_id, webhook: webhook.id };
}

const chainLength = async (chain: string) =>
  (
    await env.DB.prepare("select count(*) as n from audit_log where chain = ?")
      .bind(chain)
      .first<{ n: number }>()
  )?.n;

describe("a scoped admin against every operation", () => {
  it("out-of-scope things are absent everywhere, and nothing of theirs changes", async () => {
    const v = await victim();
    const scoped = await createToken("admin", ["zz-*"]);
    const modelId =
      (await env.DB.prepare("select id from models where name = ?").bind(v.name).first<{ id: string }>())
        ?.id ?? "";
    const [victimBefore, systemBefore] = [await chainLength(modelId), await chainLength("system")];
    const params: Record<string, string> = {
      name: v.name,
      version: "1",
      alias: "champion",
      key: "k",
      path: "model.bin",
      digest: `sha256:${"0".repeat(64)}`,
      n: "1",
      id: "",
    };
    const idFor = (path: string) =>
      path.includes("/approval-requests/")
        ? v.request
        : path.includes("/tokens/")
          ? v.token
          : path.includes("/webhooks/")
            ? v.webhook
            : path.includes("/uploads/")
              ? "upl_nope"
              : path.includes("/datasets/")
                ? "s3%3A%2F%2Fnone"
                : "dlv_nope";
    const mlflowArgs = {
      name: v.name,
      version: "1",
      alias: "champion",
      key: "k",
      value: "v",
      new_name: "zz-x",
      stage: "Archived",
      source: "s3://x",
      description: "d",
    };
    const seen: string[] = [];
    for (const op of await operations()) {
      if (op.path === "/healthz" || op.path === "/openapi.json" || op.path === "/docs") continue;
      const unknown = [...op.path.matchAll(/\{(\w+)\}/g)]
        .map((m) => m[1] as string)
        .filter((p) => !(p in params));
      expect(unknown, `${op.method} ${op.path}: give this parameter a fixture`).toEqual([]);
      let url = op.path.replace(/\{(\w+)\}/g, (_, p: string) =>
        p === "id" ? idFor(op.path) : encodeURIComponent(params[p] ?? ""),
      );
      const mlflow = url.startsWith("/api/2.0/");
      let body: unknown;
      if (mlflow && op.method === "GET") url += `?${new URLSearchParams(mlflowArgs)}`;
      else if (mlflow) body = mlflowArgs;
      else if (["POST", "PUT", "PATCH"].includes(op.method)) body = {};
      const res = await api(op.method, url, { token: scoped, body });
      const text = await res.text();
      const label = `${op.method} ${op.path} → ${res.status} ${text.slice(0, 200)}`;
      seen.push(label);
      expect(res.status, label).toBeLessThan(500);
      const names = [v.name, v.request, v.token, v.principal, v.webhook];
      if (res.status < 300) {
        // A success may only be about something else (a list, a create of its own): never the victim's.
        for (const secret of names) expect(text, label).not.toContain(secret);
      }
      // Validation (400) answers before any lookup; past it, another team's model is simply absent.
      if (op.path.includes("{name}") && res.status !== 400) expect(res.status, label).toBe(404);
      if (mlflow && res.status >= 400) expect(JSON.parse(text), label).toHaveProperty("error_code");
      if (!mlflow && res.status >= 400)
        expect(res.headers.get("content-type"), label).toContain("problem+json");
    }
    expect(await chainLength(modelId)).toBe(victimBefore);
    // The system chain may grow only by the scoped admin's own creations (none above succeed with `{}`).
    expect(await chainLength("system")).toBe(systemBefore);
    const still = await json<{ items: { id: string; revoked_at: string | null }[] }>(
      await api("GET", "/api/v1/tokens"),
    );
    expect(still.items.find((t) => t.id === v.token)?.revoked_at).toBeNull();
    expect((await api("GET", `/api/v1/webhooks/${v.webhook}`)).status).toBe(200);
    expect(seen.length).toBeGreaterThan(80);
  });
});
