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
  .get("/docs", (c) => c.html(DOCS_HTML));
