import { describe, expect, it } from "vitest";
import { api, createModel, json, uniqueName } from "./support/api";

describe("smoke", () => {
  it("creates a model and a version", async () => {
    const name = uniqueName();
    await createModel(name);
    const res = await api("POST", `/api/v1/models/${name}/versions`, { body: { metrics: { auc: 0.9 } } });
    expect(res.status).toBe(201);
    const v = await json(res);
    expect(v.version).toBe(1);
  });
});
