/**
 * POST handlers of the version page's forms. Success answers 303 to the page with a fixed notice;
 * a refusal re-renders the page with the registry's error (status and code as the API gives them),
 * e.g. a stale alias ETag becomes a 412 with a clear conflict message, never a silent overwrite.
 */
import type { Context } from "hono";
import type { Stage } from "../../domain/lifecycle";
import { STAGE_NAMES } from "../../domain/lifecycle";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/problem";
import { deleteAlias, moveAlias, requestPromotion, transitionVersion } from "../../operations/governance";
import { AliasNameSchema } from "../../schemas/aliases";
import { Flash } from "../components/forms";
import { ErrorPanel } from "../error-page";
import { versionHref } from "../hrefs";
import { versionPage } from "./version";

export const NOTICES = {
  transition: "The stage changed.",
  promotion: "Promotion requested. An approver decides it on the Approvals page.",
  alias: "The alias now points here.",
  alias_deleted: "The alias is deleted.",
} as const;

async function formOf(c: Context<AppEnv>) {
  const body = await c.req.parseBody();
  return (k: string) => (typeof body[k] === "string" ? (body[k] as string).trim() : "");
}

function conflictText(error: ApiError): string {
  if (error.code === "PRECONDITION_FAILED") {
    return "Someone moved this alias after you loaded the page, so nothing was changed. Look at the page again (it is current now) and repeat if you still want to.";
  }
  return error.message;
}

async function act(
  c: Context<AppEnv>,
  notice: keyof typeof NOTICES,
  run: (field: (k: string) => string) => Promise<unknown>,
) {
  const name = c.req.param("name") ?? "";
  const version = Number(c.req.param("version"));
  const field = await formOf(c);
  try {
    if (field("confirm") !== "yes")
      throw new ApiError("INVALID_ARGUMENT", "tick the confirmation box to go ahead");
    await run(field);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    c.status(error.status);
    const shown =
      error.code === "PRECONDITION_FAILED" ? new ApiError(error.code, conflictText(error)) : error;
    return versionPage(c, <ErrorPanel error={shown} />);
  }
  return c.redirect(`${versionHref(name, version)}?done=${notice}`, 303);
}

const params = (c: Context<AppEnv>) => ({
  name: c.req.param("name") ?? "",
  version: Number(c.req.param("version")),
});

export const transitionSubmit = (c: Context<AppEnv>) =>
  act(c, "transition", async (field) => {
    const to = field("to");
    if (!(STAGE_NAMES as readonly string[]).includes(to))
      throw new ApiError("INVALID_ARGUMENT", "unknown stage");
    const { name, version } = params(c);
    await transitionVersion(c, name, version, { to: to as Stage, comment: field("comment") });
  });

export const requestPromotionSubmit = (c: Context<AppEnv>) =>
  act(c, "promotion", async (field) => {
    const { name, version } = params(c);
    await requestPromotion(c, name, version, field("comment"));
  });

export const aliasSubmit = (c: Context<AppEnv>) =>
  act(c, "alias", async (field) => {
    const { name, version } = params(c);
    const alias = field("alias");
    const valid = AliasNameSchema.safeParse(alias);
    if (!valid.success)
      throw new ApiError("INVALID_ARGUMENT", `alias ${valid.error.issues[0]?.message ?? "is invalid"}`);
    await moveAlias(c, name, alias, version, field("new") === "yes" ? undefined : field("if_match"));
  });

/** Deletes an alias with the ETag the page showed: a stale page conflicts (412), as a move does. */
export const aliasDeleteSubmit = (c: Context<AppEnv>) =>
  act(c, "alias_deleted", async (field) => {
    const valid = AliasNameSchema.safeParse(field("alias"));
    if (!valid.success)
      throw new ApiError("INVALID_ARGUMENT", `alias ${valid.error.issues[0]?.message ?? "is invalid"}`);
    await deleteAlias(c, params(c).name, valid.data, field("if_match") || undefined);
  });

/** GET of the version page, with the fixed notice of the action that led here. */
export function versionView(c: Context<AppEnv>) {
  const done = c.req.query("done") as keyof typeof NOTICES | undefined;
  return versionPage(c, done && done in NOTICES ? <Flash kind="ok">{NOTICES[done]}</Flash> : undefined);
}
