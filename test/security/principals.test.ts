/**
 * Principals (issue 15): tokens belong to a person or service account; audit entries, `created_by`
 * and separation of duties name the principal, so one person with two tokens is still one person.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectStatus, modelWithVersions, transition } from "../governance/support";
import { api, createToken, json, uniqueName } from "../support/api";
import { bytesOf, rawCall, sha256 } from "../support/blobs";

async function principal(name: string, body: Record<string, unknown> = {}, token?: string) {
  const res = await api("POST", "/api/v1/principals", { token, body: { name, kind: "person", ...body } });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<{ id: string; name: string; scopes: string[] | null }>(res);
}

async function tokenFor(
  principalId: string,
  name: string,
  role: string,
  extra: Record<string, unknown> = {},
) {
  const res = await api("POST", "/api/v1/tokens", {
    body: { name, role, principal_id: principalId, ...extra },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<{ id: string; token: string; principal_id: string; created_by: string }>(res);
}

describe("principals", () => {
  it("one person with two tokens cannot approve their own request, nor vote twice", async () => {
    const alice = await principal(uniqueName("alice"));
    const asContributor = await tokenFor(alice.id, "alice-laptop", "contributor");
    const asApprover = await tokenFor(alice.id, "alice-review", "approver");
    const { name } = await modelWithVersions(1, "sod");
    await api("PUT", `/api/v1/models/${name}/policy`, { body: { required_approvals: 2 } });
    await expectStatus(await transition(name, 1, { to: "Staging" }), 200);
    const req = await api("POST", `/api/v1/models/${name}/versions/1/approval-requests`, {
      token: asContributor.token,
      body: { comment: "please" },
    });
    const { id } = await expectStatus(req, 201);
    const votes = async () =>
      (
        await env.DB.prepare("select count(*) as n from approvals where request_id = ?")
          .bind(id)
          .first<{ n: number }>()
      )?.n;
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${id}/approve`, { token: asApprover.token, body: {} }),
      403,
      "SELF_APPROVAL",
    );
    expect(await votes()).toBe(0);
    // Bob votes once; his second token is still Bob.
    const bob = await principal(uniqueName("bob"));
    const bob1 = await tokenFor(bob.id, "bob-1", "approver");
    const bob2 = await tokenFor(bob.id, "bob-2", "approver");
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${id}/approve`, { token: bob1.token, body: {} }),
      200,
    );
    await expectStatus(
      await api("POST", `/api/v1/approval-requests/${id}/approve`, { token: bob2.token, body: {} }),
      409,
      "ALREADY_VOTED",
    );
    expect(await votes()).toBe(1);
  });

  it("audit entries and created_by name the principal, not the token", async () => {
    const carol = await principal(uniqueName("carol"), { kind: "service" });
    const ci = await tokenFor(carol.id, "carol-ci-token", "admin");
    expect(ci.principal_id).toBe(carol.id);
    const minted = await json<{ created_by: string }>(
      await api("POST", "/api/v1/tokens", { token: ci.token, body: { name: "child", role: "viewer" } }),
    );
    expect(minted.created_by).toBe(carol.name);
    const { name } = await modelWithVersions(0, "aud");
    await api("PUT", `/api/v1/models/${name}/tags/k`, { token: ci.token, body: { value: "v" } });
    const entry = await env.DB.prepare(
      "select actor from audit_log where model_name = ? order by id desc limit 1",
    )
      .bind(name)
      .first<{ actor: string }>();
    expect(entry?.actor).toBe(carol.name);
    const listed = await json<{ items: { id: string }[] }>(await api("GET", "/api/v1/principals"));
    expect(listed.items.map((p) => p.id)).toContain(carol.id);
  });

  it("a token without a principal gets a service principal of its own; names are unique", async () => {
    const res = await api("POST", "/api/v1/tokens", { body: { name: uniqueName("svc"), role: "viewer" } });
    const token = await json<{ principal_id: string; name: string }>(res);
    expect(token.principal_id).toMatch(/^prn_/);
    const row = await env.DB.prepare("select name, kind from principals where id = ?")
      .bind(token.principal_id)
      .first();
    expect(row).toEqual({ name: token.name, kind: "service" });
    const dup = await api("POST", "/api/v1/principals", { body: { name: token.name, kind: "person" } });
    await expectStatus(dup, 409, "PRINCIPAL_EXISTS");
  });

  it("scopes never widen through principals", async () => {
    const team = `${uniqueName("t").replaceAll("-", "")}-`;
    const scopedAdmin = await createToken("admin", [`${team}*`]);
    await expectStatus(
      await api("POST", "/api/v1/principals", {
        token: scopedAdmin,
        body: { name: uniqueName("x"), kind: "person", scopes: ["*"] },
      }),
      403,
      "SCOPE_WIDENING",
    );
    const inherited = await principal(uniqueName("dave"), {}, scopedAdmin);
    expect(inherited.scopes).toEqual([`${team}*`]);
    const outsider = await principal(uniqueName("erin"));
    const hidden = await api("POST", "/api/v1/tokens", {
      token: scopedAdmin,
      body: { name: "t", role: "admin", principal_id: outsider.id },
    });
    await expectStatus(hidden, 404, "PRINCIPAL_NOT_FOUND");
    const listed = await json<{ items: { id: string }[] }>(
      await api("GET", "/api/v1/principals", { token: scopedAdmin }),
    );
    expect(listed.items.map((p) => p.id)).toContain(inherited.id);
    expect(listed.items.map((p) => p.id)).not.toContain(outsider.id);
    // A narrow principal's token cannot be wider than the principal, even for an unscoped admin.
    const narrow = await principal(uniqueName("fay"), { scopes: [`${team}a`] });
    await expectStatus(
      await api("POST", "/api/v1/tokens", {
        body: { name: "t", role: "viewer", principal_id: narrow.id, scopes: [`${team}*`] },
      }),
      403,
      "SCOPE_WIDENING",
    );
    const ok = await tokenFor(narrow.id, "fay-1", "viewer");
    const rows = await json<{ items: { id: string; scopes: string[] | null }[] }>(
      await api("GET", "/api/v1/tokens"),
    );
    expect(rows.items.find((t) => t.id === ok.id)?.scopes).toEqual([`${team}a`]);
  });
});

describe("uploads belong to a principal", () => {
  it("any token of the principal resumes; others (even a scoped admin) see nothing; an unscoped admin may look and abort, never write", async () => {
    const gina = await principal(uniqueName("gina"));
    const first = await tokenFor(gina.id, "gina-1", "contributor");
    const second = await tokenFor(gina.id, "gina-2", "contributor");
    const stranger = await createToken("contributor");
    const scopedAdmin = await createToken("admin", ["x-*"]);
    const bytes = bytesOf(2048);
    const digest = `sha256:${await sha256(bytes)}`;
    const started = await api("POST", "/api/v1/uploads", {
      token: first.token,
      body: { digest, size: bytes.byteLength },
    });
    const { id } = await json<{ id: string }>(started);
    for (const token of [stranger, scopedAdmin]) {
      expect((await api("GET", `/api/v1/uploads/${id}`, { token })).status).toBe(404);
      expect((await rawCall("PUT", `/api/v1/uploads/${id}/parts/1`, bytes, { token })).status).toBe(404);
      expect((await api("DELETE", `/api/v1/uploads/${id}`, { token })).status).toBe(404);
    }
    // The unscoped admin: may look, may not add bytes or complete.
    expect((await api("GET", `/api/v1/uploads/${id}`)).status).toBe(200);
    expect((await rawCall("PUT", `/api/v1/uploads/${id}/parts/1`, bytes, {})).status).toBe(404);
    expect((await api("POST", `/api/v1/uploads/${id}/complete`)).status).toBe(404);
    // Gina's second token resumes what the first started.
    expect(
      (await rawCall("PUT", `/api/v1/uploads/${id}/parts/1`, bytes, { token: second.token })).status,
    ).toBe(200);
    expect((await api("POST", `/api/v1/uploads/${id}/complete`, { token: first.token })).status).toBe(201);
    // And an abandoned one can be cleaned up by the unscoped admin.
    const other = bytesOf(100);
    const abandoned = await json<{ id: string }>(
      await api("POST", "/api/v1/uploads", {
        token: second.token,
        body: { digest: `sha256:${await sha256(other)}`, size: 100 },
      }),
    );
    expect((await api("DELETE", `/api/v1/uploads/${abandoned.id}`)).status).toBe(204);
  });
});
