/** The metadata freshness report: stale or copied descriptions of Production versions. */
import { describe, expect, it } from "vitest";
import { stalenessOf } from "../../src/domain/metadata-freshness";
import { DAY_MS } from "../../src/domain/retention";
import { api, createModel, createToken, json, uniqueName } from "../support/api";

const NOW = Date.UTC(2026, 10, 26);

describe("stalenessOf (pure)", () => {
  const base = {
    description: "d",
    createdAt: NOW - 100 * DAY_MS,
    lastDescriptionUpdate: null,
    previousVersion: 1,
    previousDescription: "other",
  };
  it("flags a description not touched for the age, counting registration and edits", () => {
    expect(stalenessOf(base, NOW, 90 * DAY_MS).reasons).toEqual(["not_updated"]);
    expect(
      stalenessOf({ ...base, lastDescriptionUpdate: NOW - 10 * DAY_MS }, NOW, 90 * DAY_MS).reasons,
    ).toEqual([]);
    expect(stalenessOf({ ...base, createdAt: NOW - 89 * DAY_MS }, NOW, 90 * DAY_MS).reasons).toEqual([]);
  });
  it("flags a verbatim copy of the previous version's description, but not two empty ones", () => {
    const copied = stalenessOf({ ...base, createdAt: NOW, previousDescription: "d" }, NOW, DAY_MS);
    expect(copied).toMatchObject({ reasons: ["copied_description"], copiedFrom: 1 });
    expect(
      stalenessOf({ ...base, createdAt: NOW, description: "", previousDescription: "" }, NOW, DAY_MS).reasons,
    ).toEqual([]);
    expect(
      stalenessOf({ ...base, createdAt: NOW, previousVersion: null, previousDescription: null }, NOW, DAY_MS)
        .reasons,
    ).toEqual([]);
  });
});

async function productionWith(descriptions: string[]) {
  const name = uniqueName("fresh");
  await createModel(name);
  for (const description of descriptions) {
    const res = await api("POST", `/api/v1/models/${name}/versions`, { body: { description } });
    expect(res.status).toBe(201);
  }
  const last = descriptions.length;
  const res = await api("POST", `/api/v1/models/${name}/versions/${last}/transitions`, {
    body: { to: "Production", fast_track: true, comment: "test" },
  });
  expect(res.status).toBe(200);
  return name;
}

const report = async (days: number, token?: string) => {
  const res = await api("GET", `/api/v1/reports/stale-metadata?older_than_days=${days}`, { token });
  expect(res.status).toBe(200);
  return (
    await json<{
      items: { name: string; version: number; reasons: string[]; copied_from_version: number | null }[];
    }>(res)
  ).items;
};

describe("GET /reports/stale-metadata", () => {
  it("flags copied descriptions until they are edited, and ages by the configured days", async () => {
    const copied = await productionWith(["XGBoost on January data", "XGBoost on January data"]);
    const fresh = await productionWith(["January", "February"]);
    const items = await report(30);
    expect(items.find((i) => i.name === copied)).toMatchObject({
      version: 2,
      reasons: ["copied_description"],
      copied_from_version: 1,
    });
    expect(items.find((i) => i.name === fresh)).toBeUndefined();
    // Age 0: every Production version counts as not updated.
    expect((await report(0)).find((i) => i.name === fresh)?.reasons).toEqual(["not_updated"]);

    const patched = await api("PATCH", `/api/v1/models/${copied}/versions/2`, {
      body: { description: "XGBoost on February data" },
    });
    expect(patched.status).toBe(200);
    expect((await report(30)).find((i) => i.name === copied)).toBeUndefined();
    // The edit (from the audit log) is what the age counts from, not the registration.
    const res = await api("GET", "/api/v1/reports/stale-metadata?older_than_days=0");
    const all = (await json<{ items: { name: string; metadata_updated_at: string }[] }>(res)).items;
    const version = await json<{ created_at: string }>(
      await api("GET", `/api/v1/models/${copied}/versions/2`),
    );
    const updated = all.find((i) => i.name === copied)?.metadata_updated_at ?? "";
    expect(Date.parse(updated)).toBeGreaterThan(Date.parse(version.created_at));
  });

  it("shows a scoped token only its models, and refuses bad ages", async () => {
    const a = await productionWith(["same", "same"]);
    const token = await createToken("viewer", ["nothing-*"]);
    expect((await report(30, token)).find((i) => i.name === a)).toBeUndefined();
    for (const bad of ["-1", "x", "1.5"]) {
      const res = await api("GET", `/api/v1/reports/stale-metadata?older_than_days=${bad}`);
      expect(res.status).toBe(400);
    }
  });
});
