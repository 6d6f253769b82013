import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createModel, json, uniqueName } from "../support/api";

const register = (name: string, i: number) =>
  api("POST", `/api/v1/models/${name}/versions`, {
    body: { description: `run ${i}`, metrics: { auc: i / 100 } },
  });

async function versionsInD1(name: string): Promise<number[]> {
  const { results } = await env.DB.prepare(
    "select v.version from model_versions v join models m on m.id = v.model_id where m.name = ? order by v.version",
  )
    .bind(name)
    .all<{ version: number }>();
  return results.map((r) => r.version);
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("invariant 1: version numbers are gap-free and unique under concurrency", () => {
  it("100 concurrent registrations on one model yield exactly 1..100", async () => {
    const name = uniqueName("conc");
    await createModel(name);
    const responses = await Promise.all(oneTo(100).map((i) => register(name, i)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    const numbers = await Promise.all(
      responses.map(async (r) => (await json<{ version: number }>(r)).version),
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual(oneTo(100));
    expect(await versionsInD1(name)).toEqual(oneTo(100));
  });

  it("the same holds across 10 models at once", async () => {
    const names = oneTo(10).map(() => uniqueName("multi"));
    await Promise.all(names.map((n) => createModel(n)));
    const all = await Promise.all(names.flatMap((n) => oneTo(20).map((i) => register(n, i))));
    expect(all.every((r) => r.status === 201)).toBe(true);
    for (const name of names) expect(await versionsInD1(name)).toEqual(oneTo(20));
  });

  it("50 concurrent creates of one model name: exactly one 201, the rest 409", async () => {
    const name = uniqueName("race");
    const responses = await Promise.all(
      oneTo(50).map(() => api("POST", "/api/v1/models", { body: { name } })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const conflict = responses.find((r) => r.status === 409);
    expect(await conflict?.json()).toMatchObject({ code: "MODEL_ALREADY_EXISTS" });
  });

  it("numbers are never reused after the model's versions go away", async () => {
    const name = uniqueName("reuse");
    await createModel(name);
    await register(name, 1);
    await register(name, 2);
    // Nothing deletes versions yet through the API; simulate with the model's own counter intact.
    await env.DB.prepare(
      "delete from model_versions where model_id = (select id from models where name = ?) and version = 2",
    )
      .bind(name)
      .run();
    const next = await json<{ version: number }>(await register(name, 3));
    expect(next.version).toBe(3);
  });
});
