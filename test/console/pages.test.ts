/** Console pages against the real Worker: reads, actions through the ledger, roles and conflicts. */
import { describe, expect, it } from "vitest";
import { GOOD, newVersion, promote, stageOf, transition } from "../governance/support";
import { api, createModel, createToken, json, uniqueName } from "../support/api";
import { signedIn } from "./support";

async function modelWithLineage() {
  const base = uniqueName("base");
  const name = uniqueName("pages");
  await createModel(base);
  await newVersion(base);
  await createModel(name);
  await newVersion(name, { ...GOOD, params: { depth: "6" }, parent: { model: base, version: 1 } });
  await newVersion(name, { ...GOOD, metrics: { auc: 0.98, loss: 0.2 }, params: { depth: "8" } });
  await newVersion(name, { ...GOOD, metrics: { auc: 0.99 }, params: { depth: "8" } });
  return { base, name };
}

describe("console pages", () => {
  it("catalogue: a valid filter lists the model, an invalid one shows the parser's message and position", async () => {
    const { name } = await modelWithLineage();
    const b = await signedIn();
    const ok = await b.get(`/?filter=${encodeURIComponent(`name = '${name}'`)}`);
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain(`href="/models/${name}"`);
    const bad = await b.get(`/?filter=${encodeURIComponent("name = ")}`);
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toMatch(/The filter does not parse/);
    expect(text).toMatch(/at position 7: expected/);
    expect(text).toContain('aria-invalid="true"');
  });

  it("version page: record, lineage picture with a link per node, files, compatibility, audit trail", async () => {
    const { base, name } = await modelWithLineage();
    const b = await signedIn();
    const res = await b.get(`/models/${name}/versions/1`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<svg class="lineage"');
    expect(html).toContain(`href="/models/${base}/versions/1"`); // the parent node links to its page
    expect(html).toMatch(/<a href="\/datasets\?uri=s3%3A%2F%2Fdata%2Ftxn&amp;version=2026-01"/);
    expect(html).toContain("Signature compatibility");
    expect(html).toContain("version.created");
    expect(html).toContain('<section id="intended_use"');
  });

  it("compare: three versions side by side, differing rows highlighted, SVG chart", async () => {
    const { name } = await modelWithLineage();
    const b = await signedIn();
    const res = await b.get(`/models/${name}/compare?versions=1,2,3`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Compare v1, v2, v3");
    expect(html).toContain('<svg class="chart"');
    expect(html).toMatch(/<tr class="diff"><th scope="row">auc/);
    expect((await b.get(`/models/${name}/compare?versions=1`)).status).toBe(400);
    expect((await b.get(`/models/${name}/compare?versions=1,99`)).status).toBe(404);
  });

  it("promotion: a contributor requests it, sees no approve button and gets 403 posting anyway; an approver approves", async () => {
    const { name } = await modelWithLineage();
    const contributor = await signedIn(await createToken("contributor"));
    const approver = await signedIn(await createToken("approver"));
    await contributor.get(`/models/${name}/versions/1`);
    const staged = await contributor.post(`/models/${name}/versions/1/transition`, {
      to: "Staging",
      confirm: "yes",
    });
    expect(staged.status).toBe(303);
    await contributor.get(`/models/${name}/versions/1`);
    const unconfirmed = await contributor.post(`/models/${name}/versions/1/request-promotion`, {
      comment: "go",
    });
    expect(unconfirmed.status).toBe(400);
    const asked = await contributor.post(`/models/${name}/versions/1/request-promotion`, {
      comment: "go",
      confirm: "yes",
    });
    expect(asked.status).toBe(303);
    const id = (
      await json<{ items: { id: string }[] }>(
        await api("GET", `/api/v1/approval-requests?model=${name}&status=pending`),
      )
    ).items[0]?.id;
    expect(id).toBeDefined();
    const inbox = await (await contributor.get("/approvals")).text();
    expect(inbox).toContain(`${name} v1`);
    expect(inbox).not.toContain(`/approvals/${id}/approve`);
    expect((await contributor.post(`/approvals/${id}/approve`, { confirm: "yes" })).status).toBe(403);
    const approverInbox = await (await approver.get("/approvals")).text();
    expect(approverInbox).toContain(`action="/approvals/${id}/approve"`);
    const approved = await approver.post(`/approvals/${id}/approve`, { comment: "lgtm", confirm: "yes" });
    expect(approved.status).toBe(303);
    expect(await stageOf(name, 1)).toBe("Production");
  });

  it("alias: a stale page's ETag gives a clear conflict, not a silent overwrite", async () => {
    const { name } = await modelWithLineage();
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 1 } });
    const b = await signedIn();
    const page = await (await b.get(`/models/${name}/versions/2`)).text();
    const etag = (/name="if_match" value="([^"]+)"/.exec(page)?.[1] ?? "").replaceAll("&quot;", '"');
    expect(etag).not.toBe("");
    await api("PUT", `/api/v1/models/${name}/aliases/champion`, { body: { version: 3 } }); // someone else moves it
    const stale = await b.post(`/models/${name}/versions/2/alias`, {
      alias: "champion",
      if_match: etag,
      confirm: "yes",
    });
    expect(stale.status).toBe(412);
    expect(await stale.text()).toContain("Someone moved this alias after you loaded the page");
    const alias = await json<{ version: number }>(
      await api("GET", `/api/v1/models/${name}/aliases/champion`),
    );
    expect(alias.version).toBe(3);
  });

  it("rollback: shows the plan, then restores the previous Production version through the ledger", async () => {
    const { name } = await modelWithLineage();
    const approverToken = await createToken("approver");
    await promote(name, 1, approverToken);
    await promote(name, 2, approverToken);
    const b = await signedIn(approverToken);
    const plan = await (await b.get(`/models/${name}/rollback`)).text();
    expect(plan).toContain("v2</a> leaves Production");
    const res = await b.post(`/models/${name}/rollback`, {
      reason: "bad canary",
      expected: "2",
      confirm: "yes",
    });
    expect(res.status).toBe(303);
    expect(await stageOf(name, 1)).toBe("Production");
    expect(await stageOf(name, 2)).toBe("Archived");
    const viewer = await signedIn(await createToken("viewer"));
    await viewer.get(`/models/${name}/rollback`);
    expect(
      (await viewer.post(`/models/${name}/rollback`, { reason: "x", expected: "1", confirm: "yes" })).status,
    ).toBe(403);
  });

  it("audit: verifies a model's chain", async () => {
    const { name } = await modelWithLineage();
    await transition(name, 1, { to: "Staging" });
    const b = await signedIn();
    const html = await (await b.get(`/audit?model=${name}&verify=${name}`)).text();
    expect(html).toContain(`Chain of ${name} verified:`);
  });
});
