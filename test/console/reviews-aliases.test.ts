/**
 * The approvals inbox's fast-track reviews (sign-off by an approver other than the fast-tracker)
 * and alias delete on the version page (confirmation, If-Match from the page, protected aliases),
 * each through the same operation as the API.
 */
import { describe, expect, it } from "vitest";
import { modelWithVersions, transition } from "../governance/support";
import { api, createToken, json } from "../support/api";
import { signedIn } from "./support";

describe("console /approvals: fast-track reviews awaiting sign-off", () => {
  it("lists a fast-tracked version; the fast-tracker cannot sign off, another approver can", async () => {
    const { name } = await modelWithVersions(1, "fasttrack");
    const ft = await transition(name, 1, {
      to: "Production",
      fast_track: true,
      comment: "hotfix for outage",
    });
    expect(ft.status).toBe(200);

    // The admin who fast-tracked it sees the review but no sign-off form, and a forged post is refused.
    const admin = await signedIn();
    const own = await (await admin.get("/approvals")).text();
    expect(own).toContain("Fast-track reviews awaiting sign-off");
    expect(own).toContain(`${name} v1`);
    expect(own).toContain("hotfix for outage");
    expect(own).not.toContain(`/models/${name}/versions/1/review-sign-off`);
    const self = await admin.post(`/models/${name}/versions/1/review-sign-off`, { confirm: "yes" });
    expect(self.status).toBe(403);
    expect(await self.text()).toContain("SELF_APPROVAL");

    // A contributor sees it but may not sign off.
    const contributor = await signedIn(await createToken("contributor"));
    const seen = await (await contributor.get("/approvals")).text();
    expect(seen).toContain(`${name} v1`);
    expect(seen).not.toContain(`/models/${name}/versions/1/review-sign-off`);
    expect(
      (await contributor.post(`/models/${name}/versions/1/review-sign-off`, { confirm: "yes" })).status,
    ).toBe(403);

    const approver = await signedIn(await createToken("approver"));
    const page = await (await approver.get("/approvals")).text();
    expect(page).toContain(`action="/models/${name}/versions/1/review-sign-off"`);
    expect((await approver.post(`/models/${name}/versions/1/review-sign-off`, {})).status).toBe(400);
    const res = await approver.post(`/models/${name}/versions/1/review-sign-off`, {
      confirm: "yes",
      comment: "checked the metrics",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/approvals?done=signoff");
    const version = await json<{ needs_review: boolean }>(
      await api("GET", `/api/v1/models/${name}/versions/1`),
    );
    expect(version.needs_review).toBe(false);
    expect(await (await approver.get("/approvals")).text()).not.toContain(`${name} v1`);
    // Twice is a conflict, shown on the page.
    const again = await approver.post(`/models/${name}/versions/1/review-sign-off`, { confirm: "yes" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("REVIEW_NOT_NEEDED");
  });
});

/** The If-Match value of the delete form for `alias`, as a browser would send it (entities decoded). */
function deleteEtag(html: string, alias: string): string {
  const raw = /name="if_match" value="([^"]+)"/.exec(html.slice(html.indexOf(`Delete @${alias}`)))?.[1] ?? "";
  return raw.replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}

describe("console: alias delete on the version page", () => {
  it("deletes after confirmation with the page's ETag; a stale page gets a clear conflict", async () => {
    const { name } = await modelWithVersions(2, "aliasdel");
    expect((await api("PUT", `/api/v1/models/${name}/aliases/shadow`, { body: { version: 1 } })).status).toBe(
      200,
    );
    const b = await signedIn(await createToken("contributor"));
    const page = await (await b.get(`/models/${name}/versions/1`)).text();
    expect(page).toContain("Delete @shadow");

    // Someone moves the alias after the page loaded: the delete is refused, nothing changes.
    expect((await api("PUT", `/api/v1/models/${name}/aliases/shadow`, { body: { version: 2 } })).status).toBe(
      200,
    );
    const stale = await b.post(`/models/${name}/versions/1/alias-delete`, {
      alias: "shadow",
      confirm: "yes",
      if_match: deleteEtag(page, "shadow"),
    });
    expect(stale.status).toBe(412);
    expect(await stale.text()).toContain("Someone moved this alias after you loaded the page");
    expect((await api("GET", `/api/v1/models/${name}/aliases/shadow`)).status).toBe(200);

    // From the current page of the version it now points at.
    const fresh = await (await b.get(`/models/${name}/versions/2`)).text();
    const etag = deleteEtag(fresh, "shadow");
    expect(etag).toMatch(/^(W\/)?"/);
    expect(etag).not.toBe(deleteEtag(page, "shadow"));
    expect(
      (await b.post(`/models/${name}/versions/2/alias-delete`, { alias: "shadow", if_match: etag })).status,
    ).toBe(400);
    const res = await b.post(`/models/${name}/versions/2/alias-delete`, {
      alias: "shadow",
      if_match: etag,
      confirm: "yes",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/models/${name}/versions/2?done=alias_deleted`);
    expect((await api("GET", `/api/v1/models/${name}/aliases/shadow`)).status).toBe(404);
    expect(await (await b.get(`/models/${name}/versions/2?done=alias_deleted`)).text()).toContain(
      "The alias is deleted.",
    );
  });

  it("a protected alias needs an approver, as on the API; a viewer sees no form and is refused", async () => {
    const { name } = await modelWithVersions(1, "aliasprot");
    const policy = await api("PUT", `/api/v1/models/${name}/policy`, {
      body: { gates: [], require: [], required_approvals: 1, protected_aliases: ["champion"] },
    });
    expect(policy.status).toBe(200);
    expect(
      (await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } })).status,
    ).toBe(200);

    const contributor = await signedIn(await createToken("contributor"));
    await contributor.get(`/models/${name}/versions/1`);
    const refused = await contributor.post(`/models/${name}/versions/1/alias-delete`, {
      alias: "champion",
      confirm: "yes",
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("protected");
    expect((await api("GET", `/api/v1/models/${name}/aliases/champion`)).status).toBe(200);

    const viewer = await signedIn(await createToken("viewer"));
    expect(await (await viewer.get(`/models/${name}/versions/1`)).text()).not.toContain("Delete @champion");
    expect(
      (await viewer.post(`/models/${name}/versions/1/alias-delete`, { alias: "champion", confirm: "yes" }))
        .status,
    ).toBe(403);

    const approver = await signedIn(await createToken("approver"));
    await approver.get(`/models/${name}/versions/1`);
    const res = await approver.post(`/models/${name}/versions/1/alias-delete`, {
      alias: "champion",
      confirm: "yes",
    });
    expect(res.status).toBe(303);
    expect((await api("GET", `/api/v1/models/${name}/aliases/champion`)).status).toBe(404);
  });
});
