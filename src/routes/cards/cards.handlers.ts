import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { createDb } from "../../db/client";
import { findPreviousVersion, findProductionVersion } from "../../db/repos/compat-repo";
import { readVersionView } from "../../db/repos/versions-repo";
import { buildModelCard } from "../../domain/model-card";
import { renderHtml, renderMarkdown } from "../../domain/model-card-render";
import { parseSignature } from "../../domain/signature";
import { compareSignatures } from "../../domain/signature-compat";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { modelRowOr404 } from "../context";
import type * as routes from "./cards.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

async function versionOr404(c: Context<AppEnv>, name: string, version: number) {
  const db = createDb(c.env.DB);
  const model = await modelRowOr404(c, db, name);
  const view = await readVersionView(db, model, version);
  if (!view) throw new ApiError("VERSION_NOT_FOUND", `model '${name}' has no version ${version}`);
  return { db, model, view };
}

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

/** A stored signature that no longer validates (written before validation existed) counts as none. */
const signatureOf = (raw: unknown) => parseSignature(raw).signature;

export const getCompatibility: Handler<"getCompatibility"> = async (c) => {
  const { name, version } = c.req.valid("param");
  const { db, model, view } = await versionOr404(c, name, version);
  const mine = signatureOf(view.signature);
  const previous = await findPreviousVersion(db, model.id, version);
  const production = await findProductionVersion(db, model.id);
  const against = (other: { version: number; signature: unknown } | undefined) =>
    other && other.version !== version
      ? { version: other.version, ...compareSignatures(signatureOf(other.signature), mine) }
      : null;
  const report = { previous: against(previous), production: against(production) };
  return c.json(
    {
      name,
      version,
      has_signature: mine !== null,
      ...report,
      breaking: Boolean(report.previous?.breaking || report.production?.breaking),
    },
    200,
  );
};
