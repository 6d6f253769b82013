import { createRoute, z } from "@hono/zod-openapi";
import { d1Reachable } from "../../db/health";
import { createRouter } from "../../lib/create-router";
import { DOCS_HTML } from "./docs-page";

const health = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["meta"],
  summary: "Liveness: the Worker answers and D1 is reachable",
  security: [],
  responses: {
    200: {
      content: { "application/json": { schema: z.object({ status: z.literal("ok"), d1: z.boolean() }) } },
      description: "Healthy",
    },
  },
});

export const metaRouter = createRouter()
  .openapi(health, async (c) => {
    return c.json({ status: "ok" as const, d1: await d1Reachable(c.env.DB) }, 200);
  })
  .get("/docs", (c) => c.html(DOCS_HTML))
  // On Cloudflare the asset layer answers these before the Worker runs; this route serves them when
  // it does not (`npm start` leaves Miniflare's asset layers out: scripts/lib/registry-server.mjs).
  .get("/docs/assets/:file", async (c) => {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    return asset.status === 404 ? c.notFound() : asset;
  });
