import type { RouteHandler } from "@hono/zod-openapi";
import { accepts } from "hono/accepts";
import { buildModelCard } from "../../domain/model-card";
import { renderHtml, renderMarkdown } from "../../domain/model-card-render";
import type { AppEnv } from "../../env";
import { compatibilityReport, versionOr404 } from "../../operations/version-reads";
import type * as routes from "./cards.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const getCard: Handler<"getCard"> = async (c) => {
  const { name, version } = c.req.valid("param");
  const { view } = await versionOr404(c, name, version);
  const card = buildModelCard(view);
  const type = accepts(c, {
    header: "Accept",
    supports: ["application/json", "text/markdown", "text/html"],
    default: "application/json",
  });
  c.header("vary", "Accept");
  if (type === "text/markdown") {
    return c.body(renderMarkdown(card), 200, { "content-type": "text/markdown; charset=utf-8" }) as never;
  }
  if (type === "text/html") {
    // The page is static: no scripts, no remote loads, even if escaping were ever bypassed.
    c.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
    return c.body(renderHtml(card), 200, { "content-type": "text/html; charset=utf-8" }) as never;
  }
  return c.json({ ...card, stage: view.stage }, 200);
};

export const getCompatibility: Handler<"getCompatibility"> = async (c) => {
  const { name, version } = c.req.valid("param");
  const { db, model, view } = await versionOr404(c, name, version);
  return c.json(await compatibilityReport(db, model, view), 200);
};
